using System.Text;
using System.Text.Json;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.UnitTests.Erasure;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Xunit;
using static EmailIntegration.UnitTests.Domain.TrackingEvents;

namespace EmailIntegration.UnitTests.Pipeline;

public sealed class IndividualTrackingApplierTests
{
    private const string Individual = "ind-1";
    private const string MessageId = "msg-1";

    private readonly Mock<IIndividualDocumentStore> store = new(MockBehavior.Strict);
    private readonly Mock<IQuarantine> quarantine = new();
    private readonly Mock<IRunLog> runLog = new();
    private readonly List<(IReadOnlyList<IndividualDocument> Documents, DocumentSnapshot Snapshot)> saves = [];

    private static readonly TrackingEvent Delivery = Delivered(Individual, "m-1", T0);
    private static readonly TrackingEvent Open = Opened(Individual, "m-1", T0.AddHours(1));
    private static readonly TrackingEvent Click = Clicked(Individual, "m-1", "https://example.org/a", T0.AddHours(2));
    private static readonly TrackingEvent[] Events = [Delivery, Open, Click];

    private readonly InMemoryErasureLedger erasures = new();

    private IndividualTrackingApplier Create() =>
        new(store.Object, quarantine.Object, erasures, runLog.Object, EffectRules.None, TestMetrics.Create(), NullLogger<IndividualTrackingApplier>.Instance);

    internal static byte[] Body(string individualId, params TrackingEvent[] events) =>
        JsonSerializer.SerializeToUtf8Bytes(new TrackingMessage(individualId, "realmagnet/2026/11/29/run/links-00001.json", 0, events), TrackingMessage.Json);

