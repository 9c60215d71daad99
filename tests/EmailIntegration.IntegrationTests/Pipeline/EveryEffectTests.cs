using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EmailIntegration.IntegrationTests.Infrastructure;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using Microsoft.Extensions.DependencyInjection;

namespace EmailIntegration.IntegrationTests.Pipeline;

/// <summary>
/// One vendor file with every event kind (a HighRoad export dropped by an operator), through the
/// whole pipeline on the emulators, every effect read back through the HTTP API.
/// </summary>
public sealed class EveryEffectTests : IAsyncLifetime
{
    private const string RunId = "drop-every-kind-1";

    // Effect rules come from local.settings.sample.json: mailing types Newsletter; Events; Advocacy,
    // AMS host www.example-association.org, /events/* => EVENTS, three user-unknown bounces.
    private const string Export = """
        Individual ID,Email,Mailing ID,Mailing Name,Event,Date,URL,Email Group,Fax Number,Status,Reason
        IND-B1,member@example.org,M1,November News,sent,2026-11-20 10:00:00,,Newsletter,,,
        IND-B1,member@example.org,M1,November News,open,2026-11-20 11:00:00,,Newsletter,,,
        IND-B1,member@example.org,M1,November News,open,2026-11-21 09:00:00,,Newsletter,,,
        IND-B1,member@example.org,M1,November News,click,2026-11-20 11:05:00,https://www.example-association.org/events/annual,Newsletter,,,
        IND-B1,member@example.org,M1,November News,click,2026-11-20 11:07:00,https://www.example-association.org/events/annual,Newsletter,,,
        IND-B1,member@example.org,M1,November News,click,2026-11-20 11:06:00,https://www.congress.gov/bill/1,Newsletter,,,
        IND-B1,,F1,Fax Alert,fax,2026-11-19 08:00:00,,Advocacy,+15555550100,Sent,
        IND-B1,member@example.org,M2,Events Weekly,unsubscribe,2026-11-22 12:00:00,,events ,,,
        IND-B1,member@example.org,M3,Board Letter,unsubscribe,2026-11-22 12:30:00,,Board Only,,,
        IND-B1,member@example.org,M2,Events Weekly,hard bounce,2026-11-23 01:00:00,,Events,,550,5.1.1 user unknown
        IND-B1,member@example.org,M4,Dues,hard bounce,2026-11-24 01:00:00,,Newsletter,,550,5.1.1 user unknown
        IND-B1,member@example.org,M5,Gala,hard bounce,2026-11-25 01:00:00,,Events,,550,5.1.1 user unknown
        IND-B1,member@example.org,M6,Survey,soft bounce,2026-11-25 02:00:00,,Events,,452,mailbox full
        IND-B2,second@example.org,M1,November News,sent,2026-11-20 10:00:00,,Newsletter,,,
        IND-B2,second@example.org,M1,November News,spam,2026-11-24 00:00:00,,Newsletter,,,
        IND-B3,third@example.org,M1,November News,suppressed,2026-11-24 00:00:00,,Newsletter,,,
        """;

    private IsolatedPipeline pipeline = null!;

