using Azure.Storage.Queues;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Azure.Publishing;
using EmailIntegration.FaultTests.Infrastructure;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace EmailIntegration.FaultTests.Faults;

/// <summary>
/// The queue (Azurite) goes away while a landed file is being fanned out. The blob trigger fails
/// and the host runs it again (the Functions host retries a failed blob trigger up to five times);
/// the retry publishes the same deterministic messages. Azurite is in memory, so what went out
/// before the stop is gone with it; a second fault then loses the answer to a publish that did go
/// out, so the retry puts every message on the queue twice. No record lost, none applied twice.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class StorageDownTests(FaultEmulators emulators, ITestOutputHelper output)
{
    private const string RunId = "storage-down-1";

    [Fact]
    public async Task QueueDownMidFanOut_RetriedFanOut_LosesNoRecord_AndAppliesNoneTwice()
    {
        var export = new HighRoadExport(individuals: 60, events: 1500, seed: 21);
        await using var pipeline = await FaultPipeline.StartAsync(configureServices: services =>
            services.AddSingleton<ITrackingMessagePublisher>(sp =>
                new FaultInjectingPublisher(ActivatorUtilities.CreateInstance<StorageQueuePublisher>(sp))));
        var publisher = (FaultInjectingPublisher)pipeline.Services.GetRequiredService<ITrackingMessagePublisher>();
        await pipeline.Services.GetRequiredService<ILandingZone>()
            .LandAsync(HighRoadExport.FileName(RunId), export.ToBytes(), new Dictionary<string, string>(), default);

        // 1. The queue emulator is killed half-way through the publish: the fan-out fails.
        publisher.ArmMidPublish(() => emulators.StopAsync(FaultEmulators.Emulator.Queue));
        var first = await Record.ExceptionAsync(() => pipeline.Host.FireBlobTriggersAsync(RunId, default));
        Assert.NotNull(first);

        // 2. It comes back (empty: in memory); the retried fan-out publishes, but its answer is lost: it fails again.
        await emulators.StartAsync(FaultEmulators.Emulator.Queue);
        await pipeline.EnsureResourcesAsync();
        publisher.FailAfterPublishing = 1;
        var second = await Record.ExceptionAsync(() => pipeline.Host.FireBlobTriggersAsync(RunId, default));
        Assert.IsType<HttpRequestException>(second);

        // 3. The third attempt succeeds; every message is now on the queue twice.
        var files = await pipeline.Host.FireBlobTriggersAsync(RunId, default);
        Assert.Equal(1, files);
        var queued = (await pipeline.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        var (processed, poisoned) = await pipeline.Host.DrainQueueAsync(default);

        var fanOut = Assert.Single(await pipeline.Services.GetRequiredService<IRunLog>().ReadFanOutsAsync(RunId, default));
        Assert.Equal(export.Events, fanOut.Records);
        Assert.Equal(export.Events, fanOut.Events);
        Assert.Equal(0, fanOut.BadRecords);
        Assert.Equal(2 * fanOut.Messages, queued);
        Assert.Equal(0, poisoned);
        int lost = 0, duplicated = 0;
        foreach (var (id, expected) in export.ExpectedCounts())
        {
            var actual = TabJson.Counts(await pipeline.TabAsync(id));
            lost += Math.Max(0, expected.Opens - actual.Opens) + Math.Max(0, expected.Clicks - actual.Clicks);
            duplicated += Math.Max(0, actual.Opens - expected.Opens) + Math.Max(0, actual.Clicks - expected.Clicks);
            Assert.Equal(expected, actual);
        }

        Figures.Report(output, nameof(QueueDownMidFanOut_RetriedFanOut_LosesNoRecord_AndAppliesNoneTwice),
            $"records in {export.Events}, fan-out attempts 3 (queue killed mid-publish, answer lost), messages published {publisher.Published} "
            + $"(file has {fanOut.Messages}), on the queue at drain {queued}, applied {processed}, poisoned {poisoned}, lost {lost}, applied twice {duplicated}");
    }
}
