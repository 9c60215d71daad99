using System.Globalization;
using System.Text.Json;

namespace EmailIntegration.Vendors.RealMagnet;

/// <summary>Tolerant field access for the vendor's JSON: alias names, numbers that may come as strings.</summary>
internal static class RealMagnetJson
{
    public static readonly string[] MessageId = ["MessageID", "MessageId", "Message_Id"];
    public static readonly string[] RecipientId = ["RecipientID", "RecipientId", "Recipient_Id"];
    public static readonly string[] CustomId = ["CustomID", "CustomId", "Custom_Id", "CustomMemberID", "CustomMemberId"];
    public static readonly string[] ActivityDate = ["ActivityDate", "Date"];

    /// <summary>The first of the names present (case-sensitive first, then case-insensitive), else default.</summary>
    public static bool TryGet(JsonElement obj, IReadOnlyList<string> names, out JsonElement value)
    {
        foreach (var name in names)
        {
            if (obj.TryGetProperty(name, out value) && value.ValueKind is not JsonValueKind.Null and not JsonValueKind.Undefined)
            {
                return true;
            }
        }

        foreach (var property in obj.EnumerateObject())
        {
            foreach (var name in names)
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase)
                    && property.Value.ValueKind is not JsonValueKind.Null and not JsonValueKind.Undefined)
                {
                    value = property.Value;
                    return true;
                }
            }
        }

        value = default;
        return false;
    }

    public static bool TryGet(JsonElement obj, string name, out JsonElement value) => TryGet(obj, [name], out value);

    /// <summary>A whole number given as a JSON number or a numeric string.</summary>
    public static bool TryGetInt64(JsonElement value, out long result)
    {
        result = 0;
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt64(out result),
            JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out result),
            _ => false,
        };
    }

    /// <summary>A string, or a number's text (ids sometimes come as numbers); null for anything else or blank.</summary>
    public static string? AsText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => string.IsNullOrWhiteSpace(value.GetString()) ? null : value.GetString()!.Trim(),
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };

    public static string? GetText(JsonElement obj, IReadOnlyList<string> names) =>
        obj.ValueKind == JsonValueKind.Object && TryGet(obj, names, out var value) ? AsText(value) : null;

    /// <summary>
    /// The vendor's dates: WCF <c>/Date(ms±hhmm)/</c> (what the help pages show), or ISO 8601 with an explicit offset.
    /// An ISO date without a zone is refused: the vendor's local zone is not documented.
    /// </summary>
    public static bool TryParseDate(JsonElement value, out DateTimeOffset result, out string error)
    {
        result = default;
        if (value.ValueKind != JsonValueKind.String)
        {
            error = $"is {value.ValueKind}, not a date string";
            return false;
        }

        return TryParseDate(value.GetString()!, out result, out error);
    }

    /// <summary>The same for a string value's text; the usual WCF form is read without making a string.</summary>
    public static bool TryParseDate(ReadOnlySpan<char> text, out DateTimeOffset result, out string error)
    {
        if (WcfDate.TryParseFast(text, out result))
        {
            error = string.Empty;
            return true;
        }

        return TryParseDate(text.ToString(), out result, out error);
    }

    private static bool TryParseDate(string text, out DateTimeOffset result, out string error)
    {
        result = default;
        if (text.Contains("Date(", StringComparison.Ordinal))
        {
            try
            {
                result = WcfDate.Parse(text);
                error = string.Empty;
                return true;
            }
            catch (FormatException ex)
            {
                error = ex.Message;
                return false;
            }
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var iso)
            && HasZone(text))
        {
            result = iso.ToUniversalTime();
            error = string.Empty;
            return true;
        }

        error = $"'{(text.Length > 64 ? text[..64] : text)}' is not a WCF date nor an ISO 8601 date with a UTC offset";
        return false;
    }

    private static bool HasZone(string text)
    {
        var t = text.AsSpan().Trim();
        if (t.EndsWith("Z", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var timeStart = t.IndexOf('T');
        if (timeStart < 0)
        {
            return false;
        }

        var time = t[timeStart..];
        return time.Contains('+') || time.Contains('-');
    }
}
