using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;

namespace EmailIntegration.Domain.Events;

/// <summary>
/// Deterministic ids, so that replaying the same vendor data produces the same events and messages.
/// </summary>
public static class EventIdentity
{
    /// <summary>UTF-8 names of the kinds, hashed instead of the enum's number so that reordering the enum keeps ids.</summary>
    private static readonly byte[][] KindNames = Enum.GetValues<TrackingEventKind>()
        .Select(kind => Encoding.UTF8.GetBytes(kind.ToString()))
        .ToArray();

    /// <summary>Key material up to this size is written on the stack; larger (very long URLs) into a pooled buffer.</summary>
    private const int StackLimit = 512;

    /// <summary>
    /// Id of a vendor record that has no id of its own: a hash of what makes it unique
    /// (vendor, mailing, recipient, kind, time and, for clicks, the link).
    /// </summary>
    /// <remarks>
    /// <para>Scheme (changed before the product was ever deployed, so no stored id uses the earlier SHA-256 of the
    /// <c>\u001f</c>-joined parts): XxHash128 (seed 0) of the parts in order, each string written as its UTF-8 byte count
    /// (4 bytes, little-endian) followed by its UTF-8 bytes, the kind as its name in that form, the time as
    /// <see cref="DateTimeOffset.UtcTicks"/> (8 bytes, little-endian). The length prefixes make the encoding unambiguous: no
    /// text moved between parts, separator characters included, gives the same bytes. A null discriminator is the empty one.
    /// Output: the 16-byte digest as 22 characters of base64url without padding, as before.</para>
    /// <para>XxHash128 is not cryptographic: ids are derived from vendor data, not secrets, and nothing relies on them being
    /// hard to forge. With 128 bits an accidental collision is negligible (about 2^-64 at 2^32 events); one would only make
    /// one event look like a duplicate of another and be applied once.</para>
    /// </remarks>
    public static string For(
        string vendor,
        string mailingId,
        string recipientKey,
        TrackingEventKind kind,
        DateTimeOffset occurredAt,
        string? discriminator = null)
    {
        ArgumentNullException.ThrowIfNull(vendor);
        ArgumentNullException.ThrowIfNull(mailingId);
        ArgumentNullException.ThrowIfNull(recipientKey);
        discriminator ??= string.Empty;
        var kindName = (uint)kind < (uint)KindNames.Length ? KindNames[(int)kind] : Encoding.UTF8.GetBytes(kind.ToString());

        // Upper bound: 4-byte prefix per part, at most 3 UTF-8 bytes per UTF-16 char, 8 bytes of ticks.
        var max = (5 * sizeof(int)) + sizeof(long) + kindName.Length
                  + (3 * (vendor.Length + mailingId.Length + recipientKey.Length + discriminator.Length));
        byte[]? rented = null;
        Span<byte> buffer = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var at = 0;
            at += WriteText(buffer[at..], vendor);
            at += WriteText(buffer[at..], mailingId);
            at += WriteText(buffer[at..], recipientKey);
            BinaryPrimitives.WriteInt32LittleEndian(buffer[at..], kindName.Length);
            kindName.CopyTo(buffer[(at + sizeof(int))..]);
            at += sizeof(int) + kindName.Length;
            BinaryPrimitives.WriteInt64LittleEndian(buffer[at..], occurredAt.UtcTicks);
            at += sizeof(long);
            at += WriteText(buffer[at..], discriminator);

            Span<byte> digest = stackalloc byte[16];
            XxHash128.Hash(buffer[..at], digest);
            return Base64Url.EncodeToString(digest);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Writes the UTF-8 byte count (4 bytes, little-endian) then the UTF-8 bytes; returns the bytes written.</summary>
    private static int WriteText(Span<byte> destination, string value)
    {
        var length = Encoding.UTF8.GetBytes(value, destination[sizeof(int)..]);
        BinaryPrimitives.WriteInt32LittleEndian(destination, length);
        return sizeof(int) + length;
    }

    /// <summary>
    /// A short, URL- and key-safe hash (128 bits of SHA-256, base64url). Unchanged by the <see cref="For"/> scheme change:
    /// document keys and partition ids built from it stay what they were.
    /// </summary>
    public static string Hash(string value)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(value), digest);
        return Convert.ToBase64String(digest[..16]).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
