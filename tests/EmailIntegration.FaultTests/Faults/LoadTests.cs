using System.Diagnostics;
using Azure.Storage.Blobs;
using EmailIntegration.FaultTests.Infrastructure;
using EmailIntegration.Pipeline.FanOut;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace EmailIntegration.FaultTests.Faults;

/// <summary>
/// A local import of 200,000 events with bounded memory: a 20,000-event and a 200,000-event HighRoad
/// CSV (streamed from the blob) are fanned out in this process while the managed heap and the working
/// set are sampled; the larger file may not need more than about twice the memory of the smaller. A
/// 2,000-event subset is applied and checked exactly (applying 200,000 events takes longer than CI
/// allows on two cores: the two large files are only fanned out).
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class LoadTests(ITestOutputHelper output)
{
    private const int Individuals = 2_000;

    [Fact]
    public async Task FanOutMemory_DoesNotGrowWithFileSize_AndTheSmallerImportAppliesExactly()
    {
        await using var pipeline = await FaultPipeline.StartAsync();

        // Apply, exactly, on a subset: 2,000 events for 200 individuals.
        var subset = new HighRoadExport(200, 2_000, seed: 40);
        var subsetRun = await MeasureFanOutAsync(pipeline, subset, "load-apply");
        var started = Stopwatch.StartNew();
        var (applied, poisoned) = await pipeline.Host.DrainQueueAsync(default);
        var applySeconds = started.Elapsed.TotalSeconds;
        Assert.Equal((subsetRun.Entry.Messages, 0), (applied, poisoned));
        int lost = 0, doubled = 0;
        foreach (var (id, expected) in subset.ExpectedCounts())
        {
            var actual = TabJson.Counts(await pipeline.TabAsync(id));
            lost += Math.Max(0, expected.Opens - actual.Opens) + Math.Max(0, expected.Clicks - actual.Clicks);
            doubled += Math.Max(0, actual.Opens - expected.Opens) + Math.Max(0, actual.Clicks - expected.Clicks);
            Assert.Equal(expected, actual);
        }

        // Memory: fan out 20,000 and 200,000 events (2,000 individuals); the messages are dropped, not applied.
        var small = new HighRoadExport(Individuals, 20_000, seed: 41);
        var large = new HighRoadExport(Individuals, 200_000, seed: 42);
        var smallRun = await MeasureFanOutAsync(pipeline, small, "load-small");
        await pipeline.Queue.ClearMessagesAsync();
        var largeRun = await MeasureFanOutAsync(pipeline, large, "load-large");
        await pipeline.Queue.ClearMessagesAsync();

        Assert.Equal(large.Events, largeRun.Entry.Events);
        Figures.Report(output, nameof(FanOutMemory_DoesNotGrowWithFileSize_AndTheSmallerImportAppliesExactly),
            $"apply subset: {subset.Events} events → {applied} messages applied in {applySeconds:F1} s, poisoned {poisoned}, lost {lost}, doubled {doubled}. "
            + $"20k: {smallRun.Entry.Events} events → {smallRun.Entry.Messages} messages in {smallRun.Seconds:F1} s, peak live heap +{Mb(smallRun.PeakHeapDelta)}, "
            + $"peak working set {Mb(smallRun.PeakWorkingSet)} (+{Mb(smallRun.PeakWorkingSetDelta)}). "
            + $"200k: {largeRun.Entry.Events} events → {largeRun.Entry.Messages} messages in {largeRun.Seconds:F1} s, peak live heap +{Mb(largeRun.PeakHeapDelta)}, "
            + $"peak working set {Mb(largeRun.PeakWorkingSet)} (+{Mb(largeRun.PeakWorkingSetDelta)})");

        Assert.True(largeRun.PeakHeapDelta <= 2 * Math.Max(smallRun.PeakHeapDelta, 32L << 20),
            $"fan-out heap grew with the file: {Mb(smallRun.PeakHeapDelta)} for 20k events, {Mb(largeRun.PeakHeapDelta)} for 200k");
        Assert.True(largeRun.PeakWorkingSetDelta <= 2 * Math.Max(smallRun.PeakWorkingSetDelta, 64L << 20),
            $"fan-out working set grew with the file: {Mb(smallRun.PeakWorkingSetDelta)} for 20k events, {Mb(largeRun.PeakWorkingSetDelta)} for 200k");
    }

    private static async Task<Measured> MeasureFanOutAsync(FaultPipeline pipeline, HighRoadExport export, string runId)
    {
        // Land it streamed from a temporary file: the test itself never holds the file either.
        var path = Path.GetTempFileName();
        try
        {
            await using (var file = File.Create(path))
            {
                export.WriteTo(file);
            }

            var name = HighRoadExport.FileName(runId).ToString();
            var blob = pipeline.Services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(pipeline.Options.LandingContainer).GetBlobClient(name);
            await using (var file = File.OpenRead(path))
            {
                await blob.UploadAsync(file, overwrite: true);
            }

            var fanOut = pipeline.Services.GetRequiredService<LandedFileFanOut>();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            var workingSetBefore = process.WorkingSet64;
            long peakHeap = heapBefore, peakWorkingSet = workingSetBefore;
            using var stop = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                // Live heap: what survives a full collection, every 250 ms (the allocation churn between collections says nothing about retention).
                for (var tick = 0; !stop.IsCancellationRequested; tick++)
                {
                    if (tick % 10 == 0)
                    {
                        peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: true));
                    }

                    process.Refresh();
                    peakWorkingSet = Math.Max(peakWorkingSet, process.WorkingSet64);
                    await Task.Delay(25);
                }
            });
            var started = Stopwatch.StartNew();
            var entry = await fanOut.FanOutAsync(name, default);
            var seconds = started.Elapsed.TotalSeconds;
            await stop.CancelAsync();
            await sampler;
            return new Measured(entry, seconds, peakHeap - heapBefore, peakWorkingSet, peakWorkingSet - workingSetBefore);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Mb(long bytes) => $"{bytes / (1024.0 * 1024.0):F0} MB";

    private sealed record Measured(EmailIntegration.Pipeline.Fetch.FanOutLogEntry Entry, double Seconds, long PeakHeapDelta, long PeakWorkingSet, long PeakWorkingSetDelta);
}
