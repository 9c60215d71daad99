using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Xunit;

namespace EmailIntegration.UnitTests.Pipeline;

public sealed class VendorTrackingFetcherTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 2, 15, 0, TimeSpan.Zero);
    private static readonly TrackingWindow Window = new(Now.AddDays(-1), Now.AddHours(-1));
    private static readonly Watermark RealMagnetWatermark = new(Now.AddDays(-1), "etag-1");

    private readonly Mock<IWatermarkStore> watermarks = new();
    private readonly Mock<ILandingZone> landingZone = new();
    private readonly Mock<IRunLog> runLog = new();
    private readonly Mock<IQuarantine> quarantine = new();
    private readonly List<(string File, string Reason)> quarantined = [];
    private readonly List<string> calls = [];
    private readonly List<(LandedFileName Name, byte[] Content, IReadOnlyDictionary<string, string> Metadata)> landed = [];
    private readonly List<FetchLogEntry> logged = [];

    public VendorTrackingFetcherTests()
    {
        watermarks.Setup(w => w.GetAsync("realmagnet", It.IsAny<CancellationToken>())).ReturnsAsync(RealMagnetWatermark);
        watermarks.Setup(w => w.AdvanceAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<Watermark?>(), It.IsAny<CancellationToken>()))
            .Callback<string, DateTimeOffset, Watermark?, CancellationToken>((vendor, until, _, _) => calls.Add($"advance {vendor} {until:o}"))
            .Returns(Task.CompletedTask);
        landingZone.Setup(z => z.LandAsync(It.IsAny<LandedFileName>(), It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<IReadOnlyDictionary<string, string>>(), It.IsAny<CancellationToken>()))
            .Callback<LandedFileName, ReadOnlyMemory<byte>, IReadOnlyDictionary<string, string>, CancellationToken>((name, content, metadata, _) =>
            {
                calls.Add($"land {name}");
                landed.Add((name, content.ToArray(), metadata));
            })
            .Returns(Task.CompletedTask);
        quarantine.Setup(q => q.QuarantineFileAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback<string, string, CancellationToken>((file, reason, _) =>
            {
                calls.Add($"quarantine {file}");
                quarantined.Add((file, reason));
            })
            .Returns(Task.CompletedTask);
        runLog.Setup(r => r.WriteFetchAsync(It.IsAny<FetchLogEntry>(), It.IsAny<CancellationToken>()))
            .Callback<FetchLogEntry, CancellationToken>((entry, _) => logged.Add(entry))
            .Returns(Task.CompletedTask);
    }

    private VendorTrackingFetcher Create(params IVendorTrackingSource[] sources) => new(
        sources, watermarks.Object, landingZone.Object, quarantine.Object, runLog.Object, new FixedTimeProvider(Now), TestMetrics.Create(),
        NullLogger<VendorTrackingFetcher>.Instance);

    private static FetchedPage Page(string kind, int number, int records) =>
        new(kind, number, "json", new byte[] { (byte)number, (byte)records }, records);

    /// <param name="unreadable">Pages (by kind and number) the source reports unreadable right after landing them.</param>
    internal static Mock<IVendorTrackingSource> Source(
        string vendor, TrackingWindow? window, IEnumerable<FetchedPage> pages, Exception? thenThrow = null, bool enabled = true,
        IReadOnlyCollection<(string Kind, int Page)>? unreadable = null)
    {
        var source = new Mock<IVendorTrackingSource>();
        source.SetupGet(s => s.Vendor).Returns(vendor);
        source.SetupGet(s => s.IsEnabled).Returns(enabled);
        source.Setup(s => s.PlanWindow(It.IsAny<DateTimeOffset?>(), It.IsAny<DateTimeOffset>())).Returns(window);
        source.Setup(s => s.FetchAsync(It.IsAny<TrackingWindow>(), It.IsAny<IFetchedPageSink>(), It.IsAny<CancellationToken>()))
            .Returns<TrackingWindow, IFetchedPageSink, CancellationToken>(async (_, sink, ct) =>
            {
                foreach (var page in pages)
                {
                    await sink.LandAsync(page, ct);
                    if (unreadable?.Contains((page.Kind, page.PageNumber)) == true)
                    {
                        await sink.UnreadableAsync(page, $"{page.Kind} page {page.PageNumber}", "cut off mid-array", ct);
                    }
                }

                if (thenThrow is not null)
                {
                    throw thenThrow;
                }
            });
        return source;
    }

    [Fact]
    public async Task EachPage_IsLandedUnderTheDatedRunScopedName_Unchanged()
    {
        var source = Source("realmagnet", Window, [Page("delivery", 1, 500), Page("delivery", 2, 20), Page("links", 1, 7)]);

        var result = await Create(source.Object).RunAsync(CancellationToken.None);

        Assert.Matches("^20261130T021500Z-[0-9a-f]{8}$", result.RunId);
        Assert.Equal(
            [
                $"realmagnet/2026/11/30/{result.RunId}/delivery-00001.json",
                $"realmagnet/2026/11/30/{result.RunId}/delivery-00002.json",
                $"realmagnet/2026/11/30/{result.RunId}/links-00001.json",
            ],
            landed.Select(l => l.Name.ToString()));
        Assert.Equal(new byte[] { 2, 20 }, landed[1].Content);
        Assert.Equal("realmagnet", landed[0].Metadata["vendor"]);
        Assert.Equal(result.RunId, landed[0].Metadata["runId"]);
        Assert.Equal("links", landed[2].Metadata["kind"]);
        Assert.Equal("500", landed[0].Metadata["records"]);
        Assert.Equal(Window.Start, DateTimeOffset.Parse(landed[0].Metadata["windowStart"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Window.End, DateTimeOffset.Parse(landed[0].Metadata["windowEnd"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task TheWatermark_AdvancesToTheWindowEnd_OnlyAfterEveryPageIsLanded()
    {
        var source = Source("realmagnet", Window, [Page("delivery", 1, 500), Page("links", 1, 7)]);

        var result = await Create(source.Object).RunAsync(CancellationToken.None);

        Assert.Equal(3, calls.Count);
        Assert.StartsWith("land ", calls[0], StringComparison.Ordinal);
        Assert.StartsWith("land ", calls[1], StringComparison.Ordinal);
        Assert.Equal($"advance realmagnet {Window.End:o}", calls[2]);
        watermarks.Verify(w => w.AdvanceAsync("realmagnet", Window.End, RealMagnetWatermark, It.IsAny<CancellationToken>()), Times.Once);
        source.Verify(s => s.PlanWindow(RealMagnetWatermark.LandedUntil, Now));
        var entry = Assert.Single(result.Vendors);
        Assert.Equal(new FetchLogEntry(result.RunId, "realmagnet", FetchStatus.Completed, Now, Now, Window.Start, Window.End, 2, 507, null), entry);
        Assert.Equal([FetchStatus.Running, FetchStatus.Completed], logged.Select(e => e.Status));
        Assert.Equal(entry, logged[^1]);
    }

    [Fact]
    public async Task AVendorFailingMidWindow_KeepsItsWatermark_LogsTheFailure_AndTheOtherVendorIsStillFetched()
    {
        var failing = Source("realmagnet", Window, [Page("delivery", 1, 500)],
            new VendorFetchException("realmagnet", "retries exhausted on page 2"));
        var other = Source("othervendor", Window, [Page("opens", 1, 3)]);

        var result = await Create(failing.Object, other.Object).RunAsync(CancellationToken.None);

        watermarks.Verify(w => w.AdvanceAsync("realmagnet", It.IsAny<DateTimeOffset>(), It.IsAny<Watermark?>(), It.IsAny<CancellationToken>()), Times.Never);
        watermarks.Verify(w => w.AdvanceAsync("othervendor", Window.End, null, It.IsAny<CancellationToken>()), Times.Once);
        var failed = result.Vendors.Single(v => v.Vendor == "realmagnet");
        Assert.Equal(FetchStatus.Failed, failed.Status);
        Assert.Equal(1, failed.Pages);
        Assert.Contains("retries exhausted on page 2", failed.Error, StringComparison.Ordinal);
        Assert.Equal(Now, failed.FinishedAt);
        Assert.Contains(logged, e => e.Vendor == "realmagnet" && e.Status == FetchStatus.Failed && e.Error == failed.Error);
        Assert.Equal(FetchStatus.Completed, result.Vendors.Single(v => v.Vendor == "othervendor").Status);
        Assert.Contains(landed, l => l.Name.Vendor == "othervendor" && l.Name.Kind == "opens");
    }

    [Theory]
    [InlineData(typeof(HttpRequestException))]
    [InlineData(typeof(TimeoutException))]
    [InlineData(typeof(TaskCanceledException))]
    public async Task TransportFailures_AlsoFailOnlyThatVendor(Type exceptionType)
    {
        var failing = Source("realmagnet", Window, [], (Exception)Activator.CreateInstance(exceptionType, "boom")!);

        var result = await Create(failing.Object).RunAsync(CancellationToken.None);

        Assert.Equal(FetchStatus.Failed, Assert.Single(result.Vendors).Status);
        watermarks.Verify(w => w.AdvanceAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<Watermark?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task AWatermarkMovedByAnotherRun_FailsThisRunsVendor()
    {
        watermarks.Setup(w => w.AdvanceAsync("realmagnet", It.IsAny<DateTimeOffset>(), It.IsAny<Watermark?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new WatermarkConflictException("realmagnet"));
        var source = Source("realmagnet", Window, [Page("delivery", 1, 1)]);

        var result = await Create(source.Object).RunAsync(CancellationToken.None);

        var entry = Assert.Single(result.Vendors);
        Assert.Equal(FetchStatus.Failed, entry.Status);
        Assert.Contains("watermark", entry.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AVendorThatIsCaughtUp_IsUpToDate_AndNothingIsLanded()
    {
        var source = Source("realmagnet", window: null, [Page("delivery", 1, 1)]);

        var result = await Create(source.Object).RunAsync(CancellationToken.None);

        var entry = Assert.Single(result.Vendors);
        Assert.Equal(FetchStatus.UpToDate, entry.Status);
        Assert.Null(entry.WindowStart);
        Assert.Equal(entry, Assert.Single(logged));
        Assert.Empty(landed);
        source.Verify(s => s.FetchAsync(It.IsAny<TrackingWindow>(), It.IsAny<IFetchedPageSink>(), It.IsAny<CancellationToken>()), Times.Never);
        watermarks.Verify(w => w.AdvanceAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<Watermark?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task ADisabledVendor_IsNotFetched()
    {
        var disabled = Source("realmagnet", Window, [Page("delivery", 1, 1)], enabled: false);

        var result = await Create(disabled.Object).RunAsync(CancellationToken.None);

        Assert.Empty(result.Vendors);
        Assert.Empty(landed);
        Assert.Empty(logged);
        disabled.Verify(s => s.PlanWindow(It.IsAny<DateTimeOffset?>(), It.IsAny<DateTimeOffset>()), Times.Never);
    }

    [Fact]
    public async Task AnUnreadablePageInTheMiddle_IsLandedAndQuarantined_TheFollowingPagesStillLand_AndTheWatermarkStays()
    {
        var source = Source("realmagnet", Window, [Page("delivery", 1, 2), Page("delivery", 2, 0), Page("delivery", 3, 2)],
            unreadable: [("delivery", 2)]);
        var other = Source("othervendor", Window, [Page("opens", 1, 3)]);

        var result = await Create(source.Object, other.Object).RunAsync(CancellationToken.None);

        var prefix = $"realmagnet/2026/11/30/{result.RunId}/";
        Assert.Equal(
            [$"land {prefix}delivery-00001.json", $"land {prefix}delivery-00002.json", $"quarantine {prefix}delivery-00002.json",
             $"land {prefix}delivery-00003.json"],
            calls.Where(c => c.Contains("realmagnet", StringComparison.Ordinal)));
        var (file, reason) = Assert.Single(quarantined);
        Assert.Equal(prefix + "delivery-00002.json", file);
        Assert.Equal("delivery page 2: cut off mid-array", reason);
        var entry = result.Vendors.Single(v => v.Vendor == "realmagnet");
        Assert.Equal((FetchStatus.Incomplete, 3, 4, 1), (entry.Status, entry.Pages, entry.Records, entry.UnreadablePages));
        Assert.Contains("delivery page 2", entry.Error, StringComparison.Ordinal);
        Assert.Contains("delivery-00002.json", entry.Error, StringComparison.Ordinal);
        Assert.Contains(entry, logged);
        watermarks.Verify(w => w.AdvanceAsync("realmagnet", It.IsAny<DateTimeOffset>(), It.IsAny<Watermark?>(), It.IsAny<CancellationToken>()), Times.Never);
        watermarks.Verify(w => w.AdvanceAsync("othervendor", Window.End, null, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task AFailureAfterSomePages_ReportsThePagesThatLanded()
    {
        var failing = Source("realmagnet", Window, [Page("delivery", 1, 5), Page("delivery", 2, 5)],
            new VendorFetchException("realmagnet", "refused", kind: VendorFailureKind.Permanent, statusCode: System.Net.HttpStatusCode.BadRequest));

        var entry = Assert.Single((await Create(failing.Object).RunAsync(CancellationToken.None)).Vendors);

        Assert.Equal((FetchStatus.Failed, 2, 10), (entry.Status, entry.Pages, entry.Records));
    }
}
