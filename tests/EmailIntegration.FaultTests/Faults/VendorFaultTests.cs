using EmailIntegration.FaultTests.Infrastructure;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.VendorSandbox.RealMagnet;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace EmailIntegration.FaultTests.Faults;

/// <summary>
/// Real Magnet fails beyond the retry budget: a page cut off mid-body, a response slower than the
/// attempt timeout, 5xx on every attempt. The run log names the vendor, the window and the error,
/// the watermark stays, and the next run fetches the same window: no gap, no duplicate.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class VendorFaultTests(ITestOutputHelper output)
{
    private const string Operation = "GetDetailedTracking";

    [Theory]
    [InlineData("cut-mid-page")]
    [InlineData("slow")]
    [InlineData("5xx")]
    public async Task VendorFailsBeyondTheRetryBudget_WatermarkStays_AndTheNextRunCatchesUpWithoutGapOrDuplicate(string fault)
    {
        using var sandbox = RealMagnetSandbox.Start(SandboxData.Generate(seed: 7, today: DateTimeOffset.UtcNow, individuals: 30, mailings: 2));
        var settings = sandbox.AdapterSettings(pageSize: 25).ToDictionary();
        settings["Vendors:RealMagnet:AttemptTimeout"] = "00:00:01";
        settings["Vendors:RealMagnet:Timeout"] = "00:00:05";
        settings["Vendors:RealMagnet:MaxRetryAttempts"] = "1";
        settings["Vendors:RealMagnet:RetryBaseDelay"] = "00:00:00.010";
        await using var pipeline = await FaultPipeline.StartAsync(settings);
        var watermarks = pipeline.Services.GetRequiredService<IWatermarkStore>();
        var runLog = pipeline.Services.GetRequiredService<IRunLog>();

        switch (fault)
        {
            case "cut-mid-page":
                // WireMock.Net 1.25 has no CONNECTION_RESET fault: the page stops half-way through its JSON instead.
                sandbox.CorruptNext(Operation, count: 2);
                break;
            case "slow":
                sandbox.DelayNext(Operation, TimeSpan.FromSeconds(1.5), count: 2);
                break;
            default:
                sandbox.FailNextRequests(Operation, 503, count: 2);
                break;
        }

        var failed = await pipeline.Host.FireTimerAsync(default);
        sandbox.ClearFaults();
        var entry = Assert.Single(failed.Vendors);

        // A page cut off is landed, quarantined and named (the run is incomplete); a slow or failing vendor fails the run.
        var expected = fault == "cut-mid-page" ? FetchStatus.Incomplete : FetchStatus.Failed;
        Assert.Equal(expected, entry.Status);
        var logged = Assert.Single(await runLog.ReadFetchesAsync(failed.RunId, default));
        Assert.Equal(("realmagnet", expected), (logged.Vendor, logged.Status));
        Assert.NotNull(logged.WindowStart);
        Assert.NotNull(logged.WindowEnd);
        Assert.Contains(Operation, logged.Error, StringComparison.Ordinal);
        Assert.Null(await watermarks.GetAsync("realmagnet", default));

        // The pages landed before the failure are fanned out and applied like any others (the blob trigger fires for each).
        await pipeline.ReplayAsync(failed.RunId);
        var next = await pipeline.Host.FireTimerAsync(default);
        var caughtUp = Assert.Single(next.Vendors);
        Assert.Equal(FetchStatus.Completed, caughtUp.Status);
        Assert.Equal((entry.WindowStart, entry.WindowEnd), (caughtUp.WindowStart, caughtUp.WindowEnd));
        await pipeline.ReplayAsync(next.RunId);
        Assert.Equal(caughtUp.WindowEnd, (await watermarks.GetAsync("realmagnet", default))!.LandedUntil);

        int expectedOpens = 0, expectedClicks = 0, actualOpens = 0, actualClicks = 0;
        foreach (var (individualId, counts) in sandbox.Data.ExpectedCountsByIndividual().Where(e => e.Value.Total > 0))
        {
            var tab = await pipeline.TabAsync(individualId);
            var (opens, clicks) = TabJson.Counts(tab);
            Assert.Equal((counts.Opened, counts.Clicked), (opens, clicks));
            expectedOpens += counts.Opened;
            expectedClicks += counts.Clicked;
            actualOpens += opens;
            actualClicks += clicks;
        }

        Figures.Report(output, $"VendorFault[{fault}]",
            $"run 1 {entry.Status} ({entry.Pages} pages landed, error '{logged.Error}', window {logged.WindowStart:yyyy-MM-dd}..{logged.WindowEnd:yyyy-MM-dd}, watermark kept); "
            + $"run 2 {caughtUp.Status} same window, {caughtUp.Records} records; opens {actualOpens}/{expectedOpens}, clicks {actualClicks}/{expectedClicks} "
            + $"(lost {expectedOpens + expectedClicks - Math.Min(actualOpens + actualClicks, expectedOpens + expectedClicks)}, duplicates {Math.Max(0, actualOpens + actualClicks - expectedOpens - expectedClicks)})");
    }
}
