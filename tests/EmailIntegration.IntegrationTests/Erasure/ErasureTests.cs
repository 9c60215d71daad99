using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Azure.Erasure;
using EmailIntegration.Azure.Outbound;
using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;
using EmailIntegration.IntegrationTests.Infrastructure;
using EmailIntegration.Pipeline.Erasure;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Pipeline.Outbound;
using EmailIntegration.VendorSandbox.RealMagnet;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace EmailIntegration.IntegrationTests.Erasure;

/// <summary>
/// DELETE /api/individuals/{id} on the emulators: a night is imported, one individual is erased, the night is replayed and
/// a webhook for them arrives; each store is then queried for them, and everyone else's tab is byte for byte as before.
/// </summary>
public sealed class ErasureTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ECDsa sendGridKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private RealMagnetSandbox sandbox = null!;
    private IsolatedPipeline pipeline = null!;

    public async Task InitializeAsync()
    {
        sandbox = RealMagnetSandbox.Start(SandboxData.Generate(seed: 23, today: DateTimeOffset.UtcNow, individuals: 30, mailings: 3));
        pipeline = await IsolatedPipeline.StartAsync(sandbox.Url.ToString(), new Dictionary<string, string?>
        {
            ["Vendors:RealMagnet:UserName"] = sandbox.UserName,
            ["Vendors:RealMagnet:Password"] = sandbox.Password,
            ["Webhooks:SendGrid:Enabled"] = "true",
            ["Webhooks:SendGrid:VerificationKey"] = Convert.ToBase64String(sendGridKey.ExportSubjectPublicKeyInfo()),
            ["Changes:SettleSeconds"] = "0",
        });
    }

    public async Task DisposeAsync()
    {
        await pipeline.DisposeAsync();
        sandbox.Dispose();
        sendGridKey.Dispose();
    }

    private T Service<T>() where T : notnull => pipeline.Services.GetRequiredService<T>();

    [Fact]
    public async Task AnErasedIndividual_IsGoneFromEveryStore_StaysGoneThroughAReplayAndAWebhook_AndNobodyElseChanges()
    {
        var runId = await pipeline.RunNightAsync();
        var counts = sandbox.Data.ExpectedCountsByIndividual();
        var victim = counts.Where(c => c.Value.Total > 0).OrderByDescending(c => c.Value.Total).ThenBy(c => c.Key, StringComparer.Ordinal).First().Key;
        var others = counts.Keys.Where(id => id != victim).Order(StringComparer.Ordinal).ToList();
        var other = counts.Where(c => c.Key != victim && c.Value.Total > 0).Select(c => c.Key).Order(StringComparer.Ordinal).First();
        await SeedEveryOtherStoreAsync(victim, other);
        var tabsBefore = await TabsAsync(others);
        Assert.Equal(HttpStatusCode.OK, (await pipeline.GetAsync($"/api/individuals/{victim}/email-integration")).StatusCode);

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var delete = await pipeline.Http.DeleteAsync($"/api/individuals/{victim}");
        output.WriteLine($"erasure answered in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms");
        var erasure = await delete.Content.ReadFromJsonAsync<JsonElement>();
        var erasureId = erasure.GetProperty("erasureId").GetString()!;
        var removed = Removed(erasure);
        output.WriteLine("removed: " + string.Join(", ", removed.Select(r => $"{r.Key} {r.Value}")));

        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        Assert.Equal($"/api/erasures/{erasureId}", delete.Headers.Location!.OriginalString);
        Assert.Equal(ErasureKey.Of(victim), erasureId);
        Assert.Equal("completed", erasure.GetProperty("status").GetString());
        Assert.True(removed[CosmosPartitionEraser.Store] > 0, "no Cosmos document was removed");
        Assert.True(removed[TableRowsEraser.VendorDirectoryStore] >= 2, "the seeded directory rows were not removed");
        Assert.Equal(1, removed[TableRowsEraser.OptOutStatusStore]);
        Assert.True(removed[TableRowsEraser.RunLogStore] > 0, "the run log's unknown-individual rows were not removed");
        Assert.Equal(2, removed[BlobOutboundEraser.BlobStore]);           // the solo blast and its decisions
        Assert.Equal(1, removed[BlobOutboundEraser.BlastStatusStore]);    // the solo blast's status
        Assert.Equal(2, removed[BlobOutboundEraser.SharedBlastStore]);    // their entry in the shared blast and in its decisions
        Assert.Equal(1, removed[BlobQuarantineEraser.Store]);
        using (var report = await pipeline.GetAsync($"/api/erasures/{erasureId}"))
        {
            Assert.Equal(HttpStatusCode.OK, report.StatusCode);
            Assert.Equal(removed, Removed(await report.Content.ReadFromJsonAsync<JsonElement>()));
        }

        // Replay the night, as an operator does: the victim's records are dropped and counted as erased.
        using var replay = await pipeline.Http.PostAsync($"/api/runs/{runId}/replay", null);
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        var replayRunId = (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replayRunId").GetString()!;
        await pipeline.ReplayAsync(replayRunId);
        var nightFiles = (await pipeline.GetJsonAsync($"/api/runs/{runId}")).GetProperty("landedFiles").EnumerateArray().ToList();
        var replayFiles = (await pipeline.GetJsonAsync($"/api/runs/{replayRunId}")).GetProperty("landedFiles").EnumerateArray().ToList();
        var erasedOnReplay = replayFiles.Sum(f => f.GetProperty("erased").GetInt32());
        Assert.True(erasedOnReplay > 0, "the replay counted nothing as erased");
        Assert.Equal(nightFiles.Sum(f => f.GetProperty("events").GetInt32()), replayFiles.Sum(f => f.GetProperty("events").GetInt32()) + erasedOnReplay);

        // A webhook for them: landed, fanned out, dropped and counted.
        await pipeline.ServeLandedFilesAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using (var webhook = await pipeline.PostSendGridAsync(
                   $$"""[{"email":"erased@example.org","timestamp":{{now}},"event":"open","sg_event_id":"open-{{now}}","sg_message_id":"m-{{now}}","ams_id":"{{victim}}"}]""", now, sendGridKey))
        {
            Assert.Equal(HttpStatusCode.OK, webhook.StatusCode);
        }

        Assert.True(await IsolatedPipeline.EventuallyAsync(async () => await WebhookErasedAsync() == 1, TimeSpan.FromSeconds(60)),
            "the webhook's event was not counted as erased within 60 s");

        Assert.Equal(HttpStatusCode.NotFound, (await pipeline.GetAsync($"/api/individuals/{victim}/email-integration")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await pipeline.GetAsync($"/api/individuals/{victim}/profile")).StatusCode);
        await AssertNothingOfThemInAnyStoreAsync(victim, erasureId);
        Assert.Equal(tabsBefore, await TabsAsync(others));

        // Erasing again is the same erasure: nothing more is found; an id never seen is erased with zero counts.
        using var again = await pipeline.Http.DeleteAsync($"/api/individuals/{victim}");
        var second = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(erasureId, second.GetProperty("erasureId").GetString());
        Assert.Equal(removed, Removed(second));
        using var unknown = await pipeline.Http.DeleteAsync("/api/individuals/NEVER-SEEN-1");
        Assert.Equal(HttpStatusCode.Accepted, unknown.StatusCode);
        Assert.All(Removed(await unknown.Content.ReadFromJsonAsync<JsonElement>()).Values, count => Assert.Equal(0, count));

        // The change feed says an erasure happened, by its id only, and holds nothing else of them.
        var feed = await pipeline.GetJsonAsync("/api/changes?pageSize=1000");
        var items = feed.GetProperty("items").EnumerateArray().ToList();
        var erased = Assert.Single(items, i => i.GetProperty("kind").GetString() == "erased" && i.GetProperty("individualId").GetString() == erasureId);
        Assert.Equal(erasureId, erased.GetProperty("value").GetProperty("erasureId").GetString());
        Assert.DoesNotContain(items, i => i.GetProperty("individualId").GetString() == victim);
    }

    [Fact]
    public async Task AMalformedId_Is400_AndAnUnknownErasure_Is404()
    {
        using var badDelete = await pipeline.Http.DeleteAsync("/api/individuals/bad%20id");
        using var badErasure = await pipeline.GetAsync("/api/erasures/not-an-erasure");
        using var unknown = await pipeline.GetAsync($"/api/erasures/{ErasureKey.Of("NOBODY")}");

        Assert.Equal(HttpStatusCode.BadRequest, badDelete.StatusCode);
        Assert.Equal("application/problem+json", badDelete.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, badErasure.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    /// <summary>The stores the night does not fill for them: directory rows, an opt-out result, blasts, a rejected message.</summary>
    private async Task SeedEveryOtherStoreAsync(string victim, string other)
    {
        await Service<IVendorDirectory>().SaveRecipientsAsync("sendgrid", [new VendorRecipient(EmailHash.Of("erased@example.org")!, victim)], default);
        await Service<IVendorRecipientIndex>().SaveAsync("realmagnet", [(victim, "rm-erased"), (other, "rm-other")], default);
        await Service<IOptOutResultStore>().SaveAsync("o-erased",
            new VendorPushResult("realmagnet", VendorPushState.Pushed, null, 1, DateTimeOffset.UtcNow, victim, "Newsletter"), default);
        foreach (var (blastId, recipients) in new[] { ("erase-solo", new[] { victim }), ("erase-shared", new[] { victim, other }) })
        {
            using var post = await pipeline.Http.PostAsJsonAsync("/api/blasts", new
            {
                blastId, vendor = "realmagnet", mailingType = "Newsletter",
                recipients = recipients.Select(id => new { individualId = id, fields = new Dictionary<string, string> { ["Email"] = $"{id}@example.org" } }),
            });
            Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
            await Service<ISuppressionLedger>().RecordOnceAsync(new BlastDecisions(blastId, BlastKind.Marketing, DateTimeOffset.UtcNow,
                recipients.Select(id => new RecipientDecision(id, RecipientVerdict.Send, null)).ToList()), default);
        }

        await Service<IQuarantine>().RejectMessageAsync("msg-erased",
            Encoding.UTF8.GetBytes($$"""{"individualId":"{{victim}}","sourceFile":"x","part":0,"events":[{"broken":true}]}"""), "Unreadable event.", default);
        await Service<IQuarantine>().RejectMessageAsync("msg-other",
            Encoding.UTF8.GetBytes($$"""{"individualId":"{{other}}","sourceFile":"x","part":0,"events":[{"broken":true}]}"""), "Unreadable event.", default);
    }

    private async Task AssertNothingOfThemInAnyStoreAsync(string victim, string erasureId)
    {
        var options = Service<IOptions<EmailIntegrationOptions>>().Value;
        var outbound = Service<IOptions<OutboundStorageOptions>>().Value;
        var tables = Service<TableServiceClient>();

        // Cosmos: their partition is empty (the replay and the webhook wrote nothing back).
        using (var iterator = Service<Container>().GetItemQueryIterator<JsonElement>("SELECT c.id FROM c",
                   requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(victim) }))
        {
            var left = new List<JsonElement>();
            while (iterator.HasMoreResults)
            {
                left.AddRange(await iterator.ReadNextAsync());
            }

            Assert.Empty(left);
        }

        // Tables: no row names them, by property or by key; the erasure table holds only the erasure id.
        foreach (var table in new[] { options.VendorDirectoryTable, options.RunLogTable, outbound.OptOutStatusTable, outbound.BlastStatusTable,
                     options.WatermarkTable, Service<IOptions<ErasureStorageOptions>>().Value.ErasureTable })
        {
            await foreach (var row in tables.GetTableClient(table).QueryAsync<TableEntity>())
            {
                Assert.False(row.PartitionKey == victim || row.RowKey == victim || row.Any(v => v.Value is string s && s == victim),
                    $"{table} still names the erased individual: {row.PartitionKey} / {row.RowKey}");
            }
        }

        Assert.Equal(1, await CountRowsAsync(Service<IOptions<ErasureStorageOptions>>().Value.ErasureTable, erasureId));
        var soloStatus = await tables.GetTableClient(outbound.BlastStatusTable).GetEntityIfExistsAsync<TableEntity>("erase-solo", "status");
        Assert.False(soloStatus.HasValue);

        // Blobs: nothing in the outbound container or the quarantine (but its copies of whole vendor files, kept until the
        // retention like the landed files) holds their id; the shared blast keeps the other recipient.
        var blobs = Service<BlobServiceClient>();
        var quoted = Encoding.UTF8.GetBytes($"\"{victim}\"");
        foreach (var (container, skip) in new[] { (outbound.OutboundContainer, (string?)null), (options.QuarantineContainer, "files/") })
        {
            var client = blobs.GetBlobContainerClient(container);
            await foreach (var item in client.GetBlobsAsync())
            {
                if (skip is not null && item.Name.StartsWith(skip, StringComparison.Ordinal))
                {
                    continue;
                }

                var content = (await client.GetBlobClient(item.Name).DownloadContentAsync()).Value.Content.ToArray();
                Assert.True(content.AsSpan().IndexOf(quoted) < 0, $"{container}/{item.Name} still holds the erased individual");
                if (item.Name.StartsWith("messages/", StringComparison.Ordinal))
                {
                    var body = Convert.FromBase64String(JsonDocument.Parse(content).RootElement.GetProperty("body").GetString()!);
                    Assert.True(body.AsSpan().IndexOf(quoted) < 0, $"{item.Name}'s message still holds the erased individual");
                }
            }
        }

        Assert.True(await blobs.GetBlobContainerClient(outbound.OutboundContainer).GetBlobClient("blasts/erase-shared.json").ExistsAsync());
        Assert.True(await blobs.GetBlobContainerClient(options.QuarantineContainer).GetBlobClient("messages/msg-other.json").ExistsAsync());
        Assert.False(await blobs.GetBlobContainerClient(outbound.OutboundContainer).GetBlobClient("blasts/erase-solo.json").ExistsAsync());

        // The tracking queue holds nothing for them either (drained; nothing was published for them).
        var queue = Service<QueueServiceClient>().GetQueueClient(options.TrackingQueue);
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    private async Task<int> CountRowsAsync(string table, string rowKey)
    {
        var count = 0;
        await foreach (var _ in Service<TableServiceClient>().GetTableClient(table).QueryAsync<TableEntity>(e => e.RowKey == rowKey))
        {
            count++;
        }

        return count;
    }

    private async Task<int> WebhookErasedAsync()
    {
        var landing = Service<BlobServiceClient>().GetBlobContainerClient(Service<IOptions<EmailIntegrationOptions>>().Value.LandingContainer);
        await foreach (var item in landing.GetBlobsAsync(BlobTraits.None, BlobStates.None, "sendgrid/", default))
        {
            if (LandedFileName.TryParse(item.Name, out var name))
            {
                using var response = await pipeline.GetAsync($"/api/runs/{name!.RunId}");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var log = await response.Content.ReadFromJsonAsync<JsonElement>();
                    return log.GetProperty("landedFiles").EnumerateArray().Sum(f => f.GetProperty("erased").GetInt32());
                }
            }
        }

        return -1;
    }

    private static Dictionary<string, int> Removed(JsonElement erasure) =>
        erasure.GetProperty("removed").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal);

    private async Task<Dictionary<string, string>> TabsAsync(IEnumerable<string> individualIds)
    {
        var tabs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in individualIds)
        {
            using var response = await pipeline.GetAsync($"/api/individuals/{id}/email-integration");
            tabs[id] = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }

        return tabs;
    }
}
