using System.Globalization;
using EmailIntegration.Domain.Events;

namespace EmailIntegration.Vendors.HighRoad;

/// <summary>What a row's event-kind value means.</summary>
public readonly record struct HighRoadKind(TrackingEventKind Kind, BounceSeverity? Bounce);

/// <summary>
/// The export layout compiled from <see cref="HighRoadOptions"/>: delimiter, column map, kind map, date format and zone.
/// <see cref="TryCreate"/> is also what start-up validation runs, so a layout that starts is a layout that parses.
/// </summary>
public sealed class HighRoadFormat
{
    private HighRoadFormat(
        char delimiter,
        HighRoadColumnMap columns,
        IReadOnlyDictionary<string, HighRoadKind> kinds,
        string dateFormat,
        bool dateHasOffset,
        TimeZoneInfo timeZone,
        IReadOnlyList<string> userUnknownMarkers)
    {
        Delimiter = delimiter;
        Columns = columns;
        Kinds = kinds;
        DateFormat = dateFormat;
        DateHasOffset = dateHasOffset;
        TimeZone = timeZone;
        UserUnknownMarkers = userUnknownMarkers;
        var byName = kinds is Dictionary<string, HighRoadKind> d && ReferenceEquals(d.Comparer, StringComparer.OrdinalIgnoreCase)
            ? d
            : new Dictionary<string, HighRoadKind>(kinds, StringComparer.OrdinalIgnoreCase);
        kindsBySpan = byName.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary><see cref="Kinds"/> looked up by a span of the cell (no string per row).</summary>
    private readonly Dictionary<string, HighRoadKind>.AlternateLookup<ReadOnlySpan<char>> kindsBySpan;

    public char Delimiter { get; }

    public HighRoadColumnMap Columns { get; }

    /// <summary>Keys compared case-insensitively, trimmed.</summary>
    public IReadOnlyDictionary<string, HighRoadKind> Kinds { get; }

    public string DateFormat { get; }

    /// <summary>The format carries the offset (<c>z</c> or <c>K</c>): the value's own offset wins over <see cref="TimeZone"/>.</summary>
    public bool DateHasOffset { get; }

    public TimeZoneInfo TimeZone { get; }

    public IReadOnlyList<string> UserUnknownMarkers { get; }

    public static HighRoadFormat Create(HighRoadOptions options) =>
        TryCreate(options, out var format, out var errors)
            ? format!
            : throw new InvalidOperationException("The HighRoad layout settings are invalid: " + string.Join(" ", errors));

    /// <summary>Compiles the layout; the errors name settings and header names, never secrets.</summary>
    public static bool TryCreate(HighRoadOptions options, out HighRoadFormat? format, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        format = null;

        var delimiter = ParseDelimiter(options.Delimiter, problems);
        var columns = options.Columns ?? new HighRoadColumnMap();
        ValidateColumns(columns, problems);
        var kinds = ParseKindMap(options.KindMap, problems);

        var dateFormat = options.DateFormat?.Trim() ?? string.Empty;
        var hasOffset = dateFormat.Contains('z', StringComparison.Ordinal) || dateFormat.Contains('K', StringComparison.Ordinal);
        if (dateFormat.Length == 0)
        {
            problems.Add($"{nameof(HighRoadOptions.DateFormat)} is required.");
        }
        else
        {
            // A format that cannot read back what it writes (e.g. "yyyy-MM-dd HH:mm:ss q") can never parse a date.
            try
            {
                var sample = new DateTimeOffset(2026, 3, 8, 14, 5, 9, TimeSpan.FromHours(-5));
                var text = sample.ToString(dateFormat, CultureInfo.InvariantCulture);
                if (!DateTimeOffset.TryParseExact(text, dateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out _))
                {
                    problems.Add($"{nameof(HighRoadOptions.DateFormat)} '{dateFormat}' cannot read the dates it describes.");
                }
            }
            catch (FormatException)
            {
                problems.Add($"{nameof(HighRoadOptions.DateFormat)} '{dateFormat}' is not a valid .NET date format.");
            }
        }

        TimeZoneInfo? zone = null;
        var zoneId = string.IsNullOrWhiteSpace(options.TimeZone) ? "UTC" : options.TimeZone.Trim();
        try
        {
            zone = string.Equals(zoneId, "UTC", StringComparison.OrdinalIgnoreCase) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            problems.Add($"{nameof(HighRoadOptions.TimeZone)} '{zoneId}' is not a known time zone id (use an IANA id such as America/New_York).");
        }

        var markers = (options.UserUnknownMarkers ?? string.Empty)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        errors = problems;
        if (problems.Count > 0)
        {
            return false;
        }

        format = new HighRoadFormat(delimiter, columns, kinds, dateFormat, hasOffset, zone!, markers);
        return true;
    }

    /// <summary>Reads a date cell as a UTC instant; local times are converted with their zone's offset at that time.</summary>
    /// <param name="error">Why not, without echoing more of the value than needed.</param>
    public bool TryParseDate(string value, out DateTimeOffset utc, out string error) =>
        TryParseDate(value.AsSpan(), out utc, out error);

    /// <summary>What a (trimmed) event-kind cell means, looked up case-insensitively as <see cref="Kinds"/>.</summary>
    public bool TryGetKind(ReadOnlySpan<char> value, out HighRoadKind kind) => kindsBySpan.TryGetValue(value, out kind);

    /// <inheritdoc cref="TryParseDate(string, out DateTimeOffset, out string)"/>
    public bool TryParseDate(ReadOnlySpan<char> value, out DateTimeOffset utc, out string error)
    {
        utc = default;
        error = string.Empty;
        if (DateHasOffset)
        {
            if (!DateTimeOffset.TryParseExact(value, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var withOffset))
            {
                error = $"date '{Echo(value.ToString())}' does not match the format '{DateFormat}'";
                return false;
            }

            utc = withOffset.ToUniversalTime();
            return true;
        }

        if (!(DateFormat == CanonicalDateFormat && TryParseCanonical(value, out var local))
            && !DateTime.TryParseExact(value, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out local))
        {
            error = $"date '{Echo(value.ToString())}' does not match the format '{DateFormat}'";
            return false;
        }

        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (ReferenceEquals(TimeZone, TimeZoneInfo.Utc))
        {
            // UTC has no invalid or ambiguous times and no offset: what the general path below gives, without its look-ups.
            utc = new DateTimeOffset(local, TimeSpan.Zero);
            return true;
        }

        if (TimeZone.IsInvalidTime(local))
        {
            // The clocks jumped over this time (spring forward): no instant has it, so the row is wrong.
            error = $"date '{Echo(value.ToString())}' does not exist in {TimeZone.Id} (skipped by the daylight-saving change)";
            return false;
        }

        // An ambiguous time (fall back) happens twice; the earlier instant (the larger, daylight offset) is taken.
        var offset = TimeZone.IsAmbiguousTime(local) ? TimeZone.GetAmbiguousTimeOffsets(local).Max() : TimeZone.GetUtcOffset(local);
        utc = new DateTimeOffset(local, offset).ToUniversalTime();
        return true;
    }

    /// <summary>The default <see cref="HighRoadOptions.DateFormat"/>.</summary>
    private const string CanonicalDateFormat = "yyyy-MM-dd HH:mm:ss";

    /// <summary>
    /// <see cref="CanonicalDateFormat"/> read by position: only exactly <c>dddd-dd-dd dd:dd:dd</c> (ASCII digits) naming a real
    /// date and time, which DateTime.TryParseExact reads to the same value; anything else returns false and takes that path.
    /// </summary>
    private static bool TryParseCanonical(ReadOnlySpan<char> value, out DateTime local)
    {
        local = default;
        if (value.Length != 19 || value[4] != '-' || value[7] != '-' || value[10] != ' ' || value[13] != ':' || value[16] != ':')
        {
            return false;
        }

        static int Digits(ReadOnlySpan<char> s, int start, int count)
        {
            var n = 0;
            for (var i = start; i < start + count; i++)
            {
                if (!char.IsAsciiDigit(s[i]))
                {
                    return -1;
                }

                n = (n * 10) + (s[i] - '0');
            }

            return n;
        }

        var year = Digits(value, 0, 4);
        var month = Digits(value, 5, 2);
        var day = Digits(value, 8, 2);
        var hour = Digits(value, 11, 2);
        var minute = Digits(value, 14, 2);
        var second = Digits(value, 17, 2);
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour is < 0 or > 23 || minute is < 0 or > 59 || second is < 0 or > 59)
        {
            return false;
        }

        local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        return true;
    }

