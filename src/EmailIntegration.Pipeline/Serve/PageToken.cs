using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EmailIntegration.Domain.Documents;

namespace EmailIntegration.Pipeline.Serve;

/// <summary>
/// The signed tokens the API hands out: continuation tokens (a cursor, <see cref="PageCursor"/>, bound to the list it
/// pages — form, individual — and the filters it was issued for) and view links (bound to one individual). Each carries
/// the id of the key that signed it and an expiry, both under the HMAC-SHA256 signature, and is URL-safe. A token that was
/// altered, has expired, is replayed against another list or other filters, or was signed by a key no longer configured
/// fails. Two keys are valid during a rotation: <see cref="KeySetting"/> signs, <see cref="PreviousKeySetting"/> (the
/// key before it) still verifies until its tokens have expired.
/// </summary>
/// <remarks>Layout: base64url(version 0x02 ‖ key id[4] ‖ expiry[8, Unix seconds, big-endian] ‖ HMAC[32] ‖ UTF-8 payload).</remarks>
public sealed class PageTokenProtector
{
    /// <summary>The setting holding the signing key (base64, at least 32 bytes); Key Vault in Azure.</summary>
    public const string KeySetting = "Api:PageTokenKey";

    /// <summary>The key before the current one, during a rotation; empty otherwise.</summary>
    public const string PreviousKeySetting = "Api:PreviousPageTokenKey";

    /// <summary>How long a continuation token stays valid: long enough to read a page, short enough that a leaked one dies.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);

    private const byte Version = 2;
    private const int KeyIdLength = 4;
    private const int HeaderLength = 1 + KeyIdLength + sizeof(long);
    private const int MacLength = HMACSHA256.HashSizeInBytes;
    private readonly (byte[] Id, byte[] Key) current;
    private readonly (byte[] Id, byte[] Key)? previous;
    private readonly TimeProvider time;

    public PageTokenProtector(byte[] key, byte[]? previousKey = null, TimeProvider? time = null)
    {
        current = (KeyId(RequireLength(key)), key);
        previous = previousKey is { Length: > 0 } ? (KeyId(RequireLength(previousKey)), previousKey) : null;
        this.time = time ?? TimeProvider.System;
    }

    /// <summary>The key's id: the first bytes of its SHA-256, so it needs no setting of its own and reveals nothing.</summary>
    public static byte[] KeyId(byte[] key) => SHA256.HashData(key)[..KeyIdLength];

    /// <summary>Reads <see cref="KeySetting"/>; a missing or malformed key is a configuration error.</summary>
    public static PageTokenProtector FromBase64(string? base64Key, string? previousBase64Key = null, TimeProvider? time = null) =>
        new(Decode(KeySetting, base64Key, required: true)!, Decode(PreviousKeySetting, previousBase64Key, required: false), time);

