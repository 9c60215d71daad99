using EmailIntegration.Azure.Store;
using EmailIntegration.FaultTests.Infrastructure;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.Landing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace EmailIntegration.FaultTests.Faults;

/// <summary>
/// The Cosmos store goes away while messages are being applied: one real stop of the emulator
/// before the drain (it restarts after a few failed attempts; it is in memory, so nothing written
/// before the stop is needed), then a flaky store for the whole drain. Every tab must equal the
/// tab of the same import without faults.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class StoreDownTests(FaultEmulators emulators, ITestOutputHelper output)
{
    private const string RunId = "store-down-1";

    [Fact]
    public async Task StoreDownMidApply_DrainsToEmpty_WithoutPoison_AndEveryTabEqualsTheFaultFreeImport()
    {
        var export = new HighRoadExport(individuals: 40, events: 800, seed: 11);
        var bytes = export.ToBytes();

        // The same import without faults, in its own container, read before the emulator is stopped.
        Dictionary<string, string> expected;
        await using (var clean = await FaultPipeline.StartAsync())
        {
            await LandAsync(clean, bytes);
            await clean.ReplayAsync(RunId);
            expected = await TabsAsync(clean, export);
        }

        await using var pipeline = await FaultPipeline.StartAsync(configureServices: services =>
            services.AddSingleton<IIndividualDocumentStore>(sp => new FaultInjectingStore(ActivatorUtilities.CreateInstance<CosmosIndividualStore>(sp))));
        var store = (FaultInjectingStore)pipeline.Services.GetRequiredService<IIndividualDocumentStore>();
        await LandAsync(pipeline, bytes);
        await pipeline.Host.FireBlobTriggersAsync(RunId, default);

        // Real outage: the emulator is down when the drain starts and comes back after three failed calls.
        await emulators.StopAsync(FaultEmulators.Emulator.Cosmos);
        var restart = new Lazy<Task>(async () =>
        {
            await emulators.StartAsync(FaultEmulators.Emulator.Cosmos);
            await pipeline.EnsureResourcesAsync();
        });
        store.RealCallTimeout = TimeSpan.FromSeconds(5);
        store.OnRealFailure = async _ =>
        {
            if (store.RealFailures >= 3)
            {
                await restart.Value;
            }
        };

        // And a flaky store throughout: 30% of calls fail (503, connection refused, or a write whose answer is lost).
        store.FailureRate = 0.3;
        store.Seed(5);
        var (processed, poisoned) = await pipeline.Host.DrainQueueAsync(default);
        store.FailureRate = 0;

        Assert.True(restart.IsValueCreated, "the emulator was restarted after the failed attempts");
        Assert.Equal(0, poisoned);
        Assert.Equal(0, (await pipeline.PoisonQueue.ExistsAsync()).Value ? (await pipeline.PoisonQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0);
        Assert.Equal(0, (await pipeline.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        var actual = await TabsAsync(pipeline, export);
        var differing = export.Ids().Where(id => actual[id] != expected[id]).ToList();
        Assert.Empty(differing);
        foreach (var (id, (opens, clicks)) in export.ExpectedCounts())
        {
            Assert.Equal((opens, clicks), TabJson.Counts(actual[id]));
        }

        Figures.Report(output, nameof(StoreDownMidApply_DrainsToEmpty_WithoutPoison_AndEveryTabEqualsTheFaultFreeImport),
            $"events in {export.Events}, individuals {export.Individuals}, messages applied {processed}, poisoned {poisoned}, "
            + $"real store failures {store.RealFailures}, injected failures {store.InjectedFailures} of {store.Calls} calls, "
            + $"tabs differing from fault-free import {differing.Count}");
    }

    private static Task LandAsync(FaultPipeline pipeline, byte[] bytes) =>
        pipeline.Services.GetRequiredService<ILandingZone>()
            .LandAsync(HighRoadExport.FileName(RunId), bytes, new Dictionary<string, string>(), default);

    private static async Task<Dictionary<string, string>> TabsAsync(FaultPipeline pipeline, HighRoadExport export)
    {
        var tabs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in export.Ids())
        {
            tabs[id] = await pipeline.TabAsync(id);
            Assert.StartsWith("200 ", tabs[id], StringComparison.Ordinal);
        }

        return tabs;
    }
}
