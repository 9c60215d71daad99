using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Rules;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.Serve;
using Microsoft.Extensions.Configuration;
using Moq;
using Xunit;
using static EmailIntegration.UnitTests.Domain.TrackingEvents;

namespace EmailIntegration.UnitTests.Pipeline;

public sealed class EmailIntegrationTabReaderTests
{
    private const string Individual = "ind-1";

    private readonly Mock<IIndividualDocumentStore> store = new();

    internal static IConfiguration Settings { get; } = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { [PageTokenProtector.KeySetting] = PageTokenTests.TestKey })
        .Build();

    internal static EmailIntegrationTabReader Reader(Mock<IIndividualDocumentStore> store) => new(store.Object, Settings);

    internal static IReadOnlyList<IndividualDocument> DocumentsOf(params EmailIntegration.Domain.Events.TrackingEvent[] events) =>
        IndividualProjection.Apply(events[0].IndividualId!, new Dictionary<string, IndividualDocument>(), events).Changed;

    /// <summary>
    /// The store as an in-memory partition: reads by id; form queries filtered (type, required time, vendor, window),
    /// in <see cref="RowKey"/> order, after the cursor, one page at a time; the newest read as the store folds it (the
    /// profile, then the settled rows of the newest mailings' folds); the "any document" probe answers the first.
    /// </summary>
    internal static void SetupForms(Mock<IIndividualDocumentStore> store, string individualId, IReadOnlyList<IndividualDocument> documents)
    {
        store.Setup(s => s.ReadAsync(individualId, It.IsAny<IReadOnlyCollection<string>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, IReadOnlyCollection<string> ids, CancellationToken _) => new DocumentSnapshot(
                documents.Where(d => ids.Contains(d.Id)).ToDictionary(d => d.Id), documents.Where(d => ids.Contains(d.Id)).ToDictionary(d => d.Id, _ => "v1")));
        store.Setup(s => s.QueryAsync(individualId, It.IsAny<FormQuery>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, FormQuery query, CancellationToken _) =>
            {
                if (query.DocumentType == FormQuery.AnyDocumentType)
                {
                    return new DocumentPage(documents.Take(1).ToList(), documents.Count > 1);
                }

                if (query.DocumentType == FormQuery.NewestDocuments)
                {
                    var profile = query.RowTypes is null ? documents.OfType<ProfileDocument>().ToList() : [];
                    var folds = documents.Where(FirstRows.IsRow).GroupBy(d => MailingFold.IdOf(d.Id))
                        .Select(g => (Key: new RowKey(MailingFold.SortAtOf(g), g.Key),
                            Rows: g.Where(d => query.RowTypes?.Contains(DocumentTypes.Of(d)) ?? true).ToList()))
                        .Where(f => f.Rows.Count > 0).OrderBy(f => f.Key).ToList();
                    var ended = profile.Count + folds.Count <= query.PageSize;
                    var settled = new NewestFirstRows();
                    foreach (var fold in folds.Take(query.PageSize - profile.Count))
                    {
                        settled.Add(fold.Key.SortAt, fold.Rows);
                    }

                    return new DocumentPage([.. profile, .. settled.Settled(ended)], !ended);
                }

                var rows = documents
                    .Where(d => DocumentTypes.Of(d) == query.DocumentType && HasRequiredTime(d, query.RequiredTime))
                    .Where(d => query.Vendor is null || (d as MailingRowDocument)?.Vendor == query.Vendor)
                    .Where(d => (query.From is null || d.SortAt >= query.From) && (query.To is null || d.SortAt < query.To))
                    .Where(d => query.After is not { } after || RowKey.Of(d) > after)
                    .OrderBy(RowKey.Of)
                    .ToList();
                return new DocumentPage(rows.Take(query.PageSize).ToList(), rows.Count > query.PageSize);
            });
    }

    private static bool HasRequiredTime(IndividualDocument document, string? requiredTime) => requiredTime switch
    {
        null => true,
        "receivedAt" => document is MailingTrackingDocument { ReceivedAt: not null },
        "trackedAt" => document is MailingTrackingDocument { TrackedAt: not null },
        "actionAt" => document is CustomerActionDocument { ActionAt: not null },
        "activityAt" => document is InterestActivityDocument { ActivityAt: not null },
        _ => throw new ArgumentException($"No fake for required time {requiredTime}."),
    };

    private static readonly EmailIntegration.Domain.Events.TrackingEvent[] OneOfEach =
    [
        Delivered(Individual, "m-1", T0, "Winter appeal", "Newsletter"),
        Opened(Individual, "m-1", T0.AddHours(1)),
        Clicked(Individual, "m-1", "https://example.org/a", T0.AddHours(2), "Donate"),
        Fax(Individual, "m-2", "+1 555 0100", T0, "Sent"),
        Unsubscribed(Individual, "m-1", "Newsletter", T0.AddDays(1)),
    ];

    private static void AssertOneOfEach(EmailIntegrationTab? tab)
    {
        Assert.NotNull(tab);
        Assert.Equal(Individual, tab.IndividualId);
        // The unsubscribe made a profile (opted out of nothing configured): known and clean.
        Assert.Equal(new ProfileFlags(EmailInvalid: false, DoNotEmail: false), tab.Flags);
        Assert.Equal(ChildForms.All, tab.Forms.Select(f => f.Form));
        Assert.Equal(new TrackingItem(Vendor, "m-1", "Winter appeal", "Newsletter", T0, T0.AddHours(1), 1, 1, 0, "person", null), Assert.Single(tab["tracking"].Items));
        Assert.Equal(new LinkTrackingItem(Vendor, "m-1", null, "https://example.org/a", "Donate", T0.AddHours(2), 1, 1, 0, "person", null), Assert.Single(tab["link-tracking"].Items));
        Assert.Equal(new FaxTrackingItem(Vendor, "m-2", null, "+1 555 0100", T0, "Sent"), Assert.Single(tab["fax-tracking"].Items));
        Assert.Equal(new UnsubscribeItem(Vendor, "m-1", "Newsletter", T0.AddDays(1)), Assert.Single(tab["unsubscribes"].Items));
        Assert.Empty(tab["bounces"].Items);
        Assert.Equal(new CommunicationItem(Vendor, "m-1", "Winter appeal", "Newsletter", T0), Assert.Single(tab["communications"].Items));
        Assert.All(tab.Forms, f => Assert.Null(f.Page.ContinuationToken));
    }

    private static FormQuery NewestRead(int pageSize = PageRequest.DefaultPageSize) =>
        new(FormQuery.NewestDocuments, EmailIntegrationTabReader.NewestDocumentsRead(pageSize));

    [Fact]
    public async Task TheTab_IsOneRead_OfTheNewestDocuments_WithTheFirstPageOfEveryChildForm()
    {
        SetupForms(store, Individual, DocumentsOf(OneOfEach));

        var tab = await Reader(store).GetTabAsync(Individual, PageRequest.FirstPage, CancellationToken.None);

        AssertOneOfEach(tab);
        store.Verify(s => s.QueryAsync(Individual, NewestRead(), It.IsAny<CancellationToken>()), Times.Once);
        store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task AReadThatIsNotWhole_ReadsTheNewestMailingsOfTheFormsItCannotFill_Once()
    {
        // 80 delivered mailings, and one click on the oldest: the read holds 52 of them, not the link row; nothing says
        // which types are absent, so no form is taken as empty from it.
        var events = Enumerable.Range(0, 80).Select(m => Delivered(Individual, "m-" + m, T0.AddHours(m)))
            .Append(Clicked(Individual, "m-0", "https://example.org/a", T0.AddMinutes(5))).ToArray();
        SetupForms(store, Individual, DocumentsOf(events));

        var tab = await Reader(store).GetTabAsync(Individual, PageRequest.FirstPage, CancellationToken.None);

        Assert.Equal(25, tab!["tracking"].Items.Count);
        Assert.Single(tab["link-tracking"].Items);
        Assert.Empty(tab["bounces"].Items);
        store.Verify(s => s.QueryAsync(Individual, NewestRead(), It.IsAny<CancellationToken>()), Times.Once);
        // One more read, of the newest mailings holding a row of any form the first left open (all but tracking and
        // communications): only m-0's, which settles them all.
        store.Verify(s => s.QueryAsync(Individual, It.Is<FormQuery>(q => q.DocumentType == FormQuery.NewestDocuments && q.RowTypes != null
            && q.RowTypes.Order().SequenceEqual(ChildForms.All.Select(f => f.DocumentType).Distinct().Where(t => t != DocumentTypes.Tracking).Order())),
            It.IsAny<CancellationToken>()), Times.Once);
        store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task AFormNeitherReadSettles_IsQueriedOnItsOwn_AndOnlyThen()
    {
        // 150 delivered mailings, the oldest 100 of them bounced, and one fax on the oldest: the first read (the newest 51
        // mailings) holds one bounce; the second (the newest 51 mailings holding a bounce, fax, unsubscribe, link, action
        // or interest row) fills the bounces, not the fax row beyond them.
        var events = Enumerable.Range(0, 150).SelectMany(m => m < 100
                ? new[]
                {
                    Delivered(Individual, "m-" + m, T0.AddHours(m)),
                    Make(EmailIntegration.Domain.Events.TrackingEventKind.Bounced, Individual, "m-" + m, T0.AddHours(m).AddMinutes(1)),
                }
                : [Delivered(Individual, "m-" + m, T0.AddHours(m))])
            .Append(Fax(Individual, "m-0", "+15550100", T0.AddMinutes(2), "Sent")).ToArray();
        SetupForms(store, Individual, DocumentsOf(events));

        var tab = await Reader(store).GetTabAsync(Individual, PageRequest.FirstPage, CancellationToken.None);

        Assert.Equal(25, tab!["bounces"].Items.Count);
        Assert.Single(tab["fax-tracking"].Items);
        store.Verify(s => s.QueryAsync(Individual, It.Is<FormQuery>(q => q.DocumentType == FormQuery.NewestDocuments), It.IsAny<CancellationToken>()),
            Times.Exactly(2));
        store.Verify(s => s.QueryAsync(Individual, It.Is<FormQuery>(q => q.DocumentType == DocumentTypes.FaxTracking), It.IsAny<CancellationToken>()), Times.Once);
        store.Verify(s => s.QueryAsync(Individual, It.Is<FormQuery>(q => q.DocumentType == DocumentTypes.Bounce), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Communications_AreTheTrackingRowsWithADelivery_FromTheNewestReadAndFromAQuery()
    {
        var documents = DocumentsOf(Delivered(Individual, "m-1", T0, "Winter appeal", "Newsletter"), Opened(Individual, "m-2", T0.AddHours(1)));
        SetupForms(store, Individual, documents);
        var page = new PageRequest(ContinuationToken: null);

        var tab = await Reader(store).GetTabAsync(Individual, page, CancellationToken.None);
        var queried = await Reader(store).GetPageAsync(Individual, ChildForms.Get("communications"), page, CancellationToken.None);

        Assert.Equal(["m-2", "m-1"], tab!["tracking"].ItemsOf<TrackingItem>().Select(i => i.MailingId));
        Assert.Equal(new CommunicationItem(Vendor, "m-1", "Winter appeal", "Newsletter", T0), Assert.Single(tab["communications"].Items));
        Assert.Equal(tab["communications"].Items, queried!.Items);
        store.Verify(s => s.QueryAsync(Individual, new FormQuery(DocumentTypes.Tracking, PageRequest.DefaultPageSize, null, null, null, null, "receivedAt"),
            It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData(1, 40, 1)]
    [InlineData(7, 60, 3)]
    [InlineData(25, 120, 10)]
    [InlineData(25, 400, 40)]
    [InlineData(30, 300, 5)]
    public async Task EveryPage_IsTheSame_FromTheNewestDocumentsOrFromQueries(int seed, int mailings, int pageSize)
    {
        // Deliveries, opens (some before their delivery), clicks and bounces, shuffled into message-sized batches.
        var random = new Random(seed);
        var events = Enumerable.Range(0, mailings).SelectMany(m =>
        {
            var at = T0.AddMinutes(random.Next(0, 100_000));
            var mailing = "m-" + m;
            var list = new List<EmailIntegration.Domain.Events.TrackingEvent>
            {
                Delivered(Individual, mailing, at, "Mailing " + m, m % 2 == 0 ? "Newsletter" : "Events"),
                Opened(Individual, mailing, at.AddMinutes(random.Next(-30, 600))),
            };
            if (random.Next(3) == 0)
            {
                list.Add(Clicked(Individual, mailing, $"https://example.org/{m % 5}", at.AddMinutes(random.Next(1, 900))));
            }

            if (random.Next(10) == 0)
            {
                list.Add(Make(EmailIntegration.Domain.Events.TrackingEventKind.Bounced, Individual, mailing, at.AddSeconds(1)));
            }

            return list;
        }).OrderBy(_ => random.Next()).ToList();
        var current = new Dictionary<string, IndividualDocument>(StringComparer.Ordinal);
        foreach (var batch in events.Chunk(1 + random.Next(1, 12)))
        {
            foreach (var changed in IndividualProjection.Apply(Individual, current, batch).Changed)
            {
                current[changed.Id] = changed;
            }
        }

        var partition = new Mock<IIndividualDocumentStore>();
        SetupForms(partition, Individual, current.Values.ToList());
        var request = new PageRequest(PageSize: pageSize);

        var fromTheRead = await Reader(partition).GetTabAsync(Individual, request, CancellationToken.None);

        // A partition the read holds whole answers every first page from it.
        var firstPageQueries = partition.Invocations.Count(i => i.Method.Name == nameof(IIndividualDocumentStore.QueryAsync)
            && ((FormQuery)i.Arguments[1]!) is { After: null, DocumentType: not FormQuery.NewestDocuments });
        Assert.True(current.Count > EmailIntegrationTabReader.NewestDocumentsRead(pageSize) || firstPageQueries == 0,
            $"{firstPageQueries} first pages were queried");

        foreach (var form in ChildForms.All)
        {
            // The first page of each form as its own query gives it, beside the tab's, and so does every page after it.
            var queried = await Reader(partition).GetPageAsync(Individual, form, request, CancellationToken.None);
            Assert.Equal(queried!.Items, fromTheRead![form.Segment].Items);
            Assert.Equal(await AllRowsAsync(partition, form, queried, pageSize),
                await AllRowsAsync(partition, form, fromTheRead[form.Segment], pageSize));
        }
    }

    /// <summary>The first page's rows and every page after it, following the tokens.</summary>
    private static async Task<List<object>> AllRowsAsync(Mock<IIndividualDocumentStore> store, ChildForm form, FormPage first, int pageSize)
    {
        var rows = new List<object>(first.Items);
        var token = first.ContinuationToken;
        for (var pages = 0; token is not null && pages < 1_000; pages++)
        {
            var page = await Reader(store).GetPageAsync(Individual, form, new PageRequest(pageSize, token), CancellationToken.None);
            rows.AddRange(page!.Items);
            token = page.ContinuationToken;
        }

        return rows;
    }

    [Fact]
    public async Task FiltersAndPageSize_ReachTheStore()
    {
        SetupForms(store, Individual, DocumentsOf(Delivered(Individual, "m-1", T0)));
        var request = new PageRequest(5, null, T0.AddDays(-1), T0.AddDays(1), "realmagnet");

        await Reader(store).GetPageAsync(Individual, ChildForms.Get("tracking"), request, CancellationToken.None);

        store.Verify(s => s.QueryAsync(Individual, new FormQuery(DocumentTypes.Tracking, 5, null, T0.AddDays(-1), T0.AddDays(1), "realmagnet", "trackedAt"),
            It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task AnEmptyFirstPage_OfAKnownIndividual_IsAnEmptyPage()
    {
        SetupForms(store, Individual, DocumentsOf(Delivered(Individual, "m-1", T0)));

        var page = await Reader(store).GetPageAsync(Individual, ChildForms.Get("fax-tracking"), PageRequest.FirstPage, CancellationToken.None);

        Assert.NotNull(page);
        Assert.Empty(page.Items);
        Assert.Null(page.ContinuationToken);
    }

    [Fact]
    public async Task TheFlags_ComeFromTheProfile()
    {
        var profile = ProfileDocument.New(Individual);
        profile.Apply(Make(EmailIntegration.Domain.Events.TrackingEventKind.SpamComplaint, Individual, "m-1", T0));
        SetupForms(store, Individual, [.. DocumentsOf(Delivered(Individual, "m-1", T0)), profile]);

        var tab = await Reader(store).GetTabAsync(Individual, PageRequest.FirstPage, CancellationToken.None);

        Assert.Equal(new ProfileFlags(EmailInvalid: false, DoNotEmail: true), tab!.Flags);
    }

    [Fact]
    public async Task AnIndividualWithNoData_HasNoTab_AndNoPages()
    {
        SetupForms(store, Individual, []);
        var reader = Reader(store);

        Assert.Null(await reader.GetTabAsync(Individual, PageRequest.FirstPage, CancellationToken.None));
        Assert.Null(await reader.GetPageAsync(Individual, ChildForms.Get("tracking"), PageRequest.FirstPage, CancellationToken.None));
    }

    [Fact]
    public async Task ATokenForOtherFilters_IsAClientError_AndTheStoreIsNotQueried()
    {
        var protector = PageTokenProtector.FromBase64(PageTokenTests.TestKey);
        var token = protector.Protect(new PageContext("tracking", Individual, null, null, "realmagnet"), PageCursor.Format(new RowKey(T0, "tracking|x")));

        var exception = await Assert.ThrowsAsync<InvalidRequestException>(() => Reader(store).GetPageAsync(
            Individual, ChildForms.Get("tracking"), new PageRequest(ContinuationToken: token, Vendor: "informz"), CancellationToken.None));

        Assert.Equal("continuationToken", exception.Parameter);
        store.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("../x")]
    [InlineData("id with space")]
    [InlineData("ünï")]
    public async Task ABadIndividualId_IsAClientError_AndTheStoreIsNotQueried(string individualId)
    {
        var exception = await Assert.ThrowsAsync<InvalidRequestException>(
            () => Reader(store).GetTabAsync(individualId, PageRequest.FirstPage, CancellationToken.None));

        Assert.Equal("individualId", exception.Parameter);
        store.VerifyNoOtherCalls();
    }

    [Fact]
    public void AnIdOf65Characters_IsRejected_And64Accepted()
    {
        EmailIntegrationTabReader.EnsureValidIndividualId(new string('a', 64));
        Assert.Throws<InvalidRequestException>(() => EmailIntegrationTabReader.EnsureValidIndividualId(new string('a', 65)));
    }

    [Theory]
    [InlineData("0", "pageSize")]
    [InlineData("101", "pageSize")]
    [InlineData("ten", "pageSize")]
    [InlineData("-1", "pageSize")]
    public void AMalformedPageSize_IsAClientError(string pageSize, string parameter) =>
        Assert.Equal(parameter, Assert.Throws<InvalidRequestException>(() => PageRequest.Parse(pageSize, null, null, null, null)).Parameter);

    [Theory]
    [InlineData("yesterday")]
    [InlineData("01/02/2026")]
    [InlineData("2026-13-01")]
    [InlineData("2026-01-01T25:00Z")]
    public void AMalformedDate_IsAClientError(string date)
    {
        Assert.Equal("from", Assert.Throws<InvalidRequestException>(() => PageRequest.Parse(null, null, date, null, null)).Parameter);
        Assert.Equal("to", Assert.Throws<InvalidRequestException>(() => PageRequest.Parse(null, null, null, date, null)).Parameter);
    }

    [Fact]
    public void ValidValues_Parse_AsUtc_WithTheVendorInLowerCase()
    {
        var request = PageRequest.Parse("100", "t", "2026-01-31", "2026-02-01T10:00:00+02:00", "RealMagnet");

        Assert.Equal(new PageRequest(100, "t", new DateTimeOffset(2026, 1, 31, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 2, 1, 8, 0, 0, TimeSpan.Zero), "realmagnet"), request);
        Assert.Equal(PageRequest.FirstPage, PageRequest.Parse(null, "", "", null, ""));
        Assert.Throws<InvalidRequestException>(() => PageRequest.Parse(null, null, "2026-02-01", "2026-01-01", null));
        Assert.Throws<InvalidRequestException>(() => PageRequest.Parse(null, null, null, null, "a@b.example"));
    }
}
