using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace EmailIntegration.Domain.Events;

/// <summary>
/// A one-way, case-insensitive fingerprint of an e-mail address. Events carry this instead of the
/// address, so queues, quarantine and logs never hold one.
/// </summary>
/// <remarks>
/// SHA-256 (lower-case hex) of the UTF-8 of the address trimmed of white space and lower-cased (invariant culture). It stays
/// cryptographic: it stands in for an address. The span overloads give the same value as <see cref="Of(string?)"/> without
/// making the trimmed and lower-cased copies as strings.
/// </remarks>
public static class EmailHash
{
    /// <summary>Addresses up to this many chars are normalized on the stack; longer ones in a pooled buffer.</summary>
    private const int StackChars = 256;

    public static string? Of(string? email) => email is null ? null : Of(email.AsSpan());

    /// <summary>The hash of an address given as chars; null when blank.</summary>
    public static string? Of(ReadOnlySpan<char> email)
    {
        var trimmed = email.Trim();
        if (trimmed.IsEmpty)
        {
            return null;
        }

        char[]? rentedChars = null;
        byte[]? rentedBytes = null;
        Span<char> lower = trimmed.Length <= StackChars
            ? stackalloc char[StackChars]
            : (rentedChars = ArrayPool<char>.Shared.Rent(trimmed.Length));
        var maxBytes = trimmed.Length * 3;
        Span<byte> utf8 = maxBytes <= StackChars * 3
            ? stackalloc byte[StackChars * 3]
            : (rentedBytes = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var chars = trimmed.ToLowerInvariant(lower);
            var length = Encoding.UTF8.GetBytes(lower[..chars], utf8);
            return HashToHex(utf8[..length]);
        }
        finally
        {
            if (rentedChars is not null)
            {
                ArrayPool<char>.Shared.Return(rentedChars);
            }

            if (rentedBytes is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedBytes);
            }
        }
    }

    /// <summary>
    /// The hash of an address given as UTF-8 bytes (e.g. a JSON string value without escapes); null when blank. Pure ASCII is
    /// trimmed and lower-cased in place of a copy; anything else is decoded and takes the char path, so the result is always
    /// the same as <see cref="Of(string?)"/> of the decoded text (invalid UTF-8 decodes to U+FFFD, as
    /// <see cref="Encoding.UTF8"/> does).
    /// </summary>
    public static string? OfUtf8(ReadOnlySpan<byte> email)
    {
        if (!Ascii.IsValid(email))
        {
            return OfDecoded(email);
        }

        // Trimmed with char.IsWhiteSpace, as string.Trim does (ASCII bytes are their chars).
        var start = 0;
        var end = email.Length;
        while (start < end && char.IsWhiteSpace((char)email[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace((char)email[end - 1]))
        {
            end--;
        }

        var trimmed = email[start..end];
        if (trimmed.IsEmpty)
        {
            return null;
        }

        byte[]? rented = null;
        Span<byte> lower = trimmed.Length <= StackChars * 3
            ? stackalloc byte[StackChars * 3]
            : (rented = ArrayPool<byte>.Shared.Rent(trimmed.Length));
        try
        {
            Ascii.ToLower(trimmed, lower, out var written);
            return HashToHex(lower[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static string? OfDecoded(ReadOnlySpan<byte> email)
    {
        char[]? rented = null;
        Span<char> chars = email.Length <= StackChars
            ? stackalloc char[StackChars]
            : (rented = ArrayPool<char>.Shared.Rent(email.Length));
        try
        {
            var length = Encoding.UTF8.GetChars(email, chars);
            return Of(chars[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// One reusable SHA-256 per thread: the platform's one-shot <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/>
    /// sets up and tears down a digest context per call, which costs more than hashing an address. Same algorithm, same digest.
    /// </summary>
    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    private static string HashToHex(ReadOnlySpan<byte> normalized)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        var sha256 = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            sha256.AppendData(normalized);
            sha256.GetHashAndReset(digest);
        }
        catch
        {
            // Never reuse a context left half-way through a hash.
            t_sha256 = null;
            sha256.Dispose();
            throw;
        }

        return Convert.ToHexStringLower(digest);
    }
}
