using EmailIntegration.IntegrationTests.Infrastructure;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace EmailIntegration.IntegrationTests.Adapters;

/// <summary>The run index on the real table: every writer of a run indexes it once; ranges by start time, newest first.</summary>
public sealed class TableRunIndexTests : IAsyncLifetime
{
    private static readonly string[] Runs =
    [
        "20261128T023000Z-aaaa0001",
        "20261129T023000Z-aaaa0002",
        "20261130T023000Z-aaaa0003",
        "20261130T023000Z-aaaa0003-replay-20261130T090000Z",
    ];

    private IsolatedPipeline pipeline = null!;

    private IRunLog RunLog => pipeline.Services.GetRequiredService<IRunLog>();

    private IRunIndex Index => pipeline.Services.GetRequiredService<IRunIndex>();

    public async Task InitializeAsync() => pipeline = await IsolatedPipeline.StartAsync();

    public async Task DisposeAsync() => await pipeline.DisposeAsync();

    [Fact]
    public async Task Runs_AreListedNewestFirst_OncePerRun_WithinTheirStartRange_AndAfterACursor()
    {
        foreach (var run in Runs.Take(3))
        {
            var started = RunIndexKey.StartOf(run)!.Value;
            await RunLog.WriteFetchAsync(new FetchLogEntry(run, "realmagnet", FetchStatus.Running, started, null, null, null, 0, 0, null), default);
            await RunLog.WriteFetchAsync(new FetchLogEntry(run, "realmagnet", FetchStatus.Completed, started, started, null, null, 1, 1, null), default);
        }

        await RunLog.WriteFanOutAsync(new FanOutLogEntry(Runs[3], "realmagnet/2026/11/30/x/groups-00001.json", DateTimeOffset.UtcNow, 1, 1, 1, 0, 0, null), default);
        await RunLog.WriteFetchAsync(new FetchLogEntry("operator-drop", "highroad", FetchStatus.Completed, DateTimeOffset.UtcNow, null, null, null, 0, 0, null), default);

        var all = await Index.ListAsync(null, null, null, 10, default);
        var from29 = await Index.ListAsync(new DateTimeOffset(2026, 11, 29, 2, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero), null, 10, default);
        var afterFirstTwo = await Index.ListAsync(null, null, all[1].Key, 10, default);

        Assert.Equal([Runs[3], Runs[2], Runs[1], Runs[0]], all.Select(e => e.RunId));
        Assert.Equal([Runs[2], Runs[1]], from29.Select(e => e.RunId));
        Assert.Equal([Runs[1], Runs[0]], afterFirstTwo.Select(e => e.RunId));
        Assert.Equal(2, (await Index.ListAsync(null, null, null, 2, default)).Count);
    }
}
