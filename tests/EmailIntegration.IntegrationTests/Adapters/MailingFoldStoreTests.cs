using EmailIntegration.Azure.Configuration;
using EmailIntegration.Azure.Store;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;
using EmailIntegration.IntegrationTests.Infrastructure;
using EmailIntegration.Pipeline.Apply;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static EmailIntegration.IntegrationTests.Adapters.CosmosIndividualStoreTests;

namespace EmailIntegration.IntegrationTests.Adapters;

/// <summary>
/// The Cosmos store's mailing folds (see <see cref="MailingFold"/>) on the real emulator: one write per mailing, rows kept
/// across saves, reads that cover a whole fold, form pages equal to the rows in <see cref="RowKey"/> order whatever the
/// page size and filters, and the size limit.
/// </summary>
public sealed class MailingFoldStoreTests : IAsyncLifetime
{
    private const string RealMagnet = "realmagnet";
    private const string Informz = "informz";

    /// <summary>A click on www.example.org is a Customer Action; one under /events/ also an EVENTS interest activity.</summary>
    private static readonly EffectRules Rules = new(
        ["Newsletter"], ["www.example.org"], [new InterestCodeRule("https://www.example.org/events/*", ["EVENTS"])], 3);

    private static readonly string[] Links =
    [
        "https://www.example.org/events/gala", "https://www.example.org/join", "https://news.example.com/story",
        "https://www.example.org/events/forum",
    ];

    private IsolatedPipeline pipeline = null!;

    private IIndividualDocumentStore Store => pipeline.Services.GetRequiredService<IIndividualDocumentStore>();

    public async Task InitializeAsync() => pipeline = await IsolatedPipeline.StartAsync();

    public async Task DisposeAsync() => await pipeline.DisposeAsync();

    public static TheoryData<int> Seeds => new() { 1, 2, 3, 4, 5 };

    [Fact]
    public async Task ASave_WritesOneItemPerMailing_HoweverManyOfItsRowsChanged()
    {
        const string individual = "IND-W";
        using var counter = new WriteCounter();
        using var client = CountingClient(counter);
        var options = pipeline.Services.GetRequiredService<IOptions<CosmosOptions>>().Value;
        var store = new CosmosIndividualStore(client.GetContainer(options.Database, options.Container));
        const string link = "https://www.example.org/events/spring";

        // m1: a tracking row, a link row, a Customer Action, an interest activity and a bounce (hard, user unknown, so the
        // profile too); m2: a tracking row.
        var night = new[]
        {
            Tracked(individual, RealMagnet, "m1", TrackingEventKind.Delivered, At(1)),
            Tracked(individual, RealMagnet, "m1", TrackingEventKind.Opened, At(1).AddHours(1)),
            Tracked(individual, RealMagnet, "m1", TrackingEventKind.LinkClicked, At(1).AddHours(2), url: link),
            Tracked(individual, RealMagnet, "m1", TrackingEventKind.Bounced, At(1).AddHours(3)) with
            {
                Bounce = BounceSeverity.Hard, UserUnknown = true, Reason = "550 user unknown",
            },
            Tracked(individual, RealMagnet, "m2", TrackingEventKind.Delivered, At(2)),
        };
        var created = IndividualProjection.Apply(individual, new Dictionary<string, IndividualDocument>(), night, Rules).Changed;
        Assert.Equal(
            [DocumentTypes.Bounce, DocumentTypes.CustomerAction, DocumentTypes.InterestActivity, DocumentTypes.LinkTracking,
             DocumentTypes.Profile, DocumentTypes.Tracking, DocumentTypes.Tracking],
            created.Select(DocumentTypes.Of).Order(StringComparer.Ordinal));

        counter.Reset();
        await store.SaveAsync(individual, created, DocumentSnapshot.Empty, default);
        Assert.Equal(3, counter.Writes); // the folds of m1 and m2, and the profile

        // The next night changes rows of both mailings again (a second click, an open): one replace per fold.
        var next = new[]
        {
            Tracked(individual, RealMagnet, "m1", TrackingEventKind.LinkClicked, At(3), url: link),
            Tracked(individual, RealMagnet, "m2", TrackingEventKind.Opened, At(3)),
        };
        var snapshot = await store.ReadAsync(individual, IndividualProjection.DocumentIdsTouchedBy(next, Rules), default);
        var changed = IndividualProjection.Apply(individual, snapshot.Documents, next, Rules).Changed;
        Assert.Contains(changed, d => d is LinkTrackingDocument);
        Assert.Equal(2, changed.OfType<MailingTrackingDocument>().Count());

        counter.Reset();
        await store.SaveAsync(individual, changed, snapshot, default);
        Assert.Equal(2, counter.Writes);

        var stored = await Store.ReadAsync(individual, [DocumentKeys.Tracking(RealMagnet, "m1"), DocumentKeys.Tracking(RealMagnet, "m2")], default);
        Assert.Equal(
            created.OfType<MailingRowDocument>().Select(d => d.Id).Order(StringComparer.Ordinal),
            stored.Documents.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, ((LinkTrackingDocument)stored.Documents[DocumentKeys.LinkTracking(RealMagnet, "m1", link)]).ClickCount);
        Assert.Equal(1, ((MailingTrackingDocument)stored.Documents[DocumentKeys.Tracking(RealMagnet, "m2")]).OpenCount);
    }