    public async Task InitializeAsync()
    {
        pipeline = await IsolatedPipeline.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Vendors:HighRoad:KindMap"] =
                "sent=Delivered; open=Opened; click=LinkClicked; fax=FaxSent; unsubscribe=Unsubscribed; "
                + "hard bounce=Bounced:Hard; soft bounce=Bounced:Soft; spam=SpamComplaint; suppressed=Suppressed",
        });

        // The AMS knows IND-B1 and IND-B3; IND-B2 arrives only later.
        foreach (var (id, email) in new[] { ("IND-B1", "member@example.org"), ("IND-B3", "third@example.org") })
        {
            using var put = await pipeline.Http.PutAsJsonAsync($"/api/individuals/{id}", new { email });
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var file = new LandedFileName("highroad", new DateOnly(2026, 11, 30), RunId, "export", 1, "csv");
        await pipeline.Services.GetRequiredService<ILandingZone>()
            .LandAsync(file, Encoding.UTF8.GetBytes(Export.Replace("\n", "\r\n")), new Dictionary<string, string>(), default);
        await pipeline.ReplayAsync(RunId);
    }

    public async Task DisposeAsync() => await pipeline.DisposeAsync();

    [Fact]
    public async Task DeliveriesOpensClicksAndFaxes_FillTheChildForms()
    {
        using var tab = await GetJsonAsync("/api/individuals/IND-B1/email-integration");
        var root = tab.RootElement;

        var tracking = Items(root, "tracking").Single(t => t.GetProperty("mailingId").GetString() == "M1");
        Assert.Equal("2026-11-20T10:00:00.000Z", tracking.GetProperty("receivedAt").GetString());
        Assert.Equal("2026-11-20T11:00:00.000Z", tracking.GetProperty("openedAt").GetString());
        Assert.Equal(2, tracking.GetProperty("openCount").GetInt32());
        Assert.Equal("November News", tracking.GetProperty("mailingName").GetString());

        var links = Items(root, "linkTracking");
        Assert.Equal(2, links.Count);
        var ams = links.Single(l => l.GetProperty("url").GetString()!.Contains("example-association"));
        Assert.Equal(2, ams.GetProperty("clickCount").GetInt32());
        Assert.Equal("2026-11-20T11:05:00.000Z", ams.GetProperty("clickedAt").GetString());

        var fax = Assert.Single(Items(root, "faxTracking"));
        Assert.Equal("+15555550100", fax.GetProperty("faxNumber").GetString());
        Assert.Equal("Sent", fax.GetProperty("status").GetString());

        var unsubscribes = Items(root, "unsubscribes");
        Assert.Equal(["Board Only", "events"], unsubscribes.Select(u => u.GetProperty("emailGroup").GetString()));
    }

    [Fact]
    public async Task ProfileEffects_PreferencesInvalidAddressScoringAndInterests()
    {
        using var profile = await GetJsonAsync("/api/individuals/IND-B1/profile");
        var root = profile.RootElement;

        Assert.True(root.GetProperty("knownToAms").GetBoolean());
        Assert.Equal("member@example.org", root.GetProperty("email").GetString());
        Assert.False(root.GetProperty("emailValid").GetBoolean());
        Assert.False(root.GetProperty("doNotEmail").GetBoolean());

        var preference = Assert.Single(root.GetProperty("communicationPreferences").EnumerateArray());
        Assert.Equal("Events", preference.GetProperty("mailingType").GetString());
        Assert.True(preference.GetProperty("optedOut").GetBoolean());

        var unmatched = Assert.Single(root.GetProperty("unmatchedEmailGroups").EnumerateArray());
        Assert.Equal("Board Only", unmatched.GetProperty("emailGroup").GetString());

        var action = Assert.Single(root.GetProperty("customerActions").GetProperty("items").EnumerateArray());
        Assert.Equal("https://www.example-association.org/events/annual", action.GetProperty("url").GetString());
        Assert.Equal("2026-11-20T11:05:00.000Z", action.GetProperty("actionAt").GetString());

        var interest = Assert.Single(root.GetProperty("interestActivities").GetProperty("items").EnumerateArray());
        Assert.Equal("EVENTS", interest.GetProperty("interestCode").GetString());
        Assert.Equal("Link Click", interest.GetProperty("activityType").GetString());
    }

    [Fact]
    public async Task SpamComplaint_SetsDoNotEmail_AndSuppression_InvalidatesTheAddress()
    {
        // IND-B2 was never sent by the AMS: its tracking is kept and shows once it arrives.
        using (var put = await pipeline.Http.PutAsJsonAsync(
                   $"/api/individuals/IND-B2", new { email = "second@example.org", doNotEmail = false }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using var second = await GetJsonAsync("/api/individuals/IND-B2/profile");
        Assert.True(second.RootElement.GetProperty("doNotEmail").GetBoolean());
        using var secondTab = await GetJsonAsync("/api/individuals/IND-B2/email-integration");
        Assert.Single(Items(secondTab.RootElement, "tracking"));

        using var third = await GetJsonAsync("/api/individuals/IND-B3/profile");
        Assert.False(third.RootElement.GetProperty("emailValid").GetBoolean());
        Assert.True(third.RootElement.GetProperty("emailValid").ValueKind == JsonValueKind.False);
    }

    [Fact]
    public async Task TheRunLog_ReportsTheUnknownIndividualAndTheUnmatchedGroup()
    {
        var issues = await pipeline.Services.GetRequiredService<IRunLog>().ReadApplyIssuesAsync(RunId, default);

        Assert.Contains(issues, i => i is { Kind: ApplyIssueKind.UnknownIndividual, IndividualId: "IND-B2" });
        Assert.DoesNotContain(issues, i => i is { Kind: ApplyIssueKind.UnknownIndividual, IndividualId: "IND-B1" });
        Assert.Contains(issues, i => i is { Kind: ApplyIssueKind.UnmatchedEmailGroup, IndividualId: "IND-B1", Detail: "Board Only" });
    }

    [Fact]
    public async Task ReplayingTheFile_ChangesNoEffect()
    {
        var before = await GetBytesAsync("/api/individuals/IND-B1/profile");
        var tabBefore = await GetBytesAsync("/api/individuals/IND-B1/email-integration");

        await pipeline.ReplayAsync(RunId);

        Assert.Equal(before, await GetBytesAsync("/api/individuals/IND-B1/profile"));
        Assert.Equal(tabBefore, await GetBytesAsync("/api/individuals/IND-B1/email-integration"));
    }

    private static List<JsonElement> Items(JsonElement root, string form) =>
        root.GetProperty(form).GetProperty("items").EnumerateArray().ToList();

    private async Task<JsonDocument> GetJsonAsync(string path) => JsonDocument.Parse(await GetBytesAsync(path));

    private async Task<byte[]> GetBytesAsync(string path)
    {
        using var response = await pipeline.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }
}
