using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using EmailIntegration.Azure.Outbound;
using EmailIntegration.IntegrationTests.Infrastructure;
using EmailIntegration.VendorSandbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EmailIntegration.IntegrationTests.Outbound;

/// <summary>
/// The outbound half on the emulators and the three vendor sandboxes: blasts posted to the runner's HTTP reach each
/// vendor with mapped fields, a vendor that stays down ends in the poison queue with the status Failed, and an AMS
/// opt-out reaches every vendor once, however often its message is replayed.
/// </summary>
public sealed class OutboundPipelineTests : IAsyncLifetime
{
    private readonly VendorSandboxes sandboxes = VendorSandboxes.Start(seed: 11, today: DateTimeOffset.UtcNow);
    private IsolatedPipeline pipeline = null!;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>(sandboxes.AdapterSettings())
        {
            ["Outbound:RealMagnet:Categories:Events"] = "1002",
            ["Outbound:FieldMaps:highroad:IndividualId"] = "Member ID",
            ["Outbound:FieldMaps:highroad:Email"] = "Email Address",
            ["Outbound:FieldMaps:highroad:FirstName"] = "First Name",
        };

        // The vendor clients' own retries short, so "beyond the retry budget" takes seconds.
        foreach (var vendor in new[] { "RealMagnet", "Informz", "HighRoad" })
        {
            settings[$"Vendors:{vendor}:MaxRetryAttempts"] = "1";
            settings[$"Vendors:{vendor}:RetryBaseDelay"] = "00:00:00.010";
            settings[$"Vendors:{vendor}:Timeout"] = "00:00:30";
            settings[$"Vendors:{vendor}:AttemptTimeout"] = "00:00:10";
        }

