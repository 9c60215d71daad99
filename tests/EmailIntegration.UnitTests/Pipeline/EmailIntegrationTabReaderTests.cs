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

    /// <summary>The store answers each form's query with its documents, and the "any document" probe with the first of all.</summary>
    internal static void SetupForms(Mock<IIndividualDocumentStore> store, string individualId, IReadOnlyList<IndividualDocument> documents, string? linkToken = null)
    {
        // The flags come from a point read of the profile document.
        store.Setup(s => s.ReadAsync(individualId, It.IsAny<IReadOnlyCollection<string>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, IReadOnlyCollection<string> ids, CancellationToken _) => new DocumentSnapshot(
                documents.Where(d => ids.Contains(d.Id)).ToDictionary(d => d.Id), documents.Where(d => ids.Contains(d.Id)).ToDictionary(d => d.Id, _ => "v1")));
        store.Setup(s => s.QueryAsync(individualId, It.IsAny<FormQuery>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, FormQuery query, CancellationToken _) => query.DocumentType == FormQuery.AnyDocumentType
                ? new DocumentPage(documents.Take(1).ToList(), null)
                : new DocumentPage(
                    documents.Where(d => TypeOf(d) == query.DocumentType).ToList(),
                    query.DocumentType == DocumentTypes.LinkTracking ? linkToken : null));
    }

    private static string TypeOf(IndividualDocument document) => document switch
    {
        MailingTrackingDocument => DocumentTypes.Tracking,
        LinkTrackingDocument => DocumentTypes.LinkTracking,
        FaxTrackingDocument => DocumentTypes.FaxTracking,
        UnsubscribeDocument => DocumentTypes.Unsubscribe,
        CommunicationDocument => DocumentTypes.Communication,
        BounceDocument => DocumentTypes.Bounce,
        CustomerActionDocument => DocumentTypes.CustomerAction,
        InterestActivityDocument => DocumentTypes.InterestActivity,
        _ => "other",
    };

    [Fact]
    public async Task TheTab_HasTheFirstPageOfEveryChildForm_AndTheProfileFlags()
    {
        SetupForms(store, Individual, DocumentsOf(
            Delivered(Individual, "m-1", T0, "Winter appeal", "Newsletter"),
            Opened(Individual, "m-1", T0.AddHours(1)),
            Clicked(Individual, "m-1", "https://example.org/a", T0.AddHours(2), "Donate"),
            Fax(Individual, "m-2", "+1 555 0100", T0, "Sent"),
            Unsubscribed(Individual, "m-1", "Newsletter", T0.AddDays(1))), linkToken: "+RID:~next");

        var tab = await Reader(store).GetTabAsync(Individual, PageRequest.FirstPage, CancellationToken.None);

        Assert.NotNull(tab);
        Assert.Equal(Individual, tab.IndividualId);
        // The unsubscribe made a profile (opted out of nothing configured): known and clean.
        Assert.Equal(new ProfileFlags(EmailInvalid: false, DoNotEmail: false), tab.Flags);
        Assert.Equal(ChildForms.All, tab.Forms.Select(f => f.Form));
        Assert.Equal(new TrackingItem(Vendor, "m-1", "Winter appeal", "Newsletter", T0, T0.AddHours(1), 1), Assert.Single(tab["tracking"].Items));
        Assert.Equal(new LinkTrackingItem(Vendor, "m-1", null, "https://example.org/a", "Donate", T0.AddHours(2), 1), Assert.Single(tab["link-tracking"].Items));
        Assert.Equal(new FaxTrackingItem(Vendor, "m-2", null, "+1 555 0100", T0, "Sent"), Assert.Single(tab["fax-tracking"].Items));
        Assert.Equal(new UnsubscribeItem(Vendor, "m-1", "Newsletter", T0.AddDays(1)), Assert.Single(tab["unsubscribes"].Items));
        Assert.Empty(tab["bounces"].Items);
        Assert.Equal(new CommunicationItem(Vendor, "m-1", "Winter appeal", "Newsletter", T0), Assert.Single(tab["communications"].Items));
        Assert.Null(tab["tracking"].ContinuationToken);
        var protector = PageTokenProtector.FromBase64(PageTokenTests.TestKey);
        Assert.Equal("+RID:~next", protector.Unprotect(new PageContext("link-tracking", Individual, null, null, null), tab["link-tracking"].ContinuationToken));
        store.Verify(s => s.QueryAsync(Individual, It.Is<FormQuery>(q => q.PageSize == PageRequest.DefaultPageSize && q.ContinuationToken == null),
            It.IsAny<CancellationToken>()), Times.Exactly(ChildForms.All.Count));
        store.Verify(s => s.ReadAsync(Individual, new[] { ProfileDocument.DocumentId }, It.IsAny<CancellationToken>()), Times.Once);
        store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task FiltersAndPageSize_ReachTheStore()
    {
        SetupForms(store, Individual, DocumentsOf(Delivered(Individual, "m-1", T0)));
        var request = new PageRequest(5, null, T0.AddDays(-1), T0.AddDays(1), "realmagnet");

        await Reader(store).GetPageAsync(Individual, ChildForms.Get("tracking"), request, CancellationToken.None);

        store.Verify(s => s.QueryAsync(Individual, new FormQuery(DocumentTypes.Tracking, 5, null, T0.AddDays(-1), T0.AddDays(1), "realmagnet"),
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
        var token = protector.Protect(new PageContext("tracking", Individual, null, null, "realmagnet"), "+RID:~x");

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
