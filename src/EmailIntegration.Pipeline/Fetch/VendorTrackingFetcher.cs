using System.Globalization;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Pipeline.Observability;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Pipeline.Fetch;

/// <summary>
/// Stage 1, the nightly fetch: for each enabled vendor, land every raw page of the window after
/// its watermark, then move the watermark. A vendor that fails keeps its watermark, so the next
/// run fetches the same window again and nothing falls in a gap. A page its source could not read
/// is landed all the same, quarantined with the reason and named in the run log; the vendor's other
/// pages still land, and its watermark stays.
/// </summary>
public sealed class VendorTrackingFetcher(
    IEnumerable<IVendorTrackingSource> sources,
    IWatermarkStore watermarks,
    ILandingZone landingZone,
    IQuarantine quarantine,
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
            metrics.FetchesSucceeded.Add(1, PipelineMetrics.Vendor(source.Vendor));
            return entry;
        }

        await runLog.WriteFetchAsync(entry, cancellationToken);
        var sink = new LandingSink(landingZone, quarantine, metrics, logger, source.Vendor, runId, runStartedAt, window);
        try
        {
            await source.FetchAsync(window, sink, cancellationToken);
            entry = entry with { Pages = sink.Pages, Records = sink.Records, UnreadablePages = sink.Unreadable.Count };
            if (sink.Unreadable.Count > 0)
            {
                // Applied rows stay applied (idempotent); the next run fetches the whole window again for the rest.
                entry = entry with
                {
                    Status = FetchStatus.Incomplete,
                    FinishedAt = time.GetUtcNow(),
                    Error = string.Create(CultureInfo.InvariantCulture,
                        $"{sink.Unreadable.Count} unreadable page(s), quarantined; watermark kept: {string.Join("; ", sink.Unreadable.Take(5))}"),
                };
                logger.LogWarning(
                    "Fetch of {Vendor} {WindowStart:o}..{WindowEnd:o} in run {RunId} landed {Pages} pages, {Unreadable} unreadable; watermark kept",
                    source.Vendor, window.Start, window.End, runId, entry.Pages, sink.Unreadable.Count);
            }
            else
            {
                // Only now is the whole window landed and read, so only now may the watermark move.
                await watermarks.AdvanceAsync(source.Vendor, window.End, watermark, cancellationToken);
                entry = entry with { Status = FetchStatus.Completed, FinishedAt = time.GetUtcNow() };
                metrics.FetchesSucceeded.Add(1, PipelineMetrics.Vendor(source.Vendor));
                logger.LogInformation(
                    "Fetched {Vendor} {WindowStart:o}..{WindowEnd:o} in run {RunId}: {Pages} pages, {Records} records",
                    source.Vendor, window.Start, window.End, runId, entry.Pages, entry.Records);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever failed, this vendor's watermark stays and the other vendors still run.
            // Vendor adapters build their messages without credentials; other failures are named by type.
            var expected = ex is VendorFetchException or HttpRequestException or TimeoutException
                or WatermarkConflictException or OperationCanceledException;
            var error = expected ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            entry = entry with
            {
                Status = FetchStatus.Failed, FinishedAt = time.GetUtcNow(), Error = error,
                Pages = sink.Pages, Records = sink.Records, UnreadablePages = sink.Unreadable.Count,
            };
            metrics.FetchFailures.Add(1, PipelineMetrics.Vendor(source.Vendor));
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

    /// <summary>Lands one vendor's pages for one run and remembers the ones its source could not read.</summary>
    private sealed class LandingSink(
        ILandingZone landingZone, IQuarantine quarantine, PipelineMetrics metrics, ILogger logger, string vendor, string runId, DateTimeOffset runStartedAt, TrackingWindow window) : IFetchedPageSink
    {
        public int Pages { get; private set; }

        public int Records { get; private set; }

        /// <summary>"{where}: {reason}" per unreadable page, for the run log.</summary>
        public List<string> Unreadable { get; } = [];

        public async Task LandAsync(FetchedPage page, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(page);
            await landingZone.LandAsync(NameOf(page), page.Body, Metadata(vendor, runId, window, page), cancellationToken);
            Pages++;
            Records += page.RecordCount;
            metrics.PagesLanded.Add(1, PipelineMetrics.Vendor(vendor));
            metrics.RecordsLanded.Add(page.RecordCount, PipelineMetrics.Vendor(vendor));
        }

        public async Task UnreadableAsync(FetchedPage page, string where, string reason, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(page);
            var name = NameOf(page).ToString();
            await quarantine.QuarantineFileAsync(name, $"{where}: {reason}", cancellationToken);
            Unreadable.Add($"{where} ({name}): {reason}");
            metrics.FetchFailures.Add(1, PipelineMetrics.Vendor(vendor));
            logger.LogWarning("{Vendor} page {LandedFile} could not be read ({Where}): {Reason}; quarantined", vendor, name, where, reason);
        }

        private LandedFileName NameOf(FetchedPage page) =>
            new(vendor, DateOnly.FromDateTime(runStartedAt.UtcDateTime), runId, page.Kind, page.PageNumber, page.Extension);
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
