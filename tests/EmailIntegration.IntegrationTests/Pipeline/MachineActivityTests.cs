using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EmailIntegration.IntegrationTests.Infrastructure;
using EmailIntegration.Pipeline.Landing;
using Microsoft.Extensions.DependencyInjection;

namespace EmailIntegration.IntegrationTests.Pipeline;

/// <summary>
/// A night with a link scanner's burst and a person's click on the same mailing (a HighRoad export dropped by an
/// operator), through the whole pipeline on the emulators: the machine's clicks stay on the rows, marked and counted
/// apart, and exactly one Customer Action is scored. Then a click imported a night before its delivery, withdrawn when
/// the delivery shows a machine made it, and the AMS told so through the change feed.
/// </summary>
public sealed class MachineActivityTests : IAsyncLifetime
{
    private const string Header = "Individual ID,Email,Mailing ID,Mailing Name,Event,Date,URL,Email Group,Fax Number,Status,Reason";

    // Effect rules from local.settings.sample.json: AMS host www.example-association.org, /events/* => EVENTS; machine
    // activity at its defaults (opens < 2 s and clicks < 5 s from delivery, 3 distinct links within 5 s).
    private const string ScannerNight = Header + """

        IND-M1,m1@example.org,N1,December News,sent,2026-11-20 10:00:00,,Newsletter,,,
        IND-M1,m1@example.org,N1,December News,open,2026-11-20 10:00:01,,Newsletter,,,
        IND-M1,m1@example.org,N1,December News,click,2026-11-20 10:00:03,https://www.example-association.org/events/gala,Newsletter,,,
        IND-M1,m1@example.org,N1,December News,click,2026-11-20 10:00:04,https://www.example-association.org/join,Newsletter,,,
        IND-M1,m1@example.org,N1,December News,click,2026-11-20 10:00:05,https://www.example-association.org/donate,Newsletter,,,
        IND-M1,m1@example.org,N1,December News,click,2026-11-20 10:00:06,https://www.congress.gov/bill/1,Newsletter,,,
        IND-M1,m1@example.org,N1,December News,open,2026-11-20 18:30:00,,Newsletter,,,
        IND-M1,m1@example.org,N1,December News,click,2026-11-20 18:31:00,https://www.example-association.org/join,Newsletter,,,
        """;

    private const string ClickNight = Header + """

        IND-M2,m2@example.org,N2,Gala Invitation,click,2026-11-21 09:00:02,https://www.example-association.org/events/gala,Events,,,
        """;

    private const string DeliveryNight = Header + """

        IND-M2,m2@example.org,N2,Gala Invitation,sent,2026-11-21 09:00:00,,Events,,,
        """;

    private IsolatedPipeline pipeline = null!;

