using System.Globalization;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Pipeline.Serve;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Pipeline.Runs;

/// <summary>
/// An operator's replay of a night in Azure: the run's landed files are landed again, unchanged,
/// under a new run id, and the blob trigger fans each one out as if it had just arrived. Applying
/// is idempotent, so a replay only adds what the first pass missed.
/// </summary>
public sealed class RunReplayer(ILandingZone landingZone, IRunLog runLog, TimeProvider time, ILogger<RunReplayer> logger)
{
    /// <returns>Null when the run landed no file (an unknown run): nothing is replayed.</returns>
    public async Task<RunReplay?> ReplayAsync(string runId, CancellationToken cancellationToken)
    {
        EnsureValidRunId(runId);
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
