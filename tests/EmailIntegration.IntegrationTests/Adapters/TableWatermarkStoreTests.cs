using EmailIntegration.IntegrationTests.Infrastructure;
using EmailIntegration.Pipeline.Fetch;
using Microsoft.Extensions.DependencyInjection;

namespace EmailIntegration.IntegrationTests.Adapters;

public sealed class TableWatermarkStoreTests : IAsyncLifetime
{
    private IsolatedPipeline pipeline = null!;

    private IWatermarkStore Store => pipeline.Services.GetRequiredService<IWatermarkStore>();

    public async Task InitializeAsync() => pipeline = await IsolatedPipeline.StartAsync();

    public async Task DisposeAsync() => await pipeline.DisposeAsync();

    [Fact]
    public async Task AdvancedWatermark_ReadsBackInUtc()
    {
        var until = new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);
        Assert.Null(await Store.GetAsync("realmagnet", default));

        await Store.AdvanceAsync("realmagnet", until, null, default);

        var watermark = await Store.GetAsync("realmagnet", default);
        Assert.Equal(until, watermark!.LandedUntil);
        Assert.Equal(TimeSpan.Zero, watermark.LandedUntil.Offset);
    }

    [Fact]
    public async Task TwoRunsMovingTheSameWatermark_TheSecondIsRefused()
    {
        var day1 = new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero);
        await Store.AdvanceAsync("realmagnet", day1, null, default);
        var readByBoth = await Store.GetAsync("realmagnet", default);

        await Store.AdvanceAsync("realmagnet", day1.AddDays(1), readByBoth, default);

        await Assert.ThrowsAsync<WatermarkConflictException>(() =>
            Store.AdvanceAsync("realmagnet", day1.AddDays(2), readByBoth, default));
        await Assert.ThrowsAsync<WatermarkConflictException>(() =>
            Store.AdvanceAsync("realmagnet", day1.AddDays(2), null, default));
        Assert.Equal(day1.AddDays(1), (await Store.GetAsync("realmagnet", default))!.LandedUntil);
    }
}
