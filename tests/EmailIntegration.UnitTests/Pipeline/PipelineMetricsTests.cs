using System.Diagnostics.Metrics;
using EmailIntegration.Domain.Rules;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Pipeline.Observability;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Xunit;
using static EmailIntegration.UnitTests.Domain.TrackingEvents;

namespace EmailIntegration.UnitTests.Pipeline;

/// <summary>
/// What the stages count, read as an exporter would (a <see cref="MeterListener"/> on this test's meter only): per
/// vendor fetched, failed and applied, poisoned messages and the apply latency.
/// </summary>
public sealed class PipelineMetricsTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 2, 30, 0, TimeSpan.Zero);
    private readonly PipelineMetrics metrics = TestMetrics.Create();
    private readonly MeterListener listener = new();
    private readonly List<(string Name, double Value, string? Vendor)> measurements = [];

    public PipelineMetricsTests()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.FetchFailures.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
    }

    public void Dispose() => listener.Dispose();

    [Fact]
    public async Task TheFetch_CountsRecordsPerVendor_AndAFailureOfTheVendorThatFailed()
    {
        var window = new TrackingWindow(Now.AddDays(-1), Now);
        var fetcher = new VendorTrackingFetcher(
            [
                VendorTrackingFetcherTests.Source("realmagnet", window, [new FetchedPage("groups", 1, "json", new byte[] { 1 }, 7), new FetchedPage("groups", 2, "json", new byte[] { 2 }, 5)]).Object,
                VendorTrackingFetcherTests.Source("informz", window, [], thenThrow: new HttpRequestException("refused")).Object,
            ],
            Mock.Of<IWatermarkStore>(), Mock.Of<ILandingZone>(), Mock.Of<IQuarantine>(), Mock.Of<IRunLog>(), new FixedTimeProvider(Now), metrics,
            NullLogger<VendorTrackingFetcher>.Instance);

        await fetcher.RunAsync(CancellationToken.None);

        Assert.Equal(12, Sum("emailintegration.records_landed", "realmagnet"));
        Assert.Equal(2, Sum("emailintegration.pages_landed", "realmagnet"));
        Assert.Equal(0, Sum("emailintegration.records_landed", "informz"));
        Assert.Equal(1, Sum("emailintegration.fetch_failures", "informz"));
        Assert.Equal(0, Sum("emailintegration.fetch_failures", "realmagnet"));
        Assert.Equal(1, Sum("emailintegration.fetches_succeeded", "realmagnet"));
        Assert.Equal(0, Sum("emailintegration.fetches_succeeded", "informz"));
    }

    [Fact]
    public async Task Applying_CountsEventsPerVendorOfTheFile_AndRecordsTheLatency()
    {
        var store = new Mock<IIndividualDocumentStore>();
        store.Setup(s => s.ReadAsync("ind-1", It.IsAny<IReadOnlyCollection<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(DocumentSnapshot.Empty);

        await Applier(store.Object).ApplyAsync("m", IndividualTrackingApplierTests.Body("ind-1", Delivered("ind-1", "m-1", T0), Opened("ind-1", "m-1", T0.AddHours(1))), CancellationToken.None);

        Assert.Equal(2, Sum("emailintegration.events_applied", "realmagnet"));
        var latency = Assert.Single(measurements, m => m.Name == "emailintegration.apply_duration");
        Assert.True(latency.Value >= 0);
        Assert.Equal(0, Sum("emailintegration.messages_poisoned", null));
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public async Task AFailureOnTheLastAllowedDelivery_CountsAPoisonedMessage_AndStillThrows(bool lastAttempt, int poisoned)
    {
        var store = new Mock<IIndividualDocumentStore>();
        store.Setup(s => s.ReadAsync(It.IsAny<string>(), It.IsAny<IReadOnlyCollection<string>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new TimeoutException("store down"));

        await Assert.ThrowsAsync<TimeoutException>(() => Applier(store.Object).ApplyAsync(
            "m", IndividualTrackingApplierTests.Body("ind-1", Delivered("ind-1", "m-1", T0)), CancellationToken.None, lastAttempt));

        Assert.Equal(poisoned, Sum("emailintegration.messages_poisoned", null));
        Assert.Single(measurements, m => m.Name == "emailintegration.apply_duration");
    }

    private IndividualTrackingApplier Applier(IIndividualDocumentStore store) =>
        new(store, Mock.Of<IQuarantine>(), new EmailIntegration.UnitTests.Erasure.InMemoryErasureLedger(), Mock.Of<IRunLog>(), EffectRules.None, metrics, NullLogger<IndividualTrackingApplier>.Instance);

    /// <param name="vendor">Null: every measurement of the instrument, whatever its tags.</param>
    private double Sum(string name, string? vendor) =>
        measurements.Where(m => m.Name == name && (vendor is null || m.Vendor == vendor)).Sum(m => m.Value);

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? vendor = null;
        foreach (var tag in tags)
        {
            if (tag.Key == PipelineMetrics.VendorTag)
            {
                vendor = tag.Value as string;
            }
        }

        lock (measurements)
        {
            measurements.Add((instrument.Name, value, vendor));
        }
    }
}
