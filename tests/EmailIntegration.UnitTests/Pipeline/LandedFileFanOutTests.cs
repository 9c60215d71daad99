using System.Text.Json;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.UnitTests.Erasure;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Xunit;
using static EmailIntegration.UnitTests.Domain.TrackingEvents;

namespace EmailIntegration.UnitTests.Pipeline;

public sealed class LandedFileFanOutTests
{
    private const string RunId = "20261129T021500Z-1a2b3c4d";
    private const string File = $"realmagnet/2026/11/29/{RunId}/links-00001.json";
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 3, 0, 0, TimeSpan.Zero);

    private readonly Mock<ITrackingParser> parser = new(MockBehavior.Strict);
    private readonly Mock<ILandingZone> landingZone = new();
    private readonly Mock<IQuarantine> quarantine = new();
    private readonly Mock<ITrackingMessagePublisher> publisher = new();
    private readonly Mock<IRunLog> runLog = new();
    private readonly List<OutgoingMessage> published = [];
    private readonly List<FanOutLogEntry> logged = [];
    private readonly MemoryStream content = new([1, 2, 3]);

    public LandedFileFanOutTests()
    {
        parser.SetupGet(p => p.Vendor).Returns(Vendor);
        landingZone.Setup(z => z.OpenReadAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(content);
        publisher.SetupGet(p => p.MaxBodyBytes).Returns(64 * 1024);
        publisher.Setup(p => p.PublishAsync(It.IsAny<IReadOnlyList<OutgoingMessage>>(), It.IsAny<CancellationToken>()))
            .Callback<IReadOnlyList<OutgoingMessage>, CancellationToken>((messages, _) => published.AddRange(messages))
            .Returns(Task.CompletedTask);
        runLog.Setup(r => r.WriteFanOutAsync(It.IsAny<FanOutLogEntry>(), It.IsAny<CancellationToken>()))
            .Callback<FanOutLogEntry, CancellationToken>((entry, _) => logged.Add(entry))
            .Returns(Task.CompletedTask);
    }

    private readonly InMemoryErasureLedger erasures = new();

    private LandedFileFanOut Create() => new(
        [parser.Object], landingZone.Object, quarantine.Object, publisher.Object, erasures, runLog.Object,
        new FixedTimeProvider(Now), TestMetrics.Create(), NullLogger<LandedFileFanOut>.Instance);

    private void ParserYields(IEnumerable<ParsedRecord> records, Exception? thenThrow = null) =>
        parser.Setup(p => p.ParseAsync(It.IsAny<Stream>(), It.IsAny<LandedFileName>(), It.IsAny<CancellationToken>()))
            .Returns(() => AsyncSequence.Of(records, thenThrow));

    private static TrackingMessage Read(OutgoingMessage message) =>
        JsonSerializer.Deserialize<TrackingMessage>(message.Body.Span, TrackingMessage.Json)!;

    private static readonly TrackingEvent A1 = Delivered("ind-a", "m-1", T0);
    private static readonly TrackingEvent A2 = Opened("ind-a", "m-1", T0.AddHours(1));
    private static readonly TrackingEvent B1 = Delivered("ind-b", "m-1", T0);
    private static readonly TrackingEvent C1 = Clicked("ind-c", "m-1", "https://example.org/a", T0);
    private static readonly TrackingEvent NoOne = Make(TrackingEventKind.Opened, null, "m-1", T0);

    private void ParserYieldsAMixedFile() => ParserYields(
    [
        ParsedRecord.Of(B1),
        ParsedRecord.Of(A1),
        ParsedRecord.Reject("record 3", "recipient id missing"),
        ParsedRecord.Of(C1),
        ParsedRecord.Of(NoOne),
        ParsedRecord.Of(A2),
    ]);

    [Fact]
    public async Task AFileForThreeIndividuals_PublishesOneMessageEach_WithTheIndividualAsSession()
    {
        ParserYieldsAMixedFile();

        await Create().FanOutAsync(File, CancellationToken.None);

        Assert.Equal(["ind-a", "ind-b", "ind-c"], published.Select(m => m.SessionId));
        Assert.Equal(published.Select(m => MessagePartitioner.MessageIdFor(File, m.SessionId, 0)), published.Select(m => m.MessageId));
        var a = Read(published[0]);
        Assert.Equal("ind-a", a.IndividualId);
        Assert.Equal(File, a.SourceFile);
        Assert.Equal([A1, A2], a.Events);
        Assert.Equal([B1], Read(published[1]).Events);
        Assert.Equal([C1], Read(published[2]).Events);
        landingZone.Verify(z => z.OpenReadAsync(File, It.IsAny<CancellationToken>()), Times.Once);
        parser.Verify(p => p.ParseAsync(content, It.Is<LandedFileName>(n => n.RunId == RunId && n.Kind == "links" && n.Page == 1),
            It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task ABadRecord_IsReportedWithItsPosition_AndTheGoodEventsStillGoThrough()
    {
        ParserYieldsAMixedFile();

        await Create().FanOutAsync(File, CancellationToken.None);

        quarantine.Verify(q => q.ReportBadRecordsAsync(File,
            It.Is<IReadOnlyList<BadRecord>>(bad => bad.Count == 1 && bad[0].Position == "record 3" && bad[0].Reason == "recipient id missing"),
            It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(4, published.Sum(m => Read(m).Events.Count));
        quarantine.Verify(q => q.QuarantineFileAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task AnEventWithNoIndividual_IsHeldAsUnmatched_AndNotPublished()
    {
        ParserYieldsAMixedFile();

        await Create().FanOutAsync(File, CancellationToken.None);

        quarantine.Verify(q => q.HoldUnmatchedAsync(File,
            It.Is<IReadOnlyList<TrackingEvent>>(events => events.Count == 1 && events[0] == NoOne), It.IsAny<CancellationToken>()), Times.Once);
        Assert.DoesNotContain(published.SelectMany(m => Read(m).Events), e => e.EventId == NoOne.EventId);
    }

    [Fact]
    public async Task TheRunLog_RecordsTheFilesCounts()
    {
        ParserYieldsAMixedFile();

        var result = await Create().FanOutAsync(File, CancellationToken.None);

        var entry = Assert.Single(logged);
        Assert.Equal(new FanOutLogEntry(RunId, File, Now, Records: 6, Events: 4, Messages: 3, BadRecords: 1, Unmatched: 1, null), entry);
        Assert.Equal(entry, result);
    }

    [Fact]
    public async Task AnErasedIndividualsRecords_AreDroppedBeforePublishing_AndCountedAsErased()
    {
        erasures.Erased("ind-a");
        ParserYieldsAMixedFile();

        var entry = await Create().FanOutAsync(File, CancellationToken.None);

        Assert.Equal(["ind-b", "ind-c"], published.Select(m => m.SessionId));
        Assert.Equal(new FanOutLogEntry(RunId, File, Now, Records: 6, Events: 2, Messages: 2, BadRecords: 1, Unmatched: 1, null, Erased: 2), entry);
        Assert.Equal(entry, Assert.Single(logged));
    }

    [Fact]
    public async Task ATombstone_IsMatchedOnTheExactId()
    {
        erasures.Erased("IND-A", "ind-a ");
        ParserYieldsAMixedFile();

        var entry = await Create().FanOutAsync(File, CancellationToken.None);

        Assert.Equal(["ind-a", "ind-b", "ind-c"], published.Select(m => m.SessionId));
        Assert.Equal(0, entry.Erased);
    }

    [Fact]
    public async Task AFileThatBecomesUnreadable_PublishesWhatWasRead_AndQuarantinesTheFileWithTheReason()
    {
        ParserYields([ParsedRecord.Of(A1), ParsedRecord.Of(B1)], new UnreadableFileException("Truncated JSON at byte 4096."));

        var result = await Create().FanOutAsync(File, CancellationToken.None);

        Assert.Equal(["ind-a", "ind-b"], published.Select(m => m.SessionId));
        quarantine.Verify(q => q.QuarantineFileAsync(File, "Truncated JSON at byte 4096.", It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal("Truncated JSON at byte 4096.", result.QuarantineReason);
        Assert.Equal(2, result.Events);
        Assert.Equal(2, result.Messages);
        Assert.Equal(result, Assert.Single(logged));
    }

    [Fact]
    public async Task AFileOfAnUnknownVendor_IsQuarantined_AndNothingIsPublished()
    {
        const string otherVendorFile = $"othervendor/2026/11/29/{RunId}/links-00001.json";

        var result = await Create().FanOutAsync(otherVendorFile, CancellationToken.None);

        quarantine.Verify(q => q.QuarantineFileAsync(otherVendorFile, It.Is<string>(r => r.Contains("othervendor")), It.IsAny<CancellationToken>()), Times.Once);
        publisher.Verify(p => p.PublishAsync(It.IsAny<IReadOnlyList<OutgoingMessage>>(), It.IsAny<CancellationToken>()), Times.Never);
        landingZone.Verify(z => z.OpenReadAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.Equal(RunId, result.RunId);
        Assert.NotNull(result.QuarantineReason);
        Assert.Equal(result, Assert.Single(logged));
    }

    [Theory]
    [InlineData("realmagnet/links-00001.json")]
    [InlineData("notes.txt")]
    [InlineData("realmagnet/2026/11/29/run/links-00001.JSON")]
    public async Task AFileWithABadName_IsQuarantined_AndNothingIsPublished(string badName)
    {
        var result = await Create().FanOutAsync(badName, CancellationToken.None);

        quarantine.Verify(q => q.QuarantineFileAsync(badName, It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);
        publisher.Verify(p => p.PublishAsync(It.IsAny<IReadOnlyList<OutgoingMessage>>(), It.IsAny<CancellationToken>()), Times.Never);
        parser.Verify(p => p.ParseAsync(It.IsAny<Stream>(), It.IsAny<LandedFileName>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.Equal(0, result.Records);
        Assert.NotNull(Assert.Single(logged).QuarantineReason);
    }

    [Fact]
    public async Task ManyEventsForOneIndividual_AreSplitIntoPartsThatShareTheSession()
    {
        publisher.SetupGet(p => p.MaxBodyBytes).Returns(4096);
        var events = Enumerable.Range(0, 100).Select(i => Opened("ind-a", "m-" + i, T0.AddMinutes(i))).ToList();
        ParserYields(events.Select(ParsedRecord.Of));

        var result = await Create().FanOutAsync(File, CancellationToken.None);

        Assert.True(published.Count > 1);
        Assert.All(published, m => Assert.Equal("ind-a", m.SessionId));
        Assert.All(published, m => Assert.True(m.Body.Length <= 4096));
        Assert.Equal(events, published.SelectMany(m => Read(m).Events));
        Assert.Equal(published.Count, result.Messages);
    }

    [Fact]
    public async Task AFileOfOnlyGoodRecords_ReportsNoBadRecordsAndHoldsNothing()
    {
        ParserYields([ParsedRecord.Of(A1)]);

        await Create().FanOutAsync(File, CancellationToken.None);

        quarantine.VerifyNoOtherCalls();
        Assert.Single(published);
    }

    [Theory]
    [InlineData("ind-a\n")]
    [InlineData("ind a")]
    [InlineData("ind/a")]
    [InlineData("a@b.example")]
    public async Task AVendorIdThatBreaksTheIdRule_IsABadRecord_AndTheGoodEventsStillGoThrough(string vendorId)
    {
        ParserYields([ParsedRecord.Of(A1), ParsedRecord.Of(Delivered(vendorId, "m-1", T0)), ParsedRecord.Of(B1)]);

        var entry = await Create().FanOutAsync(File, CancellationToken.None);

        Assert.Equal(["ind-a", "ind-b"], published.Select(m => m.SessionId));
        Assert.Equal(1, entry.BadRecords);
        quarantine.Verify(q => q.ReportBadRecordsAsync(File,
            It.Is<IReadOnlyList<BadRecord>>(bad => bad.Count == 1 && bad[0].Position == "record 1" && !bad[0].Reason.Contains(vendorId)),
            It.IsAny<CancellationToken>()), Times.Once);
    }
}