        pipeline = await IsolatedPipeline.StartAsync(settings: settings);
    }

    public async Task DisposeAsync()
    {
        await pipeline.DisposeAsync();
        sandboxes.Dispose();
    }

    [Fact]
    public async Task ABlastToRealMagnet_IsAccepted_ThenUpsertedWithMappedFields_ThenPushed()
    {
        var (status, location, accepted) = await PostBlastAsync("realmagnet", "rm-1", "rm-2");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("accepted", accepted.GetProperty("status").GetString());
        Assert.Equal($"/api/blasts/{accepted.GetProperty("blastId").GetString()}", location);

        var (processed, poisoned) = await pipeline.Host.DrainOutboundQueueAsync(CancellationToken.None);

        Assert.Equal((1, 0), (processed, poisoned));
        var upsert = Assert.Single(sandboxes.RealMagnet.ReceivedUpserts, u => u.Details["CustomMemberID"] == "rm-1");
        Assert.Equal("rm-1@example.org", upsert.Details["Email"]);
        Assert.Equal("First rm-1", upsert.Details["FirstName"]);
        Assert.Equal("Last rm-1", upsert.Details["LastName"]);
        var pushed = await GetStatusAsync(location!);
        Assert.Equal("pushed", pushed.GetProperty("status").GetString());
        Assert.Equal(2, pushed.GetProperty("pushed").GetInt32());
    }

    [Fact]
    public async Task ABlastToInformz_AndToHighRoad_ReachTheirSandboxes()
    {
        var (_, informzLocation, _) = await PostBlastAsync("informz", "iz-1");
        var (_, highRoadLocation, _) = await PostBlastAsync("highroad", "hr-1", "hr-2");

        await pipeline.Host.DrainOutboundQueueAsync(CancellationToken.None);

        var subscribe = Assert.Single(sandboxes.Informz.ReceivedActions, a => a.Action == "Subscribe");
        Assert.Contains("iz-1@example.org", subscribe.Document, StringComparison.Ordinal);
        Assert.Contains("<InterestName>Events</InterestName>", subscribe.Document, StringComparison.Ordinal);
        var file = Assert.Single(sandboxes.HighRoad.ReceivedRecipientFiles);
        var lines = file.Text.TrimStart('\uFEFF').Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["Email Address", "First Name", "Last Name", "Member ID"], lines[0].Split(',').Select(h => h.Trim('"')).Order(StringComparer.Ordinal));
        Assert.Equal(3, lines.Length);
        Assert.Contains(lines, l => l.Contains("hr-2@example.org", StringComparison.Ordinal) && l.Contains("hr-2", StringComparison.Ordinal));
        Assert.Equal("pushed", (await GetStatusAsync(informzLocation!)).GetProperty("status").GetString());
        Assert.Equal("pushed", (await GetStatusAsync(highRoadLocation!)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task AVendorDownBeyondTheRetries_PoisonsTheMessage_AndMarksTheBlastFailedWithTheReason()
    {
        sandboxes.RealMagnet.FailNextRequests("UpsertRecipient", 503, count: 1000);
        var (_, location, _) = await PostBlastAsync("realmagnet", "down-1");

        var (processed, poisoned) = await pipeline.Host.DrainOutboundQueueAsync(CancellationToken.None);

        Assert.Equal((0, 1), (processed, poisoned));
        var failed = await GetStatusAsync(location!);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("503", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(5, failed.GetProperty("attempts").GetInt32());
        var options = pipeline.Services.GetRequiredService<IOptions<OutboundStorageOptions>>().Value;
        var poison = pipeline.Services.GetRequiredService<QueueServiceClient>().GetQueueClient(options.OutboundQueue + "-poison");
        Assert.Single((await poison.PeekMessagesAsync(10)).Value);
    }

    [Fact]
    public async Task ReplayingTheSameBlast_PushesNothingTwice()
    {
        var (_, location, _) = await PostBlastAsync("realmagnet", "again-1");
        await pipeline.Host.DrainOutboundQueueAsync(CancellationToken.None);

        var (status, again, body) = await PostBlastAsync("realmagnet", "again-1");
        await pipeline.Host.DrainOutboundQueueAsync(CancellationToken.None);

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(location, again);
        Assert.Equal("pushed", body.GetProperty("status").GetString());
        Assert.Single(sandboxes.RealMagnet.ReceivedUpserts, u => u.Details["CustomMemberID"] == "again-1");
    }

    [Fact]
    public async Task AnAmsOptOut_IsOnTheProfile_ReachesEveryVendor_AndAReplayPushesNothingTwice()
    {
        var individual = sandboxes.RealMagnet.Data.Individuals.First(i => i.IndividualId is not null);
        using (var put = await SendAsync(HttpMethod.Put, $"/api/individuals/{individual.IndividualId}", new { email = individual.Email }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var optOut = new { mailingType = "Events", optedOutAt = "2026-11-01T10:00:00Z" };
        using (var post = await SendAsync(HttpMethod.Post, $"/api/individuals/{individual.IndividualId}/opt-outs", optOut))
        {
            Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        }

        await pipeline.Host.DrainOutboundQueueAsync(CancellationToken.None);

        Assert.Equal(individual.RecipientId, Assert.Single(sandboxes.RealMagnet.ReceivedUnsubscribes).RecipientId);
        var informz = Assert.Single(sandboxes.Informz.ReceivedOptOuts);
        Assert.Equal(["Events"], informz.InterestNames);
        Assert.Equal(individual.Email, Assert.Single(informz.Subscribers).Email);
        var file = Assert.Single(sandboxes.HighRoad.ReceivedOptOutFiles);
        Assert.Contains(individual.IndividualId!, file.Text, StringComparison.Ordinal);
        Assert.Contains("Events", file.Text, StringComparison.Ordinal);

        using var profile = await pipeline.GetAsync($"/api/individuals/{individual.IndividualId}/profile");
        var preferences = JsonDocument.Parse(await profile.Content.ReadAsStringAsync()).RootElement.GetProperty("communicationPreferences");
        var events = Assert.Single(preferences.EnumerateArray(), p => p.GetProperty("mailingType").GetString() == "Events");
        Assert.True(events.GetProperty("optedOut").GetBoolean());
        Assert.Equal("ams", events.GetProperty("source").GetString());

        // The same opt-out again (same id, a second message): every vendor already has it.
        using (var again = await SendAsync(HttpMethod.Post, $"/api/individuals/{individual.IndividualId}/opt-outs", optOut))
        {
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        }

        var (processed, _) = await pipeline.Host.DrainOutboundQueueAsync(CancellationToken.None);
        Assert.Equal(1, processed);
        Assert.Single(sandboxes.RealMagnet.ReceivedUnsubscribes);
        Assert.Single(sandboxes.Informz.ReceivedOptOuts);
        Assert.Single(sandboxes.HighRoad.ReceivedOptOutFiles);
    }

    [Fact]
    public async Task APushHoldsBackByTheProfileAtPushTime_ReportsWhoAndWhy_AndATransactionalBlastOnlySkipsTheInvalidAddress()
    {
        async Task PutAsync(string id, object body)
        {
            using var put = await SendAsync(HttpMethod.Put, $"/api/individuals/{id}", body);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        await PutAsync("sp-clean", new { email = "sp-clean@example.org" });
        await PutAsync("sp-dne", new { email = "sp-dne@example.org" });
        await PutAsync("sp-out", new { email = "sp-out@example.org", communicationPreferences = new[] { new { mailingType = " events ", optedOut = true } } });
        var (_, marketing, _) = await PostBlastAsync("realmagnet", "sp-clean", "sp-dne", "sp-out", "sp-stranger");
        await PutAsync("sp-dne", new { email = "sp-dne@example.org", doNotEmail = true }); // after the POST, before the push

        await pipeline.Host.DrainOutboundQueueAsync(CancellationToken.None);

        Assert.Equal(["sp-clean", "sp-stranger"], sandboxes.RealMagnet.ReceivedUpserts
            .Select(u => u.Details["CustomMemberID"]).Where(id => id is not null && id.StartsWith("sp-", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        var status = await GetStatusAsync(marketing!);
        Assert.Equal("pushed", status.GetProperty("status").GetString());
        Assert.Equal("marketing", status.GetProperty("kind").GetString());
        var suppressed = status.GetProperty("suppressed");
        Assert.Equal((0, 1, 1, 2), (suppressed.GetProperty("emailInvalid").GetInt32(), suppressed.GetProperty("doNotEmail").GetInt32(),
            suppressed.GetProperty("optedOut").GetInt32(), suppressed.GetProperty("total").GetInt32()));
        Assert.Equal(1, status.GetProperty("unknownIndividuals").GetInt32());

        using var first = await pipeline.GetAsync(marketing + "/suppressed?pageSize=1");
        var firstPage = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(("sp-dne", "doNotEmail"), Item(firstPage.GetProperty("items").EnumerateArray().Single()));
        var token = firstPage.GetProperty("continuationToken").GetString()!;
        using var second = await pipeline.GetAsync(marketing + "/suppressed?pageSize=1&continuationToken=" + Uri.EscapeDataString(token));
        var secondPage = JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(("sp-out", "optedOut"), Item(secondPage.GetProperty("items").EnumerateArray().Single()));
        Assert.Equal(JsonValueKind.Null, secondPage.GetProperty("continuationToken").ValueKind);
        Assert.DoesNotContain("@", firstPage.GetRawText() + secondPage.GetRawText(), StringComparison.Ordinal);
        using var tampered = await pipeline.GetAsync(marketing + "/suppressed?continuationToken=" + Uri.EscapeDataString(token[..^2] + "xx"));
        Assert.Equal(HttpStatusCode.BadRequest, tampered.StatusCode);
        Assert.Equal("application/problem+json", tampered.Content.Headers.ContentType?.MediaType);

        // The same recipients as a receipt: do-not-e-mail and the opt-out don't hold a transactional blast back.
        using var post = await SendAsync(HttpMethod.Post, "/api/blasts", new { vendor = "realmagnet", mailingType = "Events", kind = "transactional", recipients = Recipients("sp-dne", "sp-out") });
        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        await pipeline.Host.DrainOutboundQueueAsync(CancellationToken.None);
        Assert.Single(sandboxes.RealMagnet.ReceivedUpserts, u => u.Details["CustomMemberID"] == "sp-dne");
        Assert.Single(sandboxes.RealMagnet.ReceivedUpserts, u => u.Details["CustomMemberID"] == "sp-out");
        Assert.Equal(0, (await GetStatusAsync(post.Headers.Location!.OriginalString)).GetProperty("suppressed").GetProperty("total").GetInt32());

        static (string?, string?) Item(JsonElement item) => (item.GetProperty("individualId").GetString(), item.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task BadRequests_AreProblems_AndUnknownBlastsAre404()
    {
        using var unknownVendor = await SendAsync(HttpMethod.Post, "/api/blasts", new { vendor = "mailchimp", mailingType = "Events", recipients = Recipients("x-1") });
        Assert.Equal(HttpStatusCode.BadRequest, unknownVendor.StatusCode);
        Assert.Equal("application/problem+json", unknownVendor.Content.Headers.ContentType?.MediaType);

        using var tooLarge = new HttpRequestMessage(HttpMethod.Post, $"/api/blasts")
        {
            Content = new StringContent("{\"vendor\":\"" + new string('x', 9 * 1024 * 1024) + "\"}", Encoding.UTF8, "application/json"),
        };
        using var tooLargeResponse = await pipeline.Http.SendAsync(tooLarge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLargeResponse.StatusCode);

        using var missing = await pipeline.GetAsync("/api/blasts/b-nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        using var noIndividual = await SendAsync(HttpMethod.Post, "/api/individuals/nobody-known/opt-outs", new { mailingType = "Events" });
        Assert.Equal(HttpStatusCode.NotFound, noIndividual.StatusCode);
    }

    private static object[] Recipients(params string[] ids) => ids.Select(id => (object)new
    {
        individualId = id,
        fields = new Dictionary<string, string> { ["Email"] = id + "@example.org", ["FirstName"] = "First " + id, ["LastName"] = "Last " + id },
    }).ToArray();

    private async Task<(HttpStatusCode Status, string? Location, JsonElement Body)> PostBlastAsync(string vendor, params string[] ids)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/blasts", new { vendor, mailingType = "Events", recipients = Recipients(ids) });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, response.Headers.Location?.OriginalString, body);
    }

    private async Task<JsonElement> GetStatusAsync(string location)
    {
        using var response = await pipeline.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object body) =>
        pipeline.Http.SendAsync(new HttpRequestMessage(method, $"{path}") { Content = JsonContent.Create(body) });
}
