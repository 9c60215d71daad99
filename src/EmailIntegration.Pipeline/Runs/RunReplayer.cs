using System.Globalization;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Pipeline.Operations;
using EmailIntegration.Pipeline.Serve;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Pipeline.Runs;

/// <summary>
/// An operator's replay of a night in Azure: the run's landed files are landed again, unchanged,
/// under a new run id, and the blob trigger fans each one out as if it had just arrived. Applying
/// is idempotent, so a replay only adds what the first pass missed. A run older than the retention is refused
/// (<see cref="RetentionOptions"/>): its files are deleted, or about to be, and a copy would keep them past it.
/// </summary>
public sealed class RunReplayer(
    ILandingZone landingZone, IRunLog runLog, IOptions<RetentionOptions> retention, TimeProvider time, ILogger<RunReplayer> logger)
{
    /// <returns>Null when the run landed no file (an unknown run): nothing is replayed.</returns>
    /// <exception cref="RetentionExpiredException">The run is older than the retention.</exception>
    public async Task<RunReplay?> ReplayAsync(string runId, CancellationToken cancellationToken)
    {
        EnsureValidRunId(runId);
        await EnsureWithinRetentionAsync(runId, cancellationToken);
        var now = time.GetUtcNow();
        var replayRunId = $"{runId}-replay-{now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";
        var files = 0;
        await foreach (var name in landingZone.ListRunAsync(runId, cancellationToken))
        {
            LandedFileName.TryParse(name, out var source);
            var target = source! with { RunId = replayRunId, RunDate = DateOnly.FromDateTime(now.UtcDateTime) };
            await landingZone.CopyAsync(name, target, cancellationToken);
            files++;
        }

        if (files == 0)
        {
            return null;
        }

        logger.LogInformation("Replaying run {RunId} as {ReplayRunId}: {Files} landed files", runId, replayRunId, files);
        return new RunReplay(runId, replayRunId, files);
    }

    /// <summary>
    /// Refuses a run older than the retention: its age is the date folder of its oldest file or, when older, its start (from
    /// its id; a replay's id keeps the original run's start; a webhook's or an operator's run id carries no time).
    /// </summary>
    /// <exception cref="RetentionExpiredException">The run is older than the retention.</exception>
    public async Task EnsureWithinRetentionAsync(string runId, CancellationToken cancellationToken)
    {
        EnsureValidRunId(runId);
        var days = retention.Value.Days;
        var oldest = time.GetUtcNow().AddDays(-days);
        var landed = false;
        await foreach (var name in landingZone.ListRunAsync(runId, cancellationToken))
        {
            landed = true;
            if (LandedFileName.TryParse(name, out var file) && file!.RunDate < DateOnly.FromDateTime(oldest.UtcDateTime))
            {
                throw Expired(runId, file.RunDate, days);
            }
        }

        // A run that landed nothing is unknown (404), not expired.
        if (landed && RunIndexKey.StartOf(OriginalRunId(runId)) is { } started && started < oldest)
        {
            throw Expired(runId, DateOnly.FromDateTime(started.UtcDateTime), days);
        }
    }

    /// <summary>The run a replay (<c>{runId}-replay-{time}</c>, perhaps of a replay) started from.</summary>
    private static string OriginalRunId(string runId)
    {
        var replay = runId.IndexOf("-replay-", StringComparison.Ordinal);
        return replay > 0 ? runId[..replay] : runId;
    }

    private static RetentionExpiredException Expired(string runId, DateOnly date, int days) => new(
        $"Run {runId} is from {date:yyyy-MM-dd}, older than the {days}-day retention (Retention__Days): its landed files are deleted, "
        + "or about to be, and are not replayed.");

    /// <summary>The run log of a run: what each vendor fetched, what each landed file gave, what was kept aside.</summary>
    public async Task<RunReport?> ReadAsync(string runId, CancellationToken cancellationToken)
    {
        EnsureValidRunId(runId);
        var fetches = runLog.ReadFetchesAsync(runId, cancellationToken);
        var fanOuts = runLog.ReadFanOutsAsync(runId, cancellationToken);
        var issues = runLog.ReadApplyIssuesAsync(runId, cancellationToken);
        await Task.WhenAll(fetches, fanOuts, issues);
        return fetches.Result.Count + fanOuts.Result.Count + issues.Result.Count == 0
            ? null
            : new RunReport(runId, fetches.Result, fanOuts.Result, issues.Result);
    }

    private static void EnsureValidRunId(string runId)
    {
        if (runId.Length is 0 or > 120 || !runId.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new InvalidRequestException("runId", "A run id is letters, digits and '-' (as printed by the fetch).");
        }
    }
}

public sealed record RunReplay(string RunId, string ReplayRunId, int Files);

public sealed record RunReport(
    string RunId,
    IReadOnlyList<FetchLogEntry> Fetches,
    IReadOnlyList<FanOutLogEntry> LandedFiles,
    IReadOnlyList<ApplyIssueEntry> Issues);
