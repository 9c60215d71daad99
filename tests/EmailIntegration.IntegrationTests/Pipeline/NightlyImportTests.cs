using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.IntegrationTests.Infrastructure;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.VendorSandbox.RealMagnet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EmailIntegration.IntegrationTests.Pipeline;

/// <summary>The whole slice on the emulators: sandbox vendor → landing → queue → Cosmos → HTTP tab.</summary>
public sealed class NightlyImportTests : IAsyncLifetime
{
    private RealMagnetSandbox sandbox = null!;
    private IsolatedPipeline pipeline = null!;

    private SandboxData Data => sandbox.Data;

    public async Task InitializeAsync()
    {
        sandbox = RealMagnetSandbox.Start(SandboxData.Generate(seed: 7, today: DateTimeOffset.UtcNow, individuals: 40, mailings: 3));
        pipeline = await IsolatedPipeline.StartAsync(sandbox.Url.ToString(), new Dictionary<string, string?>
        {
            ["Vendors:RealMagnet:UserName"] = sandbox.UserName,
            ["Vendors:RealMagnet:Password"] = sandbox.Password,
        });
    }

    public async Task DisposeAsync()
    {
        await pipeline.DisposeAsync();
        sandbox.Dispose();
    }

    [Fact]
    public async Task NightlyImport_TabListsEveryMailingWithReceivedAndOpenedDates_AndClickedLinks()
    {
        await pipeline.RunNightAsync();
        var individual = BusiestIndividual();
        var recipientIds = Data.Individuals.Where(i => i.IndividualId == individual).Select(i => i.RecipientId).ToHashSet();

        using var tab = await GetTabAsync(individual);

        var deliveries = Data.Sends.Where(s => recipientIds.Contains(s.RecipientId) && s.IsDelivery).ToList();
        var opens = Data.Opens.Where(o => recipientIds.Contains(o.RecipientId)).ToList();
        var tracking = tab.RootElement.GetProperty("tracking").GetProperty("items").EnumerateArray().ToList();
        var mailingIds = deliveries.Select(d => d.MessageId).Concat(opens.Select(o => o.MessageId)).Distinct().ToList();
        Assert.Equal(mailingIds.Count, tracking.Count);
        foreach (var row in tracking)
        {
            var messageId = int.Parse(row.GetProperty("mailingId").GetString()!);
            Assert.Equal("realmagnet", row.GetProperty("vendor").GetString());
            Assert.Equal(Data.Mailing(messageId).Name, row.GetProperty("mailingName").GetString());
            Assert.Equal(Data.MailingType(messageId), row.GetProperty("mailingType").GetString());
            var delivered = deliveries.Where(d => d.MessageId == messageId).Select(d => d.Date).DefaultIfEmpty().Min();
            if (delivered != default)
            {
                Assert.Equal(delivered, row.GetProperty("receivedAt").GetDateTimeOffset());
                Assert.EndsWith("Z", row.GetProperty("receivedAt").GetString());
            }

            var mailingOpens = opens.Where(o => o.MessageId == messageId).ToList();
            Assert.Equal(mailingOpens.Count, row.GetProperty("openCount").GetInt32());
            if (mailingOpens.Count > 0)
            {
                Assert.Equal(mailingOpens.Min(o => o.Date), row.GetProperty("openedAt").GetDateTimeOffset());
            }
        }

        var clicks = Data.Clicks.Where(c => recipientIds.Contains(c.RecipientId)).ToList();
        var links = tab.RootElement.GetProperty("linkTracking").GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(clicks.Select(c => (c.MessageId, c.Link.Url)).Distinct().Count(), links.Count);
        Assert.Equal(clicks.Count, links.Sum(l => l.GetProperty("clickCount").GetInt32()));
        Assert.All(links, l => Assert.Contains(l.GetProperty("url").GetString(), clicks.Select(c => c.Link.Url)));

        var receivedDates = tracking.Select(r => r.GetProperty("receivedAt").ValueKind == JsonValueKind.Null
            ? r.GetProperty("openedAt").GetDateTimeOffset() : r.GetProperty("receivedAt").GetDateTimeOffset()).ToList();
        Assert.Equal(receivedDates.OrderByDescending(d => d), receivedDates);
    }

    [Fact]
    public async Task ReplayingARun_LeavesEveryTabByteForByteIdentical()
    {
        var runId = await pipeline.RunNightAsync();
        var individuals = Data.ExpectedCountsByIndividual().Where(e => e.Value.Total > 0).Select(e => e.Key).Take(8).ToList();
        var before = await Task.WhenAll(individuals.Select(GetTabBytesAsync));

        await pipeline.ReplayAsync(runId);
        var after = await Task.WhenAll(individuals.Select(GetTabBytesAsync));

        Assert.NotEmpty(individuals);
        for (var i = 0; i < individuals.Count; i++)
        {
            Assert.Equal(before[i], after[i]);
        }
    }

