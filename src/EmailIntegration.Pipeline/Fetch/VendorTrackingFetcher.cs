using System.Globalization;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Pipeline.Observability;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Pipeline.Fetch;

/// <summary>
/// Stage 1, the nightly fetch: for each enabled vendor, land every raw page of the window after
/// its watermark, then move the watermark. A vendor that fails keeps its watermark, so the next
/// run fetches the same window again and nothing falls in a gap.
/// </summary>
public sealed class VendorTrackingFetcher(
    IEnumerable<IVendorTrackingSource> sources,
    IWatermarkStore watermarks,
    ILandingZone landingZone,
    IRunLog runLog,
    TimeProvider time,
    PipelineMetrics metrics,
    ILogger<VendorTrackingFetcher> logger)
{
    public async Task<FetchRunResult> RunAsync(CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var runId = NewRunId(startedAt);
        var results = new List<FetchLogEntry>();
        foreach (var source in sources.Where(s => s.IsEnabled))
        {
            results.Add(await FetchVendorAsync(source, runId, startedAt, cancellationToken));
        }

        return new FetchRunResult(runId, results);
    }

    private async Task<FetchLogEntry> FetchVendorAsync(
        IVendorTrackingSource source, string runId, DateTimeOffset runStartedAt, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var watermark = await watermarks.GetAsync(source.Vendor, cancellationToken);
        var window = source.PlanWindow(watermark?.LandedUntil, startedAt);
        var entry = new FetchLogEntry(runId, source.Vendor, FetchStatus.Running, startedAt, null,
            window?.Start, window?.End, 0, 0, null);
        if (window is null)
        {
            entry = entry with { Status = FetchStatus.UpToDate, FinishedAt = time.GetUtcNow() };
            await runLog.WriteFetchAsync(entry, cancellationToken);
            return entry;
        }

        await runLog.WriteFetchAsync(entry, cancellationToken);
        try
        {
            await foreach (var page in source.FetchAsync(window, cancellationToken))
            {
                var name = new LandedFileName(source.Vendor, DateOnly.FromDateTime(runStartedAt.UtcDateTime),
                    runId, page.Kind, page.PageNumber, page.Extension);
                await landingZone.LandAsync(name, page.Body, Metadata(source.Vendor, runId, window, page), cancellationToken);
                entry = entry with { Pages = entry.Pages + 1, Records = entry.Records + page.RecordCount };
                metrics.PagesLanded.Add(1);
                metrics.RecordsLanded.Add(page.RecordCount);
            }

            // Only now is the whole window landed, so only now may the watermark move.
            await watermarks.AdvanceAsync(source.Vendor, window.End, watermark, cancellationToken);
            entry = entry with { Status = FetchStatus.Completed, FinishedAt = time.GetUtcNow() };
            logger.LogInformation(
                "Fetched {Vendor} {WindowStart:o}..{WindowEnd:o} in run {RunId}: {Pages} pages, {Records} records",
                source.Vendor, window.Start, window.End, runId, entry.Pages, entry.Records);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever failed, this vendor's watermark stays and the other vendors still run.
            // Vendor adapters build their messages without credentials; other failures are named by type.
            var expected = ex is VendorFetchException or HttpRequestException or TimeoutException
                or WatermarkConflictException or OperationCanceledException;
            var error = expected ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            entry = entry with { Status = FetchStatus.Failed, FinishedAt = time.GetUtcNow(), Error = error };
            metrics.FetchFailures.Add(1);
            if (expected)
            {
                logger.LogError(
                    "Fetch of {Vendor} {WindowStart:o}..{WindowEnd:o} failed in run {RunId}; watermark kept: {Error}",
                    source.Vendor, window.Start, window.End, runId, error);
            }
            else
            {
                logger.LogError(ex,
                    "Fetch of {Vendor} {WindowStart:o}..{WindowEnd:o} failed unexpectedly in run {RunId}; watermark kept",
                    source.Vendor, window.Start, window.End, runId);
            }
        }

        await runLog.WriteFetchAsync(entry, cancellationToken);
        return entry;
    }

    private static Dictionary<string, string> Metadata(
        string vendor, string runId, TrackingWindow window, FetchedPage page) => new()
    {
        ["vendor"] = vendor,
        ["runId"] = runId,
        ["kind"] = page.Kind,
        ["windowStart"] = window.Start.ToString("o", CultureInfo.InvariantCulture),
        ["windowEnd"] = window.End.ToString("o", CultureInfo.InvariantCulture),
        ["records"] = page.RecordCount.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Sortable by time, unique per run: <c>20261130T021500Z-1a2b3c4d</c>.</summary>
    private static string NewRunId(DateTimeOffset startedAt) =>
        startedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)
        + "-" + Guid.NewGuid().ToString("N")[..8];
}

public sealed record FetchRunResult(string RunId, IReadOnlyList<FetchLogEntry> Vendors);

/// <summary>Another run moved the watermark first; this run's pages stay landed and harmless.</summary>
public sealed class WatermarkConflictException(string vendor)
    : Exception($"{vendor}: the watermark was moved by another run.");
