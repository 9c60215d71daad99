using System.Globalization;
using System.Text.RegularExpressions;

namespace EmailIntegration.Pipeline.Operations;

/// <summary>
/// The runs, newest first, without reading every run's partition: one small index row per run, keyed so that
/// an ascending read is newest first (<see cref="RunIndexKey"/>).
/// </summary>
public interface IRunIndex
{
    /// <param name="from">Runs started at or after this time.</param>
    /// <param name="to">Runs started before this time (exclusive).</param>
    /// <param name="after">The index key of the last run of the previous page, or null for the first page.</param>
    Task<IReadOnlyList<RunIndexEntry>> ListAsync(
        DateTimeOffset? from, DateTimeOffset? to, string? after, int take, CancellationToken cancellationToken);
}

public sealed record RunIndexEntry(string Key, string RunId, DateTimeOffset StartedAt);

/// <summary>
/// Run ids are <c>yyyyMMddTHHmmssZ-xxxxxxxx</c> (a fetch) or <c>{runId}-replay-yyyyMMddTHHmmssZ</c> (a replay); the
/// time a run started is read from its id, so every writer of a run computes the same index key.
/// </summary>
public static partial class RunIndexKey
{
    private const int TicksDigits = 19;

    /// <summary>When the run started, from its id; null for an id of another shape (e.g. an operator's drop).</summary>
    public static DateTimeOffset? StartOf(string runId)
    {
        var replay = ReplayPattern().Match(runId);
        var stamp = replay.Success ? replay.Groups["stamp"].Value : FetchPattern().Match(runId) is { Success: true } m ? m.Groups["stamp"].Value : null;
        return stamp is not null && DateTime.TryParseExact(stamp, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
            ? new DateTimeOffset(time, TimeSpan.Zero)
            : null;
    }

    /// <summary>Ticks counted down from the latest time, zero-padded: ascending keys are newest runs first.</summary>
    public static string For(string runId, DateTimeOffset startedAt) => Reverse(startedAt) + "|" + runId;

    /// <summary>
    /// The boundary at <paramref name="time"/>: keys at or above it are runs started before the time, keys below it
    /// runs started at or after it.
    /// </summary>
    public static string Bound(DateTimeOffset time) => Reverse(time.AddTicks(-1));

    public static bool IsValid(string key) => KeyPattern().IsMatch(key);

    private static string Reverse(DateTimeOffset time) =>
        (DateTimeOffset.MaxValue.UtcTicks - time.UtcTicks).ToString("D" + TicksDigits, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\A(?<stamp>\d{8}T\d{6}Z)-[A-Za-z0-9]{1,32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex FetchPattern();

    [GeneratedRegex(@"\A[A-Za-z0-9-]{1,80}-replay-(?<stamp>\d{8}T\d{6}Z)\z", RegexOptions.CultureInvariant)]
    private static partial Regex ReplayPattern();

    [GeneratedRegex(@"\A\d{19}\|[A-Za-z0-9-]{1,120}\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
