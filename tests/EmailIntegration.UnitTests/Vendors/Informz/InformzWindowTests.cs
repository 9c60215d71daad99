using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.UnitTests.Vendors.RealMagnet;
using EmailIntegration.Vendors.Informz;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EmailIntegration.UnitTests.Vendors.Informz;

public class InformzWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 2, 15, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Today = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    private static InformzTrackingSource Source(InformzOptions? options = null)
    {
        var o = Options.Create(options ?? new InformzOptions());
        return new InformzTrackingSource(
            new InformzClient(new HttpClient(), o, NullLogger<InformzClient>.Instance),
            new InMemoryVendorDirectory(), o, NullLogger<InformzTrackingSource>.Instance, new FixedTimeProvider(Now));
    }

    [Fact]
    public void First_run_fetches_the_initial_lookback_up_to_today_midnight_UTC() =>
        Assert.Equal(new TrackingWindow(Today.AddDays(-7), Today), Source().PlanWindow(null, Now));

    [Fact]
    public void A_backlog_is_capped_at_the_max_window()
    {
        var watermark = Today.AddDays(-60);

        Assert.Equal(new TrackingWindow(watermark, watermark.AddDays(31)), Source().PlanWindow(watermark, Now));
    }

    [Fact]
    public void A_watermark_older_than_the_100_day_activity_limit_starts_at_the_limit()
    {
        var window = Source().PlanWindow(Today.AddDays(-250), Now)!;

        Assert.Equal(Today.AddDays(-99), window.Start);
        Assert.Equal(InformzTrackingSource.ActivityFloor(Now), window.Start);
        Assert.True(Now - window.Start < TimeSpan.FromDays(InformzOptions.ActivityRetentionDays));
        Assert.Equal(window.Start.AddDays(31), window.End);
    }

    [Fact]
    public void Every_window_of_a_long_catch_up_stays_inside_the_100_days()
    {
        DateTimeOffset? watermark = Today.AddDays(-400);
        for (var night = 0; night < 10; night++)
        {
            var window = Source(new InformzOptions { MaxWindowDays = 366 }).PlanWindow(watermark, Now);
            if (window is null)
            {
                break;
            }

            Assert.True(window.Start >= Today.AddDays(-99), $"{window.Start:o}");
            watermark = window.End;
        }

        Assert.Equal(Today, watermark);
    }

    [Fact]
    public void Caught_up_is_null()
    {
        Assert.Null(Source().PlanWindow(Today, Now));
        Assert.Null(Source().PlanWindow(Today.AddDays(1), Now));
    }

    [Fact]
    public void Interest_windows_are_split_into_chunks_of_at_most_seven_days()
    {
        var from = new DateOnly(2026, 10, 1);
        var to = new DateOnly(2026, 10, 31);

        var chunks = InformzTrackingSource.Chunks(from, to);

        Assert.Equal(5, chunks.Count);
        Assert.Equal(from, chunks[0].From);
        Assert.Equal(to, chunks[^1].To);
        Assert.All(chunks, c => Assert.InRange(c.To.DayNumber - c.From.DayNumber, 1, 7));
        Assert.All(chunks.Zip(chunks.Skip(1)), p => Assert.Equal(p.First.To, p.Second.From)); // contiguous, no gap, no overlap
        Assert.Equal([(from, from.AddDays(1))], InformzTrackingSource.Chunks(from, from.AddDays(1)));
        Assert.Empty(InformzTrackingSource.Chunks(from, from));
        Assert.Single(InformzTrackingSource.Chunks(from, from.AddDays(7)));
        Assert.Equal(2, InformzTrackingSource.Chunks(from, from.AddDays(8)).Count);
    }

    [Fact]
    public void Vendor_and_enabled_come_from_the_source_and_options()
    {
        Assert.Equal("informz", Source().Vendor);
        Assert.False(Source().IsEnabled);
        Assert.True(Source(new InformzOptions { Enabled = true }).IsEnabled);
    }
}