    [Fact]
    public async Task RowsOfAMailingTheSaveDidNotInclude_AreKept_AndASaveOverAStaleFoldIsAConflict()
    {
        const string individual = "IND-K";
        var trackingId = DocumentKeys.Tracking(RealMagnet, "m1");
        var link = Clicked(individual, RealMagnet, "m1", Links[2], At(2));
        await Store.SaveAsync(individual, [link], DocumentSnapshot.Empty, default);

        var snapshot = await Store.ReadAsync(individual, [trackingId], default);
        var stale = await Store.ReadAsync(individual, [trackingId], default);
        Assert.Equal([link.Id], snapshot.Documents.Keys);
        await Store.SaveAsync(individual, [Delivered(individual, RealMagnet, "m1", At(1))], snapshot, default);

        var both = await Store.ReadAsync(individual, [trackingId], default);
        Assert.Equal(new[] { link.Id, trackingId }.Order(StringComparer.Ordinal), both.Documents.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1, ((LinkTrackingDocument)both.Documents[link.Id]).ClickCount);
        Assert.Equal(At(1), ((MailingTrackingDocument)both.Documents[trackingId]).ReceivedAt);

        // Written over the fold as first read, this would drop the tracking row: it must lose instead.
        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            Store.SaveAsync(individual, [Delivered(individual, RealMagnet, "m1", At(5))], stale, default));
        Assert.Equal(DocumentKeys.Mailing(RealMagnet, "m1"), conflict.DocumentId);

