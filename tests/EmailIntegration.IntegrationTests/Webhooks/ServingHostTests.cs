using System.Net;
using System.Text.Json;
using EmailIntegration.IntegrationTests.Infrastructure;
using EmailIntegration.VendorSandbox.RealMagnet;

namespace EmailIntegration.IntegrationTests.Webhooks;

/// <summary>The local host, while it serves, fires the blob trigger for what lands, as Event Grid does in Azure.</summary>
public sealed class ServingHostTests : IAsyncLifetime
{
    private RealMagnetSandbox sandbox = null!;
    private IsolatedPipeline pipeline = null!;

    public async Task InitializeAsync()
    {
        sandbox = RealMagnetSandbox.Start(SandboxData.Generate(seed: 17, today: DateTimeOffset.UtcNow, individuals: 20, mailings: 2));
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
    public async Task AReplayPostedToAServingHost_IsApplied_WithoutARestart()
    {
        // A night landed but never fanned out (as if the host had been down); the host then starts serving.
        var runId = (await pipeline.Host.FireTimerAsync(CancellationToken.None)).RunId;
        await pipeline.ServeLandedFilesAsync();
        var individual = sandbox.Data.ExpectedCountsByIndividual().First(e => e.Value.Total > 0).Key;
        using var before = await pipeline.GetAsync($"/api/individuals/{individual}/email-integration");

        using var response = await pipeline.Http.PostAsync($"/api/runs/{runId}/replay", null);
        using var replay = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var replayRunId = replay.RootElement.GetProperty("replayRunId").GetString()!;
        var files = replay.RootElement.GetProperty("files").GetInt32();
        var applied = await IsolatedPipeline.EventuallyAsync(async () =>
        {
            using var tab = await pipeline.GetAsync($"/api/individuals/{individual}/email-integration");
            return tab.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(90));
        var fannedOut = await IsolatedPipeline.EventuallyAsync(async () =>
        {
            using var log = await pipeline.GetAsync($"/api/runs/{replayRunId}");
            return log.StatusCode == HttpStatusCode.OK
                   && JsonDocument.Parse(await log.Content.ReadAsStringAsync()).RootElement.GetProperty("landedFiles").GetArrayLength() == files;
        }, TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(files > 0);
        Assert.True(applied, "the replayed night was not applied within 90 s");
        Assert.True(fannedOut, "the replay's run log does not list each of its files");
    }
}
