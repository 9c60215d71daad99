using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;
using EmailIntegration.IntegrationTests.Infrastructure;
using EmailIntegration.Pipeline.Apply;
using Microsoft.Extensions.DependencyInjection;

namespace EmailIntegration.IntegrationTests.Adapters;

public sealed class CosmosIndividualStoreTests : IAsyncLifetime
{
    private IsolatedPipeline pipeline = null!;

    private IIndividualDocumentStore Store => pipeline.Services.GetRequiredService<IIndividualDocumentStore>();

    public async Task InitializeAsync() => pipeline = await IsolatedPipeline.StartAsync();

    public async Task DisposeAsync() => await pipeline.DisposeAsync();

    [Fact]
    public async Task SavedDocument_ReadsBackWithAVersion()
    {
        var document = Delivered("IND-1", "m1", At(1));
        await Store.SaveAsync("IND-1", [document], DocumentSnapshot.Empty, default);

        var snapshot = await Store.ReadAsync("IND-1", [document.Id, "missing"], default);

        var read = Assert.IsType<MailingTrackingDocument>(Assert.Single(snapshot.Documents).Value);
        Assert.Equal(At(1), read.ReceivedAt);
        Assert.NotNull(snapshot.VersionOf(document.Id));
        Assert.Null(snapshot.VersionOf("missing"));
    }