    private void StoreReads(params Func<DocumentSnapshot>[] snapshots)
    {
        var reads = 0;
        store.Setup(s => s.ReadAsync(Individual, It.IsAny<IReadOnlyCollection<string>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => snapshots[Math.Min(reads++, snapshots.Length - 1)]());
    }

    private void StoreSaves(int conflicts = 0)
    {
        var calls = 0;
        store.Setup(s => s.SaveAsync(Individual, It.IsAny<IReadOnlyList<IndividualDocument>>(), It.IsAny<DocumentSnapshot>(), It.IsAny<CancellationToken>()))
            .Returns<string, IReadOnlyList<IndividualDocument>, DocumentSnapshot, CancellationToken>((_, documents, snapshot, _) =>
            {
                saves.Add((documents.ToList(), snapshot));
                return ++calls <= conflicts ? Task.FromException(new ConcurrencyConflictException(documents[0].Id)) : Task.CompletedTask;
            });
    }

    /// <summary>Fresh documents each call, as a store deserializes them, already holding <paramref name="events"/>.</summary>
    private static DocumentSnapshot SnapshotHolding(string version, params TrackingEvent[] events)
    {
        var documents = IndividualProjection.Apply(Individual, new Dictionary<string, IndividualDocument>(), events).Changed;
        return new DocumentSnapshot(documents.ToDictionary(d => d.Id), documents.ToDictionary(d => d.Id, _ => version));
    }

    [Fact]
    public async Task AMessage_IsAppliedAndTheChangedDocumentsSaved()
    {
        StoreReads(() => DocumentSnapshot.Empty);
        StoreSaves();

        var outcome = await Create().ApplyAsync(MessageId, Body(Individual, Events), CancellationToken.None);

        // Tracking row (delivery and open; also the communications row) and link row.
        Assert.Equal(ApplyOutcome.Done(applied: 3, duplicates: 0, written: 2), outcome);
        var (documents, snapshot) = Assert.Single(saves);
        Assert.Same(DocumentSnapshot.Empty, snapshot);
        var tracking = Assert.Single(documents.OfType<MailingTrackingDocument>());
        Assert.Equal(T0, tracking.ReceivedAt);
        Assert.Equal(1, tracking.OpenCount);
        Assert.Equal(1, Assert.Single(documents.OfType<LinkTrackingDocument>()).ClickCount);
        quarantine.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task AMessageOfAnErasedIndividual_IsDropped_NothingReadOrWritten_AndTheRunLogCountsItByTheErasureId()
    {
        erasures.Erased(Individual);
        var issues = new List<ApplyIssueEntry>();
        runLog.Setup(r => r.WriteApplyIssueAsync(It.IsAny<ApplyIssueEntry>(), It.IsAny<CancellationToken>()))
            .Callback<ApplyIssueEntry, CancellationToken>((entry, _) => issues.Add(entry)).Returns(Task.CompletedTask);

        var outcome = await Create().ApplyAsync(MessageId, Body(Individual, Events), CancellationToken.None);

        Assert.Equal(ApplyOutcome.Erased(3), outcome);
        store.VerifyNoOtherCalls();
        var issue = Assert.Single(issues);
        Assert.Equal(new ApplyIssueEntry("run", ApplyIssueKind.Erased, EmailIntegration.Pipeline.Erasure.ErasureKey.Of(Individual),
            "realmagnet/2026/11/29/run/links-00001.json", null, 3), issue);
        Assert.DoesNotContain(Individual, issue.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherIndividualsTombstone_ChangesNothing()
    {
        erasures.Erased("someone-else");
        StoreReads(() => DocumentSnapshot.Empty);
        StoreSaves();

        var outcome = await Create().ApplyAsync(MessageId, Body(Individual, Events), CancellationToken.None);

        Assert.Equal(ApplyOutcome.Done(applied: 3, duplicates: 0, written: 2), outcome);
    }

    [Fact]
    public async Task OnlyTheDocumentsTheEventsTouch_AreRead()
    {
        IReadOnlyCollection<string>? requested = null;
        store.Setup(s => s.ReadAsync(Individual, It.IsAny<IReadOnlyCollection<string>>(), It.IsAny<CancellationToken>()))
            .Callback<string, IReadOnlyCollection<string>, CancellationToken>((_, ids, _) => requested = ids)
            .ReturnsAsync(DocumentSnapshot.Empty);
        StoreSaves();

        await Create().ApplyAsync(MessageId, Body(Individual, Events), CancellationToken.None);

        Assert.Equal(
            new[]
            {
                DocumentKeys.Tracking(Vendor, "m-1"),
                DocumentKeys.LinkTracking(Vendor, "m-1", "https://example.org/a"), ProfileDocument.DocumentId,
            }.Order(StringComparer.Ordinal),
            requested!.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AConcurrencyConflict_IsRetriedOnAFreshRead_AndKeepsTheOtherWritersEvents()
    {
        var otherWritersOpen = Opened(Individual, "m-1", T0.AddMinutes(30));
        StoreReads(() => DocumentSnapshot.Empty, () => SnapshotHolding("v2", otherWritersOpen));
        StoreSaves(conflicts: 1);

        var outcome = await Create().ApplyAsync(MessageId, Body(Individual, Events), CancellationToken.None);

        Assert.Null(outcome.RejectedReason);
        Assert.Equal(2, saves.Count);
        store.Verify(s => s.ReadAsync(Individual, It.IsAny<IReadOnlyCollection<string>>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
        var (documents, snapshot) = saves[1];
        Assert.Equal("v2", snapshot.VersionOf(DocumentKeys.Tracking(Vendor, "m-1")));
        var tracking = Assert.Single(documents.OfType<MailingTrackingDocument>());
        Assert.Equal(2, tracking.OpenCount);
        Assert.Equal(T0.AddMinutes(30), tracking.OpenedAt);
        // The click is in its link row and in the mailing's tracking document (its activity ledger) too.
        Assert.Equal(5, tracking.AppliedEventIds.Count + documents.OfType<LinkTrackingDocument>().Single().AppliedEventIds.Count);
    }

    [Fact]
    public async Task AConflictAfterTheOtherWriterAppliedTheSameMessage_EndsWithNothingToWrite()
    {
        StoreReads(() => DocumentSnapshot.Empty, () => SnapshotHolding("v2", Events));
        StoreSaves(conflicts: 1);

        var outcome = await Create().ApplyAsync(MessageId, Body(Individual, Events), CancellationToken.None);

        Assert.Equal(ApplyOutcome.Done(applied: 0, duplicates: 3, written: 0), outcome);
        Assert.Single(saves);
    }

    [Fact]
    public async Task AMessageAlreadyApplied_WritesNothing()
    {
        StoreReads(() => SnapshotHolding("v1", Events));

        var outcome = await Create().ApplyAsync(MessageId, Body(Individual, Events), CancellationToken.None);

        Assert.Equal(ApplyOutcome.Done(applied: 0, duplicates: 3, written: 0), outcome);
        store.Verify(s => s.SaveAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<IndividualDocument>>(), It.IsAny<DocumentSnapshot>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task APartlyAppliedMessage_WritesOnlyTheDocumentsItChanges()
    {
        StoreReads(() => SnapshotHolding("v1", Delivery, Open));
        StoreSaves();

        var outcome = await Create().ApplyAsync(MessageId, Body(Individual, Events), CancellationToken.None);

        // The new click: its mailing's tracking document (the activity ledger) and its link row (one fold: one write).
        Assert.Equal(ApplyOutcome.Done(applied: 1, duplicates: 2, written: 2), outcome);
        var written = Assert.Single(saves).Documents;
        Assert.IsType<MailingTrackingDocument>(written[0]);
        Assert.IsType<LinkTrackingDocument>(written[1]);
        Assert.Single(written.Select(d => MailingFold.IdOf(d.Id)).Distinct());
    }

    [Fact]
    public async Task ConflictsThatNeverEnd_FinallyThrow_SoTheHostRetries()
    {
        StoreReads(() => DocumentSnapshot.Empty);
        StoreSaves(conflicts: int.MaxValue);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(
            () => Create().ApplyAsync(MessageId, Body(Individual, Events), CancellationToken.None));

        Assert.Equal(20, saves.Count);
    }

    public static TheoryData<string, byte[]> UnusableBodies => new()
    {
        { "not JSON", Encoding.UTF8.GetBytes("this is not json") },
        { "empty body", [] },
        { "JSON null", Encoding.UTF8.GetBytes("null") },
        { "an array", Encoding.UTF8.GetBytes("[1,2]") },
        { "no individual", Encoding.UTF8.GetBytes("""{"sourceFile":"f","part":0,"events":[]}""") },
        { "no events", Encoding.UTF8.GetBytes("""{"individualId":"ind-1","sourceFile":"f","part":0}""") },
        { "event of another individual", Body(Individual, Delivery, Opened("ind-2", "m-1", T0)) },
        { "event with no individual", Body(Individual, Delivery with { IndividualId = null }) },
        { "event with no id", Body(Individual, Delivery with { EventId = "" }) },
        { "event with no mailing", Body(Individual, Delivery with { MailingId = "" }) },
        { "event missing required fields", Encoding.UTF8.GetBytes("""{"individualId":"ind-1","sourceFile":"f","part":0,"events":[{"eventId":"e1"}]}""") },
        { "unknown event kind", Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Body(Individual, Delivery)).Replace("\"Delivered\"", "\"Exploded\"", StringComparison.Ordinal)) },
    };

    [Theory]
    [MemberData(nameof(UnusableBodies))]
    public async Task AnUnusableMessage_IsRejectedAndKept_AndTheStoreIsNeverTouched(string why, byte[] body)
    {
        var outcome = await Create().ApplyAsync(MessageId, body, CancellationToken.None);

        Assert.False(string.IsNullOrEmpty(outcome.RejectedReason), why);
        Assert.Equal(0, outcome.Applied);
        quarantine.Verify(q => q.RejectMessageAsync(MessageId,
            It.Is<ReadOnlyMemory<byte>>(m => m.ToArray().SequenceEqual(body)), outcome.RejectedReason!, It.IsAny<CancellationToken>()), Times.Once);
        store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task AMessageThatWouldMakeAStoredItemTooLarge_IsRejectedAndKept_WithTheReason_NotRetried()
    {
        StoreReads(() => DocumentSnapshot.Empty);
        store.Setup(s => s.SaveAsync(Individual, It.IsAny<IReadOnlyList<IndividualDocument>>(), It.IsAny<DocumentSnapshot>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new DocumentTooLargeException("mailing|realmagnet|m-1", 1_100_000, MailingFold.MaxStoredBytes));
        var body = Body(Individual, Events);

        var outcome = await Create().ApplyAsync(MessageId, body, CancellationToken.None);

        Assert.Contains("too large", outcome.RejectedReason, StringComparison.Ordinal);
        Assert.Equal(0, outcome.Applied);
        quarantine.Verify(q => q.RejectMessageAsync(MessageId,
            It.Is<ReadOnlyMemory<byte>>(m => m.ToArray().SequenceEqual(body)), outcome.RejectedReason!, It.IsAny<CancellationToken>()), Times.Once);
        store.Verify(s => s.SaveAsync(Individual, It.IsAny<IReadOnlyList<IndividualDocument>>(), It.IsAny<DocumentSnapshot>(), It.IsAny<CancellationToken>()), Times.Once);
    }
}
