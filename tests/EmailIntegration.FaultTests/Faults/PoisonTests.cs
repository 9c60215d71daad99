using System.Text;
using System.Text.Json;
using EmailIntegration.Azure.Store;
using EmailIntegration.FaultTests.Infrastructure;
using EmailIntegration.LocalRunner.Poison;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.Landing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace EmailIntegration.FaultTests.Faults;

/// <summary>
/// A message that can never be applied is quarantined with its reason at once; one that always
/// fails transiently ends in the poison queue after host.json's maxDequeueCount attempts, with the
/// reason in the host's log; `poison list` shows it and `poison requeue` puts it back after the fix,
/// as often as an operator likes without changing the outcome.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class PoisonTests(ITestOutputHelper output)
{
    private const string RunId = "poison-1";
    private const string Broken = "IND-F00003";

    [Fact]
    public async Task MalformedMessage_IsQuarantinedWithItsReason_Immediately()
    {
        await using var pipeline = await FaultPipeline.StartAsync();
        await pipeline.Queue.SendMessageAsync(new BinaryData(Encoding.UTF8.GetBytes("{\"individualId\": 42, \"events\": \"no\"")));
        await pipeline.Queue.SendMessageAsync(new BinaryData(Encoding.UTF8.GetBytes("{\"individualId\":\"IND-X\",\"sourceFile\":\"f\",\"part\":0,\"events\":[{\"eventId\":\"e\",\"vendor\":\"v\",\"kind\":\"Opened\",\"individualId\":\"IND-OTHER\",\"mailingId\":\"m\",\"occurredAt\":\"2026-11-01T00:00:00Z\"}]}")));

        var (processed, poisoned) = await pipeline.Host.DrainQueueAsync(default);

        Assert.Equal((2, 0), (processed, poisoned));
        var reasons = new List<string>();
        await foreach (var blob in pipeline.Quarantine.GetBlobsAsync(global::Azure.Storage.Blobs.Models.BlobTraits.None, global::Azure.Storage.Blobs.Models.BlobStates.None, "messages/", default))
        {
            Assert.Matches("^messages/[^/]+\\.json$", blob.Name);
            using var json = JsonDocument.Parse((await pipeline.Quarantine.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString());
            reasons.Add(json.RootElement.GetProperty("reason").GetString()!);
            Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("body").GetString()));
        }

        Assert.Equal(2, reasons.Count);
        Assert.Contains(reasons, r => r.StartsWith("Not a tracking message", StringComparison.Ordinal));
        Assert.Contains("An event belongs to another individual than the message.", reasons);
        Assert.Equal(0, (await pipeline.PoisonQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Figures.Report(output, nameof(MalformedMessage_IsQuarantinedWithItsReason_Immediately),
            $"messages in 2, quarantined 2 (attempts 1 each), poisoned {poisoned}; reasons: {string.Join(" / ", reasons)}");
    }

    [Fact]
    public async Task AlwaysFailingMessage_IsPoisonedAfterMaxDequeueCount_AndRequeueAfterTheFix_IsIdempotent()
    {
        var logs = new CapturingLoggerProvider();
        var export = new HighRoadExport(individuals: 6, events: 120, seed: 31);
        await using var pipeline = await FaultPipeline.StartAsync(
            configureServices: services => services.AddSingleton<IIndividualDocumentStore>(sp =>
                new FaultInjectingStore(ActivatorUtilities.CreateInstance<CosmosIndividualStore>(sp))),
            configureLogging: logging => logging.ClearProviders().AddProvider(logs));
        var store = (FaultInjectingStore)pipeline.Services.GetRequiredService<IIndividualDocumentStore>();
        store.AlwaysFail = id => id == Broken;
        await pipeline.Services.GetRequiredService<ILandingZone>()
            .LandAsync(HighRoadExport.FileName(RunId), export.ToBytes(), new Dictionary<string, string>(), default);

        await pipeline.Host.FireBlobTriggersAsync(RunId, default);
        var (processed, poisoned) = await pipeline.Host.DrainQueueAsync(default);

        Assert.Equal((export.Individuals - 1, 1), (processed, poisoned));
        var failedCalls = store.InjectedFailures;
        Assert.Equal(5, failedCalls); // host.json maxDequeueCount: one store call per attempt, then poison.
        var poisonLog = Assert.Single(logs.Lines, l => l.Contains("moved to " + pipeline.PoisonQueue.Name, StringComparison.Ordinal));
        Assert.Contains("failed 5 times", poisonLog, StringComparison.Ordinal);
        Assert.Contains("Injected: the store is unavailable for this individual.", poisonLog, StringComparison.Ordinal);

        // poison list: the operator sees which individual and file.
        var listed = await RunCommandAsync(pipeline, "list");
        Assert.Contains($"{pipeline.PoisonQueue.Name}: 1 message(s)", listed, StringComparison.Ordinal);
        Assert.Contains($"individual {Broken}", listed, StringComparison.Ordinal);
        Assert.Contains(HighRoadExport.FileName(RunId).ToString(), listed, StringComparison.Ordinal);
        Assert.DoesNotContain("@", listed, StringComparison.Ordinal);

        // The fix, then requeue and drain.
        store.AlwaysFail = _ => false;
        Assert.Contains("Re-queued 1 message(s)", await RunCommandAsync(pipeline, "requeue"), StringComparison.Ordinal);
        Assert.Equal((1, 0), await pipeline.Host.DrainQueueAsync(default));
        var tab = await pipeline.TabAsync(Broken);
        Assert.Equal(export.ExpectedCounts()[Broken], TabJson.Counts(tab));

        // Again: nothing to move, nothing changes.
        Assert.Contains("Re-queued 0 message(s)", await RunCommandAsync(pipeline, "requeue"), StringComparison.Ordinal);
        Assert.Equal((0, 0), await pipeline.Host.DrainQueueAsync(default));
        Assert.Equal(tab, await pipeline.TabAsync(Broken));
        Assert.Contains($"{pipeline.PoisonQueue.Name}: 0 message(s)", await RunCommandAsync(pipeline, "list"), StringComparison.Ordinal);

        Figures.Report(output, nameof(AlwaysFailingMessage_IsPoisonedAfterMaxDequeueCount_AndRequeueAfterTheFix_IsIdempotent),
            $"messages {export.Individuals}, applied {processed}, poisoned {poisoned} after {failedCalls} attempts; requeue 1 then 0; "
            + $"tab of {Broken} after requeue equals expected counts {export.ExpectedCounts()[Broken]} and is unchanged by the second requeue");
    }

    private static async Task<string> RunCommandAsync(FaultPipeline pipeline, string verb)
    {
        using var writer = new StringWriter();
        var exit = await PoisonCommand.RunAsync([verb], pipeline.Settings, writer);
        Assert.Equal(0, exit);
        return writer.ToString();
    }
}
