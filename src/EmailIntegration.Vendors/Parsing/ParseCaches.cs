using System.Text;
using EmailIntegration.Domain.Events;

namespace EmailIntegration.Vendors.Parsing;

/// <summary>
/// Interns the values a page repeats (mailing ids and names, URLs, groups, statuses): one string per distinct value for one
/// parse call, looked up by span so a repeated value costs no allocation. Bounded: past <c>maxEntries</c> distinct values, or
/// for values longer than <c>maxLength</c>, it simply makes a new string.
/// </summary>
internal sealed class StringCache(int maxEntries = 4096, int maxLength = 512)
{
    private readonly Dictionary<string, string> strings = new(StringComparer.Ordinal);

    public int Count => strings.Count;

    /// <summary>A string equal to <paramref name="value"/>; the same instance for the same text while the cache has room.</summary>
    public string Get(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return string.Empty;
        }

        if (value.Length > maxLength)
        {
            return value.ToString();
        }

        var lookup = strings.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(value, out var cached))
        {
            return cached;
        }

        var made = value.ToString();
        if (strings.Count < maxEntries)
        {
            strings.Add(made, made);
        }

        return made;
    }

    /// <summary>The same for UTF-8 text (decoded on the stack when short; invalid bytes become U+FFFD as in Encoding.UTF8).</summary>
    public string GetUtf8(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > maxLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        Span<char> chars = stackalloc char[512];
        var length = Encoding.UTF8.GetChars(utf8, chars);
        return Get(chars[..length]);
    }
}

/// <summary>
/// <see cref="EmailHash"/> per distinct raw address for one parse call (pages repeat recipients). The addresses are held
/// only in this dictionary, in memory, for the parse call: never logged, never written. Bounded like <see cref="StringCache"/>.
/// </summary>
internal sealed class EmailHashCache(int maxEntries = 8192, int maxLength = 320)
{
    private readonly Dictionary<string, string?> hashes = new(StringComparer.Ordinal);

    public string? Of(ReadOnlySpan<char> raw)
    {
        if (raw.Length > maxLength)
        {
            return EmailHash.Of(raw);
        }

        var lookup = hashes.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(raw, out var cached))
        {
            return cached;
        }

        var hash = EmailHash.Of(raw);
        if (hashes.Count < maxEntries)
        {
            lookup[raw] = hash;
        }

        return hash;
    }

    public string? OfUtf8(ReadOnlySpan<byte> raw)
    {
        if (raw.Length > maxLength)
        {
            return EmailHash.OfUtf8(raw);
        }

        Span<char> chars = stackalloc char[320];
        var length = Encoding.UTF8.GetChars(raw, chars);
        return Of(chars[..length]);
    }
}