    [Fact]
    public async Task CreatingADocumentThatAlreadyExists_IsAConflict()
    {
        await Store.SaveAsync("IND-1", [Delivered("IND-1", "m1", At(1))], DocumentSnapshot.Empty, default);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            Store.SaveAsync("IND-1", [Delivered("IND-1", "m1", At(2))], DocumentSnapshot.Empty, default));
    }

    [Fact]
    public async Task WritingOverAStaleVersion_IsAConflict_AndKeepsTheNewerWrite()
    {
        var id = DocumentKeys.Tracking("realmagnet", "m1");
        await Store.SaveAsync("IND-1", [Delivered("IND-1", "m1", At(1))], DocumentSnapshot.Empty, default);
        var first = await Store.ReadAsync("IND-1", [id], default);
        var second = await Store.ReadAsync("IND-1", [id], default);

        var opened = (MailingTrackingDocument)first.Documents[id];
        opened.Apply(Event("IND-1", "m1", TrackingEventKind.Opened, At(3)));
        await Store.SaveAsync("IND-1", [opened], first, default);

        var stale = (MailingTrackingDocument)second.Documents[id];
        stale.Apply(Event("IND-1", "m1", TrackingEventKind.Opened, At(4)));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.SaveAsync("IND-1", [stale], second, default));

        var final = (MailingTrackingDocument)(await Store.ReadAsync("IND-1", [id], default)).Documents[id];
        Assert.Equal(At(3), final.OpenedAt);
        Assert.Equal(1, final.OpenCount);
    }

    [Fact]
    public async Task FormPages_AreNewestFirst_AndFollowTheLastRowsKey_WithinOnePartition()
    {
        // Two rows of the same instant (m4, m4b): the id orders them, so no page boundary loses or repeats one.
        var documents = Enumerable.Range(1, 7).Select(day => Delivered("IND-2", $"m{day}", At(day))).Append(Delivered("IND-2", "m4b", At(4))).ToList();
        await Store.SaveAsync("IND-2", documents, DocumentSnapshot.Empty, default);
        await Store.SaveAsync("IND-3", [Delivered("IND-3", "other", At(30))], DocumentSnapshot.Empty, default);

        var seen = new List<string>();
        RowKey? after = null;
        var pages = 0;
        DocumentPage page;
        do
        {
            page = await Store.QueryAsync("IND-2", new FormQuery(DocumentTypes.Tracking, 3, after), default);
            seen.AddRange(page.Documents.Cast<MailingRowDocument>().Select(d => d.MailingId));
            after = page.Documents.Count > 0 ? RowKey.Of(page.Documents[^1]) : after;
            pages++;
        }
        while (page.More && pages < 10);

        Assert.Equal(["m7", "m6", "m5", "m4b", "m4", "m3", "m2", "m1"], seen);
        Assert.Equal(documents.OrderBy(RowKey.Of).Select(d => ((MailingRowDocument)d).MailingId), seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task FormQuery_FiltersByTimeWindowAndVendor()
    {
        var documents = Enumerable.Range(1, 5).Select(day => Delivered("IND-4", $"m{day}", At(day))).ToList();
        await Store.SaveAsync("IND-4", documents, DocumentSnapshot.Empty, default);

        var page = await Store.QueryAsync("IND-4",
            new FormQuery(DocumentTypes.Tracking, 25, From: At(2), To: At(4), Vendor: "realmagnet"), default);
        var otherVendor = await Store.QueryAsync("IND-4",
            new FormQuery(DocumentTypes.Tracking, 25, Vendor: "informz"), default);

        Assert.Equal(["m3", "m2"], page.Documents.Cast<MailingRowDocument>().Select(d => d.MailingId));
        Assert.Empty(otherVendor.Documents);
    }

    [Fact]
    public async Task FormQuery_WithARequiredTime_TakesOnlyTheDocumentsWhereItIsSet()
    {
        // Communications are served from tracking rows: a row with only an open has no delivery, so is no communication.
        var openedOnly = new MailingTrackingDocument
        {
            Id = DocumentKeys.Tracking("realmagnet", "m9"), IndividualId = "IND-5", Vendor = "realmagnet", MailingId = "m9",
        };
        openedOnly.Apply(Event("IND-5", "m9", TrackingEventKind.Opened, At(9)));
        await Store.SaveAsync("IND-5", [Delivered("IND-5", "m1", At(1)), Delivered("IND-5", "m2", At(2)), openedOnly], DocumentSnapshot.Empty, default);

        var delivered = await Store.QueryAsync("IND-5", new FormQuery(DocumentTypes.Tracking, 25, RequiredTime: "receivedAt"), default);
        var all = await Store.QueryAsync("IND-5", new FormQuery(DocumentTypes.Tracking, 25), default);

        Assert.Equal(["m2", "m1"], delivered.Documents.Cast<MailingRowDocument>().Select(d => d.MailingId));
        Assert.Equal(["m9", "m2", "m1"], all.Documents.Cast<MailingRowDocument>().Select(d => d.MailingId));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.QueryAsync("IND-5", new FormQuery(DocumentTypes.Tracking, 25, RequiredTime: "x) OR (1=1"), default));
    }

    [Fact]
    public async Task TheNewestDocumentsRead_PutsTheProfileFirst_ThenTheSettledRowsNewestFirst_WithoutChangeRecords()
    {
        var profile = ProfileDocument.New("IND-6");
        var rows = Enumerable.Range(1, 6).Select(day => Delivered("IND-6", $"m{day}", At(day))).ToList();
        var change = ChangeDocument.Of(EmailIntegration.Domain.Changes.IndividualChange.Create(
            "change-1", "IND-6", EmailIntegration.Domain.Changes.ChangeKind.DoNotEmail,
            new EmailIntegration.Domain.Changes.ChangeValue(DoNotEmail: true), At(20)));
        await Store.SaveAsync("IND-6", [profile, .. rows, change], DocumentSnapshot.Empty, default);

        // Four stored items: the profile and the folds of m6, m5 and m4. The m4 row is at the frontier (an unread fold may
        // hold a row of the same instant that sorts before it), so it waits for the next read.
        var firstFour = await Store.QueryAsync("IND-6", new FormQuery(FormQuery.NewestDocuments, 4), default);
        var whole = await Store.QueryAsync("IND-6", new FormQuery(FormQuery.NewestDocuments, 20), default);

        Assert.Equal([ProfileDocument.DocumentId, rows[5].Id, rows[4].Id], firstFour.Documents.Select(d => d.Id));
        Assert.True(firstFour.More);
        Assert.Equal(7, whole.Documents.Count);
        Assert.False(whole.More);
        Assert.DoesNotContain(whole.Documents, d => d is ChangeDocument);
    }

    [Fact]
    public async Task ASaveThatLosesOneRace_StillWritesTheOtherRows_AndTheRetryFindsThemApplied()
    {
        // The rows of one save are written at once: one stale row is a conflict, the others land (each keeps its events).
        await Store.SaveAsync("IND-7", [Delivered("IND-7", "m1", At(1))], DocumentSnapshot.Empty, default);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.SaveAsync(
            "IND-7", [Delivered("IND-7", "m1", At(1)), Delivered("IND-7", "m2", At(2)), Delivered("IND-7", "m3", At(3))], DocumentSnapshot.Empty, default));

        var read = await Store.ReadAsync("IND-7", [DocumentKeys.Tracking("realmagnet", "m2"), DocumentKeys.Tracking("realmagnet", "m3")], default);
        Assert.Equal(2, read.Documents.Count);
    }

    internal static DateTimeOffset At(int day) => new(2026, 11, day, 9, 30, 0, TimeSpan.Zero);

    internal static TrackingEvent Event(string individualId, string mailingId, TrackingEventKind kind, DateTimeOffset at) => new()
    {
        EventId = EventIdentity.For("realmagnet", mailingId, individualId, kind, at),
        Vendor = "realmagnet",
        Kind = kind,
        IndividualId = individualId,
        MailingId = mailingId,
        MailingName = "Mailing " + mailingId,
        OccurredAt = at,
    };

    private static MailingTrackingDocument Delivered(string individualId, string mailingId, DateTimeOffset at)
    {
        var document = new MailingTrackingDocument
        {
            Id = DocumentKeys.Tracking("realmagnet", mailingId),
            IndividualId = individualId,
            Vendor = "realmagnet",
            MailingId = mailingId,
        };
        document.Apply(Event(individualId, mailingId, TrackingEventKind.Delivered, at));
        return document;
    }
}
