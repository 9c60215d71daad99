using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Vendors.RealMagnet;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EmailIntegration.UnitTests.Vendors.RealMagnet;

public class RealMagnetPlanWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 2, 15, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Today = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    private static RealMagnetTrackingSource Source(RealMagnetOptions? options = null)
    {
        var o = Options.Create(options ?? new RealMagnetOptions());
        return new RealMagnetTrackingSource(
            new RealMagnetClient(new HttpClient(), o, NullLogger<RealMagnetClient>.Instance),
            new InMemoryVendorDirectory(), o, NullLogger<RealMagnetTrackingSource>.Instance);
    }

    [Fact]
    public void First_run_fetches_the_initial_lookback_up_to_today_midnight_UTC() =>
        Assert.Equal(new TrackingWindow(Today.AddDays(-7), Today), Source().PlanWindow(null, Now));

    [Fact]
    public void Today_is_the_UTC_day_even_when_now_has_an_offset()
    {
        // 2026-11-29 22:00 at -05:00 is already 2026-11-30 03:00 UTC.
        var window = Source(new RealMagnetOptions { InitialLookbackDays = 3 })
            .PlanWindow(null, new DateTimeOffset(2026, 11, 29, 22, 0, 0, TimeSpan.FromHours(-5)));

        Assert.Equal(new TrackingWindow(Today.AddDays(-3), Today), window);
        Assert.Equal(TimeSpan.Zero, window!.End.Offset);
    }

    [Fact]
    public void A_backlog_is_capped_at_the_max_window()
    {
        var watermark = new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.Zero);

        var window = Source().PlanWindow(watermark, Now);

        Assert.Equal(new TrackingWindow(watermark, watermark.AddDays(31)), window);
    }

    [Fact]
    public void The_next_window_starts_at_the_watermark() =>
        Assert.Equal(new TrackingWindow(Today.AddDays(-1), Today), Source().PlanWindow(Today.AddDays(-1), Now));

    [Fact]
    public void Caught_up_is_null()
    {
        Assert.Null(Source().PlanWindow(Today, Now));
        Assert.Null(Source().PlanWindow(Today.AddDays(1), Now));
        Assert.Null(Source().PlanWindow(Today, Today.AddHours(23).AddMinutes(59)));
    }

    [Fact]
    public void Vendor_and_enabled_come_from_the_source_and_options()
    {
        Assert.Equal("realmagnet", Source().Vendor);
        Assert.False(Source().IsEnabled);
        Assert.True(Source(new RealMagnetOptions { Enabled = true }).IsEnabled);
    }
}