    public async Task InitializeAsync()
    {
        pipeline = await IsolatedPipeline.StartAsync(settings: new Dictionary<string, string?> { ["Changes:SettleSeconds"] = "1" });
        foreach (var (id, email) in new[] { ("IND-M1", "m1@example.org"), ("IND-M2", "m2@example.org") })
        {
            using var put = await pipeline.Http.PutAsJsonAsync($"/api/individuals/{id}", new { email });
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        await ImportAsync("drop-scanner-1", ScannerNight);
    }

    public async Task DisposeAsync() => await pipeline.DisposeAsync();

    [Fact]
    public async Task AScannerBurstAndAPersonsClick_ScoreExactlyOneCustomerAction()
    {
        using var profile = await GetJsonAsync("/api/individuals/IND-M1/profile");
        var action = Assert.Single(profile.RootElement.GetProperty("customerActions").GetProperty("items").EnumerateArray());
        Assert.Equal("https://www.example-association.org/join", action.GetProperty("url").GetString());
        Assert.Equal("2026-11-20T18:31:00.000Z", action.GetProperty("actionAt").GetString());
        Assert.Empty(profile.RootElement.GetProperty("interestActivities").GetProperty("items").EnumerateArray());

        using var actions = await GetJsonAsync("/api/individuals/IND-M1/customer-actions");
        Assert.Single(actions.RootElement.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task TheMachinesActivity_StaysOnTheRows_MarkedAndCountedApart()
    {
        using var tab = await GetJsonAsync("/api/individuals/IND-M1/email-integration");

        var tracking = Assert.Single(tab.RootElement.GetProperty("tracking").GetProperty("items").EnumerateArray());
        Assert.Equal("highroad", tracking.GetProperty("vendor").GetString());
        Assert.Equal((2, 1, 1), (tracking.GetProperty("openCount").GetInt32(), tracking.GetProperty("personOpenCount").GetInt32(),
            tracking.GetProperty("machineOpenCount").GetInt32()));
        Assert.Equal("person", tracking.GetProperty("activity").GetString());
        Assert.Equal("soon-after-delivery", tracking.GetProperty("machineOpenReason").GetString());

        var links = tab.RootElement.GetProperty("linkTracking").GetProperty("items").EnumerateArray()
            .ToDictionary(l => l.GetProperty("url").GetString()!);
        Assert.Equal(4, links.Count);
        Assert.All(links.Values, l => Assert.Equal("December News", l.GetProperty("mailingName").GetString()));
        var join = links["https://www.example-association.org/join"];
        Assert.Equal((2, 1, 1, "person"), (join.GetProperty("clickCount").GetInt32(), join.GetProperty("personClickCount").GetInt32(),
            join.GetProperty("machineClickCount").GetInt32(), join.GetProperty("activity").GetString()));
        foreach (var url in new[] { "https://www.example-association.org/events/gala", "https://www.example-association.org/donate", "https://www.congress.gov/bill/1" })
        {
            Assert.Equal("machine", links[url].GetProperty("activity").GetString());
            Assert.Equal("link-burst", links[url].GetProperty("machineClickReason").GetString());
        }

        var page = await (await pipeline.GetAsync("/api/individuals/IND-M1/email-integration/view")).Content.ReadAsStringAsync();
        Assert.Contains("data-activity=\"machine\"", page, StringComparison.Ordinal);
        Assert.Contains("2 (1 person, 1 machine)", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClickImportedANightBeforeItsDelivery_IsWithdrawn_WhenTheDeliveryShowsAMachineMadeIt()
    {
        await ImportAsync("drop-click-first", ClickNight);
        using (var before = await GetJsonAsync("/api/individuals/IND-M2/profile"))
        {
            Assert.Single(before.RootElement.GetProperty("customerActions").GetProperty("items").EnumerateArray());
            Assert.Single(before.RootElement.GetProperty("interestActivities").GetProperty("items").EnumerateArray());
        }

        await ImportAsync("drop-delivery-next", DeliveryNight);

        using var after = await GetJsonAsync("/api/individuals/IND-M2/profile");
        Assert.Empty(after.RootElement.GetProperty("customerActions").GetProperty("items").EnumerateArray());
        Assert.Empty(after.RootElement.GetProperty("interestActivities").GetProperty("items").EnumerateArray());
        using var tab = await GetJsonAsync("/api/individuals/IND-M2/email-integration");
        var link = Assert.Single(tab.RootElement.GetProperty("linkTracking").GetProperty("items").EnumerateArray());
        Assert.Equal("soon-after-delivery", link.GetProperty("machineClickReason").GetString());

        // The AMS had the action and the activity (created the first night) and is told each was withdrawn, once.
        var changes = await ChangesOfAsync("IND-M2");
        Assert.Equal(
            ["customerActionCreated", "customerActionWithdrawn", "interestActivityCreated", "interestActivityWithdrawn"],
            changes.Select(c => c.Kind).Order(StringComparer.Ordinal));
        var withdrawal = Assert.Single(changes, c => c.Kind == "customerActionWithdrawn");
        Assert.Equal("soon-after-delivery", withdrawal.Reason);
        Assert.Equal(changes.Single(c => c.Kind == "customerActionCreated").DocumentId, withdrawal.DocumentId);

        await pipeline.ReplayAsync("drop-click-first");
        await pipeline.ReplayAsync("drop-delivery-next");
        Assert.Equal(changes, await ChangesOfAsync("IND-M2")); // a replay adds nothing; re-reading gives the same ids
    }

    [Fact]
    public async Task ReplayingTheNight_ChangesNothing()
    {
        var before = await GetBytesAsync("/api/individuals/IND-M1/email-integration");

        await pipeline.ReplayAsync("drop-scanner-1");

        Assert.Equal(before, await GetBytesAsync("/api/individuals/IND-M1/email-integration"));
    }

    private async Task ImportAsync(string runId, string export)
    {
        var file = new LandedFileName("highroad", new DateOnly(2026, 11, 30), runId, "export", 1, "csv");
        await pipeline.Services.GetRequiredService<ILandingZone>()
            .LandAsync(file, Encoding.UTF8.GetBytes(export.Replace("\n", "\r\n")), new Dictionary<string, string>(), default);
        await pipeline.ReplayAsync(runId);
    }

    private sealed record FeedChange(string ChangeId, string Kind, string? DocumentId, string? Reason);

    /// <summary>The individual's changes in the feed, read from the start once they have settled.</summary>
    private async Task<List<FeedChange>> ChangesOfAsync(string individualId)
    {
        await Task.Delay(TimeSpan.FromSeconds(2.1));
        using var page = await GetJsonAsync("/api/changes?pageSize=1000");
        Assert.False(page.RootElement.GetProperty("more").GetBoolean());
        return page.RootElement.GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("individualId").GetString() == individualId)
            .Select(i => new FeedChange(i.GetProperty("changeId").GetString()!, i.GetProperty("kind").GetString()!,
                i.GetProperty("value").TryGetProperty("documentId", out var id) ? id.GetString() : null,
                i.GetProperty("value").TryGetProperty("reason", out var reason) ? reason.GetString() : null))
            .ToList();
    }

    private async Task<JsonDocument> GetJsonAsync(string path) => JsonDocument.Parse(await GetBytesAsync(path));

    private async Task<byte[]> GetBytesAsync(string path)
    {
        using var response = await pipeline.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }
}
