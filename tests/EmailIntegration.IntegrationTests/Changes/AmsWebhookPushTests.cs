using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EmailIntegration.IntegrationTests.Infrastructure;
using EmailIntegration.Pipeline.AmsWebhook;
using EmailIntegration.VendorSandbox.Ams;
using EmailIntegration.VendorSandbox.RealMagnet;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;

namespace EmailIntegration.IntegrationTests.Changes;

/// <summary>
/// The AMS webhook push on the emulators, to a local receiver: a night's changes arrive exactly as the feed serves them,
/// signed, once (a replay pushes nothing); a receiver failing past the retry budget parks the delivery, which the
/// operations page shows and a resend delivers once.
/// </summary>
public sealed class AmsWebhookPushTests : IAsyncLifetime
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);
    private readonly string secret = AmsWebhookReceiver.NewSecret();
    private RealMagnetSandbox sandbox = null!;
    private AmsWebhookReceiver receiver = null!;
    private IsolatedPipeline pipeline = null!;

    public async Task InitializeAsync()
    {
        sandbox = RealMagnetSandbox.Start(SandboxData.Generate(seed: 11, today: DateTimeOffset.UtcNow, individuals: 30, mailings: 3));
        receiver = AmsWebhookReceiver.Start();
        pipeline = await IsolatedPipeline.StartAsync(sandbox.Url.ToString(), new Dictionary<string, string?>
        {
            ["Vendors:RealMagnet:UserName"] = sandbox.UserName,
            ["Vendors:RealMagnet:Password"] = sandbox.Password,
            ["Changes:SettleSeconds"] = ((int)Settle.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            ["Ams:WebhookUrl"] = receiver.Url.AbsoluteUri,
            ["Ams:WebhookSecret"] = secret,
            ["Ams:BatchSize"] = "25",
            ["Ams:MaxBatchesPerRun"] = "1000",
            ["Ams:MaxRetryAttempts"] = "2",
            ["Ams:RetryBaseDelay"] = "00:00:00.050",
            ["Ams:AttemptTimeout"] = "00:00:05",
            ["Ams:Timeout"] = "00:00:20",
        });
    }

    public async Task DisposeAsync()
    {
        await pipeline.DisposeAsync();
        receiver.Dispose();
        sandbox.Dispose();
    }

    [Fact]
    public async Task ANightIsPushed_ExactlyAsTheFeedServesIt_Signed_AndAReplayPushesNothingNew()
    {
        foreach (var id in sandbox.Data.IndividualIds.Distinct().Take(20))
        {
            using var put = await pipeline.Http.PutAsJsonAsync($"/api/individuals/{id}",
                new { email = sandbox.Data.Individuals.First(i => i.IndividualId == id).Email });
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var runId = await pipeline.RunNightAsync();
        var pushed = await PushAsync();

        var feed = await ReadFeedAsync();
        Assert.Contains(feed, c => c.Kind == "bounce");
        var deliveries = receiver.Received;
        Assert.Equal(pushed.Delivered, deliveries.Count);
        Assert.Equal(feed, deliveries.SelectMany(d => ItemsOf(d.Body)));
        Assert.All(deliveries, d =>
        {
            Assert.Equal(AmsDeliveryRules.DeliveryIdOf(ItemsOf(d.Body).Select(i => i.ChangeId)), d.Id);
            Verify(d);
        });
        Assert.Equal(deliveries.Count, deliveries.Select(d => d.Id).Distinct().Count());

        await pipeline.ReplayAsync(runId);
        var again = await PushAsync();
        Assert.Equal((0, 0), (again.Delivered, again.Parked));
        Assert.Equal(deliveries.Count, receiver.Received.Count);
    }

    [Fact]
    public async Task AFailingReceiver_ParksTheDelivery_TheOperationsPageShowsIt_AndAResendDeliversItOnce()
    {
        receiver.AnswerWith(HttpStatusCode.InternalServerError);
        using (var put = await pipeline.Http.PutAsJsonAsync("/api/individuals/IND-W1", new { email = "w1@example.org", doNotEmail = true }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var pushed = await PushAsync();

        Assert.Equal((0, 1), (pushed.Delivered, pushed.Parked));
        var attempts = receiver.Received;
        Assert.Equal(3, attempts.Count);
        var deliveryId = attempts[0].Id!;
        Assert.All(attempts, a => Assert.Equal((deliveryId, 500), (a.Id, a.AnsweredWith)));
        var page = await pipeline.Http.GetStringAsync("/api/operations");
        Assert.Contains(deliveryId, page, StringComparison.Ordinal);
        Assert.Contains("retry budget spent: HTTP 500 after 3 attempt(s)", page, StringComparison.Ordinal);

        receiver.AnswerWith(HttpStatusCode.NoContent);
        using (var crossSite = new HttpRequestMessage(HttpMethod.Post, $"/api/operations/ams-deliveries/{deliveryId}/resend"))
        {
            crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
            using var refused = await pipeline.Http.SendAsync(crossSite);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal(3, receiver.Received.Count);
        }

        var resent = await ResendAsync(deliveryId);
        var repeated = await ResendAsync(deliveryId);

        Assert.Equal((true, "delivered", 204, 4), (resent.GetProperty("sent").GetBoolean(), State(resent), Status(resent), Attempts(resent)));
        Assert.Equal((false, "delivered"), (repeated.GetProperty("sent").GetBoolean(), State(repeated)));
        var delivered = Assert.Single(receiver.Received, d => d.AnsweredWith == 204);
        Assert.Equal(deliveryId, delivered.Id);
        Assert.Equal(ItemsOf(attempts[0].Body), ItemsOf(delivered.Body));
        Verify(delivered);
        Assert.DoesNotContain(deliveryId, await pipeline.Http.GetStringAsync("/api/operations"), StringComparison.Ordinal);

        // The cursor went on past the parked batch: nothing is pushed twice.
        var after = await PushAsync();
        Assert.Equal((0, 0), (after.Delivered, after.Parked));
        Assert.Equal(4, receiver.Received.Count);
    }

    private sealed record Item(string ChangeId, string IndividualId, string Kind);

    private async Task<AmsPushResult> PushAsync()
    {
        await Task.Delay(Settle + TimeSpan.FromSeconds(1.1));
        return await pipeline.Host.FireAmsWebhookTimerAsync(CancellationToken.None);
    }

    private async Task<JsonElement> ResendAsync(string deliveryId)
    {
        using var response = await pipeline.Http.PostAsync($"/api/operations/ams-deliveries/{deliveryId}/resend", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static string? State(JsonElement resend) => resend.GetProperty("delivery").GetProperty("state").GetString();

    private static int Status(JsonElement resend) => resend.GetProperty("delivery").GetProperty("status").GetInt32();

    private static int Attempts(JsonElement resend) => resend.GetProperty("delivery").GetProperty("attempts").GetInt32();

    private void Verify(AmsReceivedDelivery delivery) => new StandardWebhook(secret).Verify(delivery.Body, new HeaderDictionary
    {
        ["webhook-id"] = delivery.Id, ["webhook-timestamp"] = delivery.Timestamp, ["webhook-signature"] = delivery.Signature,
    });

    private static List<Item> ItemsOf(string body)
    {
        using var page = JsonDocument.Parse(body);
        return page.RootElement.GetProperty("items").EnumerateArray()
            .Select(i => new Item(i.GetProperty("changeId").GetString()!, i.GetProperty("individualId").GetString()!, i.GetProperty("kind").GetString()!))
            .ToList();
    }

    private async Task<List<Item>> ReadFeedAsync()
    {
        var items = new List<Item>();
        string? cursor = null;
        while (true)
        {
            using var response = await pipeline.GetAsync("/api/changes?pageSize=1000" + (cursor is null ? "" : "&after=" + Uri.EscapeDataString(cursor)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            items.AddRange(ItemsOf(body));
            using var page = JsonDocument.Parse(body);
            cursor = page.RootElement.GetProperty("cursor").GetString() ?? cursor;
            if (!page.RootElement.GetProperty("more").GetBoolean())
            {
                return items;
            }
        }
    }
}