    /// <summary>Whether <see cref="FromBase64"/> accepts these keys (the start-up check).</summary>
    public static bool IsValidConfiguration(string? base64Key, string? previousBase64Key)
    {
        try
        {
            FromBase64(base64Key, previousBase64Key);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Reads <see cref="KeySetting"/> and <see cref="PreviousKeySetting"/>.</summary>
    public static PageTokenProtector FromConfiguration(Microsoft.Extensions.Configuration.IConfiguration configuration, TimeProvider? time = null) =>
        FromBase64(configuration[KeySetting], configuration[PreviousKeySetting], time);

    public string? Protect(PageContext context, string? cursor) =>
        string.IsNullOrEmpty(cursor) ? null : Protect(context.Canonical(), cursor, DefaultLifetime);

    /// <summary>The cursor (<see cref="PageCursor"/>), or null for the first page; throws <see cref="InvalidRequestException"/> for a bad token.</summary>
    public string? Unprotect(PageContext context, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        return TryUnprotect(context.Canonical(), token, out var cursor, out var expired)
            ? cursor
            : throw (expired ? Expired() : Invalid());
    }

    /// <summary>Signs <paramref name="payload"/> for <paramref name="context"/> (what it is bound to), valid for <paramref name="lifetime"/>.</summary>
    public string Protect(string context, string payload, TimeSpan lifetime)
    {
        var body = Encoding.UTF8.GetBytes(payload);
        var token = new byte[HeaderLength + MacLength + body.Length];
        token[0] = Version;
        current.Id.CopyTo(token, 1);
        BinaryPrimitives.WriteInt64BigEndian(token.AsSpan(1 + KeyIdLength), (time.GetUtcNow() + lifetime).ToUnixTimeSeconds());
        body.CopyTo(token, HeaderLength + MacLength);
        Sign(current.Key, context, token.AsSpan(0, HeaderLength), body, token.AsSpan(HeaderLength, MacLength));
        return Base64Url.EncodeToString(token);
    }

    /// <summary>The payload of a valid, unexpired token signed for <paramref name="context"/> by a configured key.</summary>
    public bool TryUnprotect(string context, string token, out string payload, out bool expired)
    {
        payload = string.Empty;
        expired = false;
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            return false;
        }

        if (bytes.Length <= HeaderLength + MacLength || bytes[0] != Version)
        {
            return false;
        }

        var keyId = bytes.AsSpan(1, KeyIdLength);
        var key = keyId.SequenceEqual(current.Id) ? current.Key
            : previous is { } p && keyId.SequenceEqual(p.Id) ? p.Key
            : null;
        if (key is null)
        {
            return false;
        }

        var body = bytes.AsSpan(HeaderLength + MacLength);
        Span<byte> expected = stackalloc byte[MacLength];
        Sign(key, context, bytes.AsSpan(0, HeaderLength), body, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(HeaderLength, MacLength)))
        {
            return false;
        }

        // Checked after the signature, so an expiry is only ever reported for a token we issued.
        if (BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1 + KeyIdLength)) <= time.GetUtcNow().ToUnixTimeSeconds())
        {
            expired = true;
            return false;
        }

        payload = Encoding.UTF8.GetString(body);
        return true;
    }

    private static void Sign(byte[] key, string context, ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.UTF8.GetBytes(context));
        hmac.AppendData(header);
        hmac.AppendData(payload);
        hmac.GetHashAndReset(destination);
    }

    private static byte[] RequireLength(byte[] key) =>
        key.Length >= 32 ? key : throw new ArgumentException("A token key must be at least 32 bytes.", nameof(key));

    private static byte[]? Decode(string setting, string? base64Key, bool required)
    {
        if (string.IsNullOrWhiteSpace(base64Key))
        {
            return required ? throw new InvalidOperationException($"The setting {setting} is not set.") : null;
        }

        try
        {
            return RequireLength(Convert.FromBase64String(base64Key));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new InvalidOperationException($"The setting {setting} must be base64 of at least 32 bytes.", ex);
        }
    }

    private static InvalidRequestException Invalid() => new("continuationToken",
        "The continuation token is not valid for this list and these filters: pass back the token of the previous page with the same from, to and vendor.");

    private static InvalidRequestException Expired() => new("continuationToken",
        "The continuation token has expired: start again from the first page.");
}

/// <summary>What a continuation token is bound to: the list (form, individual) and its filters.</summary>
public sealed record PageContext(string Form, string IndividualId, DateTimeOffset? From, DateTimeOffset? To, string? Vendor)
{
    public static PageContext For(ChildForm form, string individualId, PageRequest request) =>
        new(form.Segment, individualId, request.From, request.To, request.Vendor);

    /// <summary>Newline-separated; no part can contain a newline (ids, segments and vendors are validated).</summary>
    public string Canonical() => string.Join('\n',
        "v1", Form, IndividualId, Format(From), Format(To), Vendor ?? string.Empty) + "\n";

    private static string Format(DateTimeOffset? time) =>
        time?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? string.Empty;
}

/// <summary>
/// What a page token carries: the key of the page's last row (<see cref="RowKey"/>), so the next page is the rows
/// after it; the same whether the page came from the tab's newest read or from a query.
/// </summary>
public static class PageCursor
{
    public static string Format(RowKey last) =>
        last.SortAt.UtcTicks.ToString(CultureInfo.InvariantCulture) + "|" + last.Id;

    /// <summary>Null for the first page; a signed payload that is not a cursor is a client error like any bad token.</summary>
    public static RowKey? Parse(string? cursor)
    {
        if (cursor is null)
        {
            return null;
        }

        var separator = cursor.IndexOf('|', StringComparison.Ordinal);
        if (separator <= 0 || separator == cursor.Length - 1
            || !long.TryParse(cursor.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            throw new InvalidRequestException("continuationToken", "The continuation token is not valid for this list.");
        }

        return new RowKey(new DateTimeOffset(ticks, TimeSpan.Zero), cursor[(separator + 1)..]);
    }
}
