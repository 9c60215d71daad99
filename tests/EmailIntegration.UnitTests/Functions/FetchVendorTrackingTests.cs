using EmailIntegration.Functions.Fetch;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.UnitTests.Pipeline;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Xunit;

namespace EmailIntegration.UnitTests.Functions;

public sealed class FetchVendorTrackingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 2, 15, 0, TimeSpan.Zero);

    [Fact]
    public async Task TheTimer_RunsTheFetchOfEveryEnabledVendor_AndReturnsItsResult()
    {
        var window = new TrackingWindow(Now.AddDays(-1), Now);
        var source = VendorTrackingFetcherTests.Source("realmagnet", window,
            [new FetchedPage("delivery", 1, "json", new byte[] { 1 }, 1)]);
        var watermarks = new Mock<IWatermarkStore>();
        var landingZone = new Mock<ILandingZone>();
        var fetcher = new VendorTrackingFetcher([source.Object], watermarks.Object, landingZone.Object, Mock.Of<IQuarantine>(), Mock.Of<IRunLog>(),
            new FixedTimeProvider(Now), TestMetrics.Create(), NullLogger<VendorTrackingFetcher>.Instance);

        var result = await new FetchVendorTracking(fetcher).Run(new TimerInfo(), CancellationToken.None);

        var entry = Assert.Single(result.Vendors);
        Assert.Equal(FetchStatus.Completed, entry.Status);
        Assert.Equal(1, entry.Pages);
        landingZone.Verify(z => z.LandAsync(It.Is<LandedFileName>(n => n.Vendor == "realmagnet" && n.RunId == result.RunId),
            It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<IReadOnlyDictionary<string, string>>(), It.IsAny<CancellationToken>()), Times.Once);
        watermarks.Verify(w => w.AdvanceAsync("realmagnet", window.End, null, It.IsAny<CancellationToken>()), Times.Once);
    }
}
