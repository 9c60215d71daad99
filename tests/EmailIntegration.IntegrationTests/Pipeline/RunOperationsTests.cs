using System.Net;
using System.Text.Json;
using EmailIntegration.IntegrationTests.Infrastructure;
using EmailIntegration.VendorSandbox.RealMagnet;

namespace EmailIntegration.IntegrationTests.Pipeline;

/// <summary>What an operator does with a night in Azure: read its run log, replay it.</summary>
public sealed class RunOperationsTests : IAsyncLifetime
{
    private RealMagnetSandbox sandbox = null!;
    private IsolatedPipeline pipeline = null!;

    public async Task InitializeAsync()
    {
        sandbox = RealMagnetSandbox.Start(SandboxData.Generate(seed: 11, today: DateTimeOffset.UtcNow, individuals: 30, mailings: 2));
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
    public async Task TheRunLog_NamesEachVendorsWindowAndEveryLandedFile()
    {
        var runId = await pipeline.RunNightAsync();

        using var response = await pipeline.GetAsync($"/api/runs/{runId}");
        using var log = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var fetch = Assert.Single(log.RootElement.GetProperty("fetches").EnumerateArray());
        Assert.Equal("realmagnet", fetch.GetProperty("vendor").GetString());
        Assert.Equal("completed", fetch.GetProperty("status").GetString());
        Assert.Equal(fetch.GetProperty("pages").GetInt32(), log.RootElement.GetProperty("landedFiles").GetArrayLength());
        Assert.All(log.RootElement.GetProperty("landedFiles").EnumerateArray(),
            f => Assert.Equal(JsonValueKind.Null, f.GetProperty("quarantineReason").ValueKind));
    }

    [Fact]
    public async Task AnUnknownRun_Is404_AndAMalformedRunId_Is400()
    {
        using var unknown = await pipeline.GetAsync("/api/runs/20200101T000000Z-00000000");
        using var malformed = await pipeline.GetAsync("/api/runs/bad%20run");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task ReplayingANight_LandsItsFilesAgain_AndChangesNoTab()
    {
        var runId = await pipeline.RunNightAsync();
        var individuals = sandbox.Data.ExpectedCountsByIndividual().Where(e => e.Value.Total > 0).Select(e => e.Key).Take(5).ToList();
        var before = await Task.WhenAll(individuals.Select(TabAsync));

        using var response = await pipeline.Http.PostAsync($"/api/runs/{runId}/replay", null);
        using var replay = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var replayRunId = replay.RootElement.GetProperty("replayRunId").GetString()!;

        // In Azure, Event Grid fires the blob trigger for each file landed again; here the runner does.
        var files = (await pipeline.Host.FanOutAndApplyAsync(replayRunId, default)).Files;

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.StartsWith(runId + "-replay-", replayRunId, StringComparison.Ordinal);
        Assert.Equal(replay.RootElement.GetProperty("files").GetInt32(), files);
        Assert.True(files > 0);
        var after = await Task.WhenAll(individuals.Select(TabAsync));
        Assert.Equal(before, after);
    }

    private async Task<string> TabAsync(string individualId)
    {
        using var response = await pipeline.GetAsync($"/api/individuals/{individualId}/email-integration");
        return await response.Content.ReadAsStringAsync();
    }
}