        var after = await Store.ReadAsync(individual, [link.Id], default);
        Assert.Equal(2, after.Documents.Count);
        Assert.Equal(At(1), ((MailingTrackingDocument)after.Documents[trackingId]).ReceivedAt);
    }

    [Fact]
    public async Task ReadingOneRow_ReturnsEveryRowOfItsMailing_AndCoversThatMailingOnly()
    {
        const string individual = "IND-R";
        var tracking = Delivered(individual, RealMagnet, "m1", At(1));
        var link = Clicked(individual, RealMagnet, "m1", Links[0], At(2));
        var bounce = (BounceDocument)IndividualProjection.Apply(
            individual, new Dictionary<string, IndividualDocument>(),
            [Tracked(individual, RealMagnet, "m1", TrackingEventKind.Bounced, At(3)) with { Bounce = BounceSeverity.Soft }]).Changed.Single();
        var otherMailing = Delivered(individual, RealMagnet, "m2", At(4));
        var otherVendor = Delivered(individual, Informz, "m1", At(5));
        await Store.SaveAsync(individual, [tracking, link, bounce, otherMailing, otherVendor], DocumentSnapshot.Empty, default);

        var snapshot = await Store.ReadAsync(individual, [link.Id], default);

        Assert.Equal(
            new[] { tracking.Id, link.Id, bounce.Id }.Order(StringComparer.Ordinal),
            snapshot.Documents.Keys.Order(StringComparer.Ordinal));
        var absentOfTheSameMailing = DocumentKeys.FaxTracking(RealMagnet, "m1", "+1 555 0100");
        Assert.True(snapshot.Covers(absentOfTheSameMailing));
        Assert.Null(snapshot.VersionOf(absentOfTheSameMailing));
        Assert.True(snapshot.Covers(tracking.Id));
        Assert.False(snapshot.Covers(otherMailing.Id));
        Assert.False(snapshot.Covers(otherVendor.Id));
        Assert.False(snapshot.Covers(DocumentKeys.LinkTracking(RealMagnet, "m2", Links[0])));

        var foldVersion = snapshot.VersionOf(DocumentKeys.Mailing(RealMagnet, "m1"));
        Assert.NotNull(foldVersion);
        Assert.All([tracking.Id, link.Id, bounce.Id], id => Assert.Equal(foldVersion, snapshot.VersionOf(id)));
        Assert.Null(snapshot.VersionOf(DocumentKeys.Mailing(RealMagnet, "m2")));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task FormPages_AreTheRowsInKeyOrder_WhateverThePageSizeAndFilters(int seed)
    {
        var individual = $"IND-P{seed}";
        var random = new Random(seed);
        var documents = IndividualProjection.Apply(
            individual, new Dictionary<string, IndividualDocument>(), RandomNights(individual, random), Rules).Changed.ToList();
        if (!documents.Any(d => d is ProfileDocument))
        {
            documents.Add(ProfileDocument.New(individual));
        }

        await Store.SaveAsync(individual, documents, DocumentSnapshot.Empty, default);
        var rows = documents.OfType<MailingRowDocument>().ToList();
        Assert.Equal(MailingFold.RowTypes.Order(StringComparer.Ordinal), rows.Select(DocumentTypes.Of).Distinct().Order(StringComparer.Ordinal));

        // Ties across mailings must be part of what is tested, not left to chance.
        Assert.Contains(rows.GroupBy(r => r.SortAt), g => g.Select(r => MailingFold.IdOf(r.Id)).Distinct().Count() > 1);

        var instants = rows.Select(r => r.SortAt).Distinct().Order().ToList();
        var from = instants[random.Next(instants.Count / 2)];
        var to = instants[(instants.Count / 2) + random.Next(instants.Count / 2)];
        foreach (var type in MailingFold.RowTypes)
        {
            foreach (var size in new[] { 1, 3, 25 })
            {
                await AssertPagesAreTheTruthAsync(individual, rows, new FormQuery(type, size), seed);
            }

            await AssertPagesAreTheTruthAsync(individual, rows, new FormQuery(type, 3, Vendor: Informz), seed);
            await AssertPagesAreTheTruthAsync(individual, rows, new FormQuery(type, 2, From: from, To: to), seed);
            await AssertPagesAreTheTruthAsync(individual, rows, new FormQuery(type, 1, From: from, To: to, Vendor: RealMagnet), seed);
        }

        // The newest N stored items: the profile, then N - 1 folds newest first; their rows newer than the last fold read
        // are settled (no unread fold can hold a row before them).
        var allInOrder = rows.OrderBy(RowKey.Of).ToList();
        var folds = rows.GroupBy(r => MailingFold.IdOf(r.Id), StringComparer.Ordinal).Select(g => g.Max(r => r.SortAt))
            .OrderDescending().ToList();
        foreach (var items in new[] { 1, 2, 5, 12, folds.Count + 5 })
        {
            var newest = await Store.QueryAsync(individual, new FormQuery(FormQuery.NewestDocuments, items), default);
            var ended = items - 1 > folds.Count;
            var expected = ended ? allInOrder : items == 1 ? [] : allInOrder.Where(r => r.SortAt > folds[items - 2]).ToList();
            Assert.Equal(
                [ProfileDocument.DocumentId, .. expected.Select(r => r.Id)],
                newest.Documents.Select(d => d.Id));
            Assert.Equal(!ended, newest.More);
        }

        // The same read narrowed to some row types (the tab's second read): the newest folds holding any of them, and of
        // their rows only those types, settled the same way; a prefix of those types' rows in key order.
        foreach (var types in new[] { new[] { DocumentTypes.Bounce }, [DocumentTypes.FaxTracking, DocumentTypes.Unsubscribe, DocumentTypes.CustomerAction] })
        {
            var typedInOrder = allInOrder.Where(r => types.Contains(DocumentTypes.Of(r))).ToList();
            var holding = typedInOrder.GroupBy(r => MailingFold.IdOf(r.Id), StringComparer.Ordinal)
                .Select(g => rows.Where(r => MailingFold.IdOf(r.Id) == g.Key).Max(r => r.SortAt)).OrderDescending().ToList();
            foreach (var items in new[] { 1, 3, holding.Count + 1 }.Where(i => i != holding.Count)) // exactly all: either answer is right
            {
                var typed = await Store.QueryAsync(individual, new FormQuery(FormQuery.NewestDocuments, items, RowTypes: types), default);
                var ended = items > holding.Count;
                var expected = ended ? typedInOrder : typedInOrder.Where(r => r.SortAt > holding[items - 1]).ToList();
                Assert.Equal(expected.Select(r => r.Id), typed.Documents.Select(d => d.Id));
                Assert.Equal(!ended, typed.More);
            }
        }
    }

    [Fact]
    public async Task AMailingOverTheSizeLimit_IsRefused_AndNothingOfThatSaveIsWritten()
    {
        const string individual = "IND-L";
        var projected = WithAMailingOverTheLimit(individual, Tracked(individual, RealMagnet, "m2", TrackingEventKind.Delivered, At(2)));
        var huge = projected.OfType<MailingTrackingDocument>().Single(d => d.MailingId == "m1");
        var small = projected.OfType<MailingTrackingDocument>().Single(d => d.MailingId == "m2");
        Assert.True(MailingFoldJson.Serialize(DocumentKeys.Mailing(RealMagnet, "m1"), [huge]).Length > MailingFold.MaxStoredBytes);

        // The small mailing first: a store that wrote items before measuring them all would have written it.
        var refused = await Assert.ThrowsAsync<DocumentTooLargeException>(() =>
            Store.SaveAsync(individual, [small, huge], DocumentSnapshot.Empty, default));

        Assert.Equal(DocumentKeys.Mailing(RealMagnet, "m1"), refused.StoredId);
        Assert.Empty((await Store.ReadAsync(individual, [small.Id, huge.Id], default)).Documents);
        Assert.Empty((await Store.QueryAsync(individual, new FormQuery(FormQuery.AnyDocumentType, 1), default)).Documents);

        await Store.SaveAsync(individual, [small], DocumentSnapshot.Empty, default);
        Assert.Equal([small.Id], (await Store.ReadAsync(individual, [small.Id], default)).Documents.Keys);
    }

    [Fact]
    public async Task ARefusedSave_ReportsNoChangeToTheChangeFeed()
    {
        // The change feed is written ahead of the rows it reports (ChangeCapturingStore): a save the store refuses must not
        // leave behind a bounce the AMS is told about but that never exists (the message is quarantined, never retried).
        const string individual = "IND-F";
        var projected = WithAMailingOverTheLimit(
            individual, Tracked(individual, RealMagnet, "m2", TrackingEventKind.Bounced, At(2)) with { Bounce = BounceSeverity.Soft });
        Assert.Contains(projected, d => d is BounceDocument);

        await Assert.ThrowsAsync<DocumentTooLargeException>(() => Store.SaveAsync(individual, projected, DocumentSnapshot.Empty, default));

        var log = pipeline.Services.GetRequiredService<EmailIntegration.Pipeline.Changes.IChangeLog>();
        var reported = await log.ReadAsync(null, 100, DateTimeOffset.UtcNow.AddMinutes(1), default);
        Assert.Empty(reported.Items.Select(i => i.Change.Kind));
        Assert.Empty((await Store.QueryAsync(individual, new FormQuery(FormQuery.AnyDocumentType, 1), default)).Documents);
    }

    /// <summary>The documents of mailing m1 delivered and opened 20,000 times (its fold over the limit), and of one more event.</summary>
    private static IReadOnlyList<IndividualDocument> WithAMailingOverTheLimit(string individual, TrackingEvent other)
    {
        var opens = Enumerable.Range(0, 20_000)
            .Select(i => Tracked(individual, RealMagnet, "m1", TrackingEventKind.Opened, At(1).AddSeconds(i)));
        return IndividualProjection.Apply(
            individual, new Dictionary<string, IndividualDocument>(),
            [Tracked(individual, RealMagnet, "m1", TrackingEventKind.Delivered, At(1)), .. opens, other]).Changed;
    }

    /// <summary>
    /// Pages through <paramref name="first"/> by the last row's key and asserts the pages are the rows of its type (and
    /// filters) in <see cref="RowKey"/> order: none lost, none twice, every page but the last full, the last saying no more.
    /// </summary>
    private async Task AssertPagesAreTheTruthAsync(string individual, IReadOnlyList<MailingRowDocument> rows, FormQuery first, int seed)
    {
        var expected = rows
            .Where(r => DocumentTypes.Of(r) == first.DocumentType && (first.Vendor is null || r.Vendor == first.Vendor)
                && (first.From is not { } from || r.SortAt >= from) && (first.To is not { } to || r.SortAt < to))
            .OrderBy(RowKey.Of).Select(r => r.Id).ToList();
        var label = $"seed {seed}, {first}";
        var seen = new List<string>();
        var query = first;
        var pages = 0;
        DocumentPage page;
        do
        {
            page = await Store.QueryAsync(individual, query, default);
            pages++;
            Assert.True(page.Documents.Count <= first.PageSize, $"{label}: page {pages} holds {page.Documents.Count} rows");
            Assert.True(!page.More || page.Documents.Count == first.PageSize, $"{label}: page {pages} is short but says more follow");
            seen.AddRange(page.Documents.Select(d => d.Id));
            if (page.Documents.Count > 0)
            {
                query = query with { After = RowKey.Of(page.Documents[^1]) };
            }
        }
        while (page.More && pages <= expected.Count + 1);

        Assert.False(page.More, $"{label}: still more after {pages} pages");
        Assert.True(seen.Count == seen.Distinct(StringComparer.Ordinal).Count(), $"{label}: a row served twice");
        Assert.True(
            expected.SequenceEqual(seen, StringComparer.Ordinal),
            $"{label}: expected [{string.Join(", ", expected)}] but paged [{string.Join(", ", seen)}]");
    }

    /// <summary>
    /// Thirty mailings of two vendors with deliveries, opens, clicks, bounces, faxes and unsubscribes at a few dozen
    /// instants, so rows of different mailings (and of one) share their time; every row type at least once.
    /// </summary>
    private static List<TrackingEvent> RandomNights(string individual, Random random)
    {
        DateTimeOffset Instant() => At(1 + random.Next(8)).AddMinutes(30 * random.Next(3));
        var events = new List<TrackingEvent>();
        for (var m = 0; m < 30; m++)
        {
            var vendor = random.Next(3) == 0 ? Informz : RealMagnet;
            var mailing = $"m{m % 24}";
            TrackingEvent Of(TrackingEventKind kind, string? discriminator = null) =>
                Tracked(individual, vendor, mailing, kind, Instant(), discriminator);

            if (random.Next(5) > 0)
            {
                events.Add(Of(TrackingEventKind.Delivered));
            }

            events.AddRange(Enumerable.Range(0, random.Next(3)).Select(_ => Of(TrackingEventKind.Opened)));
            events.AddRange(Enumerable.Range(0, random.Next(4)).Select(_ => Of(TrackingEventKind.LinkClicked, Links[random.Next(Links.Length)])));
            events.AddRange(Enumerable.Range(0, random.Next(3) == 0 ? 1 + random.Next(2) : 0)
                .Select(i => Of(TrackingEventKind.Bounced, $"bounce-{i}") with { Bounce = BounceSeverity.Soft, Reason = "mailbox full" }));
            if (random.Next(6) == 0)
            {
                events.Add(Of(TrackingEventKind.FaxSent, "+1 555 0100") with { Status = "Sent" });
            }

            if (random.Next(6) == 0)
            {
                events.Add(Of(TrackingEventKind.Unsubscribed, "Newsletter") with { EmailGroup = "Newsletter" });
            }
        }

        events.Add(Tracked(individual, RealMagnet, "m0", TrackingEventKind.FaxSent, Instant(), "+1 555 0199") with { Status = "Sent" });
        events.Add(Tracked(individual, Informz, "m1", TrackingEventKind.Unsubscribed, Instant(), "Newsletter") with { EmailGroup = "Newsletter" });
        events.Add(Tracked(individual, RealMagnet, "m2", TrackingEventKind.LinkClicked, Instant(), Links[0]));
        return events;
    }

    /// <summary>An event of any vendor; the discriminator is the link, fax number or group, and keeps ids distinct.</summary>
    private static TrackingEvent Tracked(
        string individualId, string vendor, string mailingId, TrackingEventKind kind, DateTimeOffset at, string? discriminator = null,
        string? url = null)
    {
        url ??= kind == TrackingEventKind.LinkClicked ? discriminator : null;
        return new TrackingEvent
        {
            EventId = EventIdentity.For(vendor, mailingId, individualId, kind, at, url ?? discriminator),
            Vendor = vendor,
            Kind = kind,
            IndividualId = individualId,
            MailingId = mailingId,
            MailingName = "Mailing " + mailingId,
            OccurredAt = at,
            Url = url,
            FaxNumber = kind == TrackingEventKind.FaxSent ? discriminator : null,
        };
    }

    private static MailingTrackingDocument Delivered(string individualId, string vendor, string mailingId, DateTimeOffset at)
    {
        var document = new MailingTrackingDocument
        {
            Id = DocumentKeys.Tracking(vendor, mailingId), IndividualId = individualId, Vendor = vendor, MailingId = mailingId,
        };
        document.Apply(Tracked(individualId, vendor, mailingId, TrackingEventKind.Delivered, at));
        return document;
    }

    private static LinkTrackingDocument Clicked(string individualId, string vendor, string mailingId, string url, DateTimeOffset at)
    {
        var document = new LinkTrackingDocument
        {
            Id = DocumentKeys.LinkTracking(vendor, mailingId, url), IndividualId = individualId, Vendor = vendor, MailingId = mailingId, Url = url,
        };
        document.Apply(Tracked(individualId, vendor, mailingId, TrackingEventKind.LinkClicked, at, url: url));
        return document;
    }

    /// <summary>
    /// A client of its own on the pipeline's emulator account whose HTTP requests pass <paramref name="counter"/>. Counted on
    /// the wire: the SDK's own request handlers see a create addressed to the container, not yet to <c>/docs</c>.
    /// </summary>
    private CosmosClient CountingClient(WriteCounter counter)
    {
        var options = pipeline.Services.GetRequiredService<IOptions<CosmosOptions>>().Value;
        Assert.True(options.AcceptSelfSignedCertificate, "These tests run on the local emulator.");

        // As CosmosClientFactory does for the emulator (loopback only): one gateway with a self-signed certificate.
        counter.InnerHandler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        };
        var clientOptions = new CosmosClientOptions
        {
            ApplicationName = "EmailIntegration.IntegrationTests",
            ConnectionMode = ConnectionMode.Gateway,
            LimitToEndpoint = true,
            HttpClientFactory = () => new HttpClient(counter, disposeHandler: false),
        };
        return new CosmosClient(options.Endpoint!.ToString(), options.Key, clientOptions);
    }

    /// <summary>Counts the item writes sent: creates (POST) and replaces (PUT) on <c>/docs</c> that are no query.</summary>
    private sealed class WriteCounter : DelegatingHandler
    {
        private int writes;

        public int Writes => Volatile.Read(ref writes);

        public void Reset() => Interlocked.Exchange(ref writes, 0);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var isQuery = request.Headers.Contains("x-ms-documentdb-isquery") || request.Headers.Contains("x-ms-cosmos-is-query-plan-request");
            if ((request.Method == HttpMethod.Post || request.Method == HttpMethod.Put) && !isQuery
                && request.RequestUri!.AbsolutePath.Contains("/docs", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref writes);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