    /// <summary>Whether a bounce's reason or status says the address does not exist.</summary>
    public bool IsUserUnknown(string? reason, string? status)
    {
        foreach (var marker in UserUnknownMarkers)
        {
            if ((reason?.Contains(marker, StringComparison.OrdinalIgnoreCase) ?? false)
                || (status?.Contains(marker, StringComparison.OrdinalIgnoreCase) ?? false))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A cell value fit for a bad-record reason: short, and never an e-mail address (a shifted row can put one anywhere).
    /// </summary>
    public static string Echo(string value)
    {
        if (value.Contains('@', StringComparison.Ordinal))
        {
            return "(a value that looks like an e-mail address)";
        }

        return value.Length <= 40 ? value : value[..40] + "…";
    }

    private static char ParseDelimiter(string? value, List<string> problems)
    {
        if (value is null || value.Length == 0)
        {
            problems.Add($"{nameof(HighRoadOptions.Delimiter)} is required (one character, or 'tab').");
            return ',';
        }

        if (value == "\t" || string.Equals(value, "tab", StringComparison.OrdinalIgnoreCase) || value == "\\t")
        {
            return '\t';
        }

        if (value.Length != 1 || value[0] is '"' or '\r' or '\n')
        {
            problems.Add($"{nameof(HighRoadOptions.Delimiter)} must be one character other than a quote or a line break, or 'tab'.");
            return ',';
        }

        return value[0];
    }

    private static void ValidateColumns(HighRoadColumnMap columns, List<string> problems)
    {
        const string prefix = nameof(HighRoadOptions.Columns) + ":";
        foreach (var (field, header) in (ReadOnlySpan<(string, string?)>)
                 [
                     (nameof(HighRoadColumnMap.MailingId), columns.MailingId),
                     (nameof(HighRoadColumnMap.EventKind), columns.EventKind),
                     (nameof(HighRoadColumnMap.Date), columns.Date),
                 ])
        {
            if (string.IsNullOrWhiteSpace(header))
            {
                problems.Add($"{prefix}{field} is required: name the column that holds it.");
            }
        }

        if (string.IsNullOrWhiteSpace(columns.IndividualId) && string.IsNullOrWhiteSpace(columns.Email))
        {
            problems.Add($"{prefix}{nameof(HighRoadColumnMap.IndividualId)} or {prefix}{nameof(HighRoadColumnMap.Email)} is required: rows must name their recipient.");
        }

        foreach (var group in columns.Configured().GroupBy(c => c.Header, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"Column '{group.Key}' is mapped to more than one field ({string.Join(", ", group.Select(g => prefix + g.Field))}).");
        }
    }

    /// <summary>Parses <c>value=Kind; value=Bounced:Hard; ...</c>.</summary>
    public static IReadOnlyDictionary<string, HighRoadKind> ParseKindMap(string? text, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var map = new Dictionary<string, HighRoadKind>(StringComparer.OrdinalIgnoreCase);
        const string name = nameof(HighRoadOptions.KindMap);
        foreach (var entry in (text ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = entry.LastIndexOf('=');
            if (equals <= 0 || equals == entry.Length - 1)
            {
                problems.Add($"{name} entry '{entry}' is not 'value=Kind'.");
                continue;
            }

            var value = entry[..equals].Trim();
            var target = entry[(equals + 1)..].Trim();
            var colon = target.IndexOf(':', StringComparison.Ordinal);
            var kindText = colon < 0 ? target : target[..colon].Trim();
            var severityText = colon < 0 ? null : target[(colon + 1)..].Trim();
            if (!Enum.TryParse<TrackingEventKind>(kindText, ignoreCase: true, out var kind) || !Enum.IsDefined(kind)
                || int.TryParse(kindText, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                problems.Add($"{name} entry '{entry}': '{kindText}' is not one of {string.Join(", ", Enum.GetNames<TrackingEventKind>())}.");
                continue;
            }

            BounceSeverity? severity = null;
            if (severityText is not null)
            {
                if (kind != TrackingEventKind.Bounced)
                {
                    problems.Add($"{name} entry '{entry}': only Bounced takes a severity (Bounced:Hard or Bounced:Soft).");
                    continue;
                }

                if (!Enum.TryParse<BounceSeverity>(severityText, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed)
                    || int.TryParse(severityText, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                {
                    problems.Add($"{name} entry '{entry}': the severity must be Hard or Soft.");
                    continue;
                }

                severity = parsed;
            }

            if (!map.TryAdd(value, new HighRoadKind(kind, severity)))
            {
                problems.Add($"{name} maps '{value}' more than once.");
            }
        }

        if (map.Count == 0 && problems.Count == 0)
        {
            problems.Add($"{name} is empty: map at least one of the file's event values to a kind.");
        }

        return map;
    }
}