    [Theory]
    [InlineData(25)]
    [InlineData(2)]
    public async Task TheTabFromItsSummary_EqualsEveryFormQueried_PageByPage(int pageSize)
    {
        await pipeline.RunNightAsync();
        var individuals = Data.ExpectedCountsByIndividual().OrderByDescending(e => e.Value.Total).Select(e => e.Key).Take(8).ToList();

        foreach (var individual in individuals)
        {
            using var tab = await GetJsonAsync($"/api/individuals/{individual}/email-integration?pageSize={pageSize}");
            foreach (var form in EmailIntegration.Pipeline.Serve.ChildForms.All)
            {
                var route = "/api/" + form.Route.Replace("{individualId}", individual, StringComparison.Ordinal);
                using var queried = await GetJsonAsync($"{route}?pageSize={pageSize}");
                var fromTab = tab.RootElement.GetProperty(form.JsonName);

                Assert.Equal(Items(queried.RootElement), Items(fromTab));
                Assert.Equal(await FollowAsync(route, pageSize, queried.RootElement), await FollowAsync(route, pageSize, fromTab));
            }
        }
    }

    private static List<string> Items(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetRawText()).ToList();

    /// <summary>Every row after <paramref name="first"/>, following the continuation tokens on the form's route.</summary>
    private async Task<List<string>> FollowAsync(string route, int pageSize, JsonElement first)
    {
        var rows = new List<string>();
        var token = first.GetProperty("continuationToken").GetString();
        for (var pages = 0; token is not null && pages < 200; pages++)
        {
            using var page = await GetJsonAsync($"{route}?pageSize={pageSize}&continuationToken={Uri.EscapeDataString(token)}");
            rows.AddRange(Items(page.RootElement));
            token = page.RootElement.GetProperty("continuationToken").GetString();
        }

        return rows;
    }

    private async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var response = await pipeline.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SecondRunTheSameDay_IsUpToDate_AndLandsNothing()
    {
        await pipeline.RunNightAsync();
        var second = await pipeline.Host.FireTimerAsync(default);

        var vendor = Assert.Single(second.Vendors);
        Assert.Equal(FetchStatus.UpToDate, vendor.Status);
        Assert.Equal(0, vendor.Pages);
    }

    [Fact]
    public async Task CorruptLandedFile_IsQuarantinedWithItsReason_AndTheOtherFilesAreApplied()
    {
        var runId = await pipeline.RunNightAsync();
        var landing = pipeline.Services.GetRequiredService<ILandingZone>();
        var options = pipeline.Services.GetRequiredService<IOptions<EmailIntegrationOptions>>().Value;
        var blobs = pipeline.Services.GetRequiredService<BlobServiceClient>();

        // A second run holding a copy of a good file and a truncated one, as if an operator dropped them.
        var goodName = await landing.ListRunAsync(runId, default).FirstAsync(n => n.Contains("/delivered", StringComparison.Ordinal));
        Assert.True(LandedFileName.TryParse(goodName, out var goodFile));
        var good = (await blobs.GetBlobContainerClient(options.LandingContainer).GetBlobClient(goodName).DownloadContentAsync()).Value.Content;
        var replayRun = "20260101T000000Z-corrupt1";
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var copy = new LandedFileName("realmagnet", today, replayRun, goodFile!.Kind, 1, "json");
        var corrupt = new LandedFileName("realmagnet", today, replayRun, "links", 1, "json");
        await landing.LandAsync(copy, good.ToMemory(), new Dictionary<string, string>(), default);
        await landing.LandAsync(corrupt, Encoding.UTF8.GetBytes("""[{"Date":"\/Date(1764000000000-0500)\/","LinkURL":"https://x""")
            , new Dictionary<string, string>(), default);

        await pipeline.ReplayAsync(replayRun);

        var quarantine = blobs.GetBlobContainerClient(options.QuarantineContainer);
        Assert.True((await quarantine.GetBlobClient($"files/{corrupt}").ExistsAsync()).Value);
        var reason = (await quarantine.GetBlobClient($"files/{corrupt}.reason.json").DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains(corrupt.ToString(), reason, StringComparison.Ordinal);
        Assert.False((await quarantine.GetBlobClient($"files/{copy}").ExistsAsync()).Value);

        var runLog = pipeline.Services.GetRequiredService<IRunLog>();
        var fanOuts = await runLog.ReadFanOutsAsync(replayRun, default);
        Assert.NotNull(fanOuts.Single(f => f.LandedFile == corrupt.ToString()).QuarantineReason);
        Assert.True(fanOuts.Single(f => f.LandedFile == copy.ToString()).Events > 0);

        using var response = await pipeline.GetAsync($"/api/individuals/{BusiestIndividual()}/email-integration");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private string BusiestIndividual() =>
        Data.ExpectedCountsByIndividual()
            .Where(e => e.Value.Delivered > 0 && e.Value.Opened > 0 && e.Value.Clicked > 0)
            .OrderByDescending(e => e.Value.Total).ThenBy(e => e.Key, StringComparer.Ordinal)
            .First().Key;

    private async Task<JsonDocument> GetTabAsync(string individualId)
    {
        using var response = await pipeline.GetAsync($"/api/individuals/{individualId}/email-integration");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private async Task<byte[]> GetTabBytesAsync(string individualId)
    {
        using var response = await pipeline.GetAsync($"/api/individuals/{individualId}/email-integration");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }
}
