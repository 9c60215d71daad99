using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EmailIntegration.Domain.Documents;

namespace EmailIntegration.Pipeline.Serve;

/// <summary>
/// The continuation tokens the API hands out: a cursor (<see cref="PageCursor"/>), signed with HMAC-SHA256 over
/// the list it pages (form, individual) and the filters it was issued for (from, to, vendor), and
/// made URL-safe. A token that was altered, or is replayed against another list or other filters,
/// fails the signature and is a client error. The page size may change between pages.
/// </summary>
/// <remarks>Layout: base64url(version 0x01 ‖ HMAC[32] ‖ UTF-8 cursor).</remarks>
public sealed class PageTokenProtector
{
    /// <summary>The setting holding the key (base64, at least 32 bytes); Key Vault in Azure.</summary>
    public const string KeySetting = "Api:PageTokenKey";

    private const byte Version = 1;
    private const int MacLength = HMACSHA256.HashSizeInBytes;
    private readonly byte[] key;

    public PageTokenProtector(byte[] key)
    {
        if (key.Length < 32)
        {
            throw new ArgumentException("The page token key must be at least 32 bytes.", nameof(key));
        }

        this.key = key;
    }

    /// <summary>Reads <see cref="KeySetting"/>; a missing or malformed key is a configuration error.</summary>
    public static PageTokenProtector FromBase64(string? base64Key)
    {
        if (string.IsNullOrWhiteSpace(base64Key))
        {
            throw new InvalidOperationException($"The setting {KeySetting} is not set.");
        }

        try
        {
            return new PageTokenProtector(Convert.FromBase64String(base64Key));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new InvalidOperationException($"The setting {KeySetting} must be base64 of at least 32 bytes.", ex);
        }
    }

    public string? Protect(PageContext context, string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        var payload = Encoding.UTF8.GetBytes(cursor);
        var token = new byte[1 + MacLength + payload.Length];
        token[0] = Version;
        Sign(context, payload, token.AsSpan(1, MacLength));
        payload.CopyTo(token, 1 + MacLength);
        return Base64Url.EncodeToString(token);
    }

    /// <summary>The cursor (<see cref="PageCursor"/>), or null for the first page; throws <see cref="InvalidRequestException"/> for a bad token.</summary>
    public string? Unprotect(PageContext context, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            throw Invalid();
        }

        if (bytes.Length <= 1 + MacLength || bytes[0] != Version)
        {
            throw Invalid();
        }

        var payload = bytes.AsSpan(1 + MacLength);
        Span<byte> expected = stackalloc byte[MacLength];
        Sign(context, payload, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(1, MacLength)))
        {
            throw Invalid();
        }

        return Encoding.UTF8.GetString(payload);
    }

    private void Sign(PageContext context, ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.UTF8.GetBytes(context.Canonical()));
        hmac.AppendData(payload);
        hmac.GetHashAndReset(destination);
    }

    private static InvalidRequestException Invalid() => new("continuationToken",
        "The continuation token is not valid for this list and these filters: pass back the token of the previous page with the same from, to and vendor.");
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
/// after it; the same whether the page came from the tab summary or from a query.
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
