using System.Globalization;

namespace EmailIntegration.Vendors.Informz;

/// <summary>
/// Informz date-times. The guide shows dates as <c>2009-09-01</c> in conditions and types the columns DateTime without
/// giving a wire format or zone; we accept ISO 8601 (with or without fraction and offset) and US <c>M/d/yyyy h:mm:ss tt</c>.
/// A value with an offset (or Z) is taken as is; one without is read in <see cref="InformzOptions.VendorTimeZone"/>.
/// </summary>
internal static class InformzDates
{
    private static readonly string[] LocalFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd", "M/d/yyyy h:mm:ss tt", "M/d/yyyy H:mm:ss", "M/d/yyyy h:mm tt", "M/d/yyyy",
    ];

    private static readonly string[] OffsetFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
    ];

    public static bool TryParse(string? value, TimeZoneInfo zone, out DateTimeOffset utc)
    {
        utc = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var text = value.Trim();
        if ((text.EndsWith('Z') || HasOffset(text))
            && DateTimeOffset.TryParseExact(text, OffsetFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
        {
            utc = withOffset.ToUniversalTime();
            return true;
        }

        if (!DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }

        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);

        // A skipped local time (spring forward) is moved past the gap; an ambiguous one takes the standard-time offset.
        if (zone.IsInvalidTime(local))
        {
            local = local.AddHours(1);
        }

        utc = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
        return true;
    }

    private static bool HasOffset(string text)
    {
        // "…T10:00:00+05:00" / "-0500": a sign after the time part (dates themselves contain '-').
        var t = text.IndexOfAny(['T', ' ']);
        return t > 0 && text.AsSpan(t).IndexOfAny('+', '-') > 0;
    }
}
