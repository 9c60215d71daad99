using System.Globalization;
using System.Text.RegularExpressions;

namespace EmailIntegration.Vendors.RealMagnet;

/// <summary>
/// The WCF <c>DataContractJsonSerializer</c> date format the ApiAdapter uses in JSON responses:
/// <c>"\/Date(928164000000-0400)\/"</c> on the wire, <c>/Date(928164000000-0400)/</c> once JSON-decoded.
/// </summary>
/// <remarks>
/// Seen only in the examples of the vendor's help pages, e.g.
/// https://dna.magnetmail.net/ApiAdapter/Rest/help/operations/GetMessageLinkTracking (JSON shows
/// <c>"\/Date(928164000000-0400)\/"</c> where the XML shows <c>1999-05-31T11:20:00</c>), and
/// https://support.higherlogic.com/hc/en-us/articles/360032691552-GetMessageLinkTracking-.
/// The number is milliseconds since the Unix epoch in UTC; the optional <c>±hhmm</c> suffix is the server's local
/// offset at that instant and does not change the instant (WCF semantics), so it is only validated.
/// </remarks>
public static partial class WcfDate
{
    /// <summary>Parses either form (with or without the JSON escape backslashes) to a UTC instant.</summary>
    /// <exception cref="FormatException">The value is not a WCF date or is out of range.</exception>
    public static DateTimeOffset Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryParse(value, out var result, out var error) ? result : throw new FormatException(error);
    }

    public static bool TryParse(string? value, out DateTimeOffset result) => TryParse(value, out result, out _);

    /// <summary>The JSON-decoded form, <c>/Date(ms±hhmm)/</c>, with the given display offset (default +0000).</summary>
    public static string Format(DateTimeOffset instant, TimeSpan? offset = null)
    {
        var o = offset ?? TimeSpan.Zero;
        var sign = o < TimeSpan.Zero ? '-' : '+';
        var abs = o.Duration();
        return string.Create(CultureInfo.InvariantCulture,
            $"/Date({instant.ToUnixTimeMilliseconds()}{sign}{abs.Hours:00}{abs.Minutes:00})/");
    }

    /// <summary>
    /// The common case without the regular expression and without a string: only ASCII digits and the exact shape; anything
    /// else (including every invalid value) returns false, and the caller takes <see cref="Parse"/>'s path for the same
    /// result or error.
    /// </summary>
    internal static bool TryParseFast(ReadOnlySpan<char> value, out DateTimeOffset result)
    {
        result = default;
        var s = value;
        if (s.Length > 0 && s[0] == '\\')
        {
            s = s[1..];
        }

        if (!s.StartsWith("/Date(", StringComparison.Ordinal))
        {
            return false;
        }

        s = s[6..];
        var digits = s.Length > 0 && s[0] == '-' ? 1 : 0;
        var msStart = digits;
        while (digits < s.Length && char.IsAsciiDigit(s[digits]))
        {
            digits++;
        }

        var msLength = digits - msStart;
        if (msLength is < 1 or > 19)
        {
            return false;
        }

        var ms = s[..digits];
        s = s[digits..];
        if (s.Length >= 5 && s[0] is '+' or '-')
        {
            if (!char.IsAsciiDigit(s[1]) || !char.IsAsciiDigit(s[2]) || !char.IsAsciiDigit(s[3]) || !char.IsAsciiDigit(s[4])
                || ((((s[1] - '0') * 10) + (s[2] - '0')) > 14) || ((((s[3] - '0') * 10) + (s[4] - '0')) > 59))
            {
                return false;
            }

            s = s[5..];
        }

        if (s is not (")/" or ")\\/"))
        {
            return false;
        }

        if (!long.TryParse(ms, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var milliseconds)
            || milliseconds < DateTimeOffset.MinValue.ToUnixTimeMilliseconds() || milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }

        result = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        return true;
    }

    private static bool TryParse(string? value, out DateTimeOffset result, out string error)
    {
        result = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "An empty value is not a WCF JSON date (expected /Date(milliseconds[±hhmm])/).";
            return false;
        }

        var match = Pattern().Match(value);
        if (!match.Success)
        {
            error = $"'{Shorten(value)}' is not a WCF JSON date (expected /Date(milliseconds[±hhmm])/).";
            return false;
        }

        if (!long.TryParse(match.Groups["ms"].ValueSpan, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms)
            || ms < DateTimeOffset.MinValue.ToUnixTimeMilliseconds() || ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            error = $"'{Shorten(value)}' is a WCF JSON date out of the representable range.";
            return false;
        }

        if (match.Groups["offset"].Success)
        {
            var hours = int.Parse(match.Groups["offset"].ValueSpan[1..3], CultureInfo.InvariantCulture);
            var minutes = int.Parse(match.Groups["offset"].ValueSpan[3..5], CultureInfo.InvariantCulture);
            if (hours > 14 || minutes > 59)
            {
                error = $"'{Shorten(value)}' is a WCF JSON date with an invalid UTC offset (expected ±hhmm).";
                return false;
            }
        }

        result = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        error = string.Empty;
        return true;
    }

    private static string Shorten(string value) => value.Length <= 64 ? value : value[..64] + "…";

    // Backslashes are optional: "\/Date(...)\/" is the raw JSON text, "/Date(...)/" the decoded string.
    [GeneratedRegex(@"\A\\?/Date\((?<ms>-?\d{1,19})(?<offset>[+-]\d{4})?\)\\?/\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Pattern();
}
