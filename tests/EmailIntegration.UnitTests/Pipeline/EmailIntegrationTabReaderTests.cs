using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Rules;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.Serve;
using Moq;
using Xunit;
using static EmailIntegration.UnitTests.Domain.TrackingEvents;

namespace EmailIntegration.UnitTests.Pipeline;

public sealed class EmailIntegrationTabReaderTests
{
    private const string Individual = "ind-1";

    private readonly Mock<IIndividualDocumentStore> store = new();

    internal static IReadOnlyList<IndividualDocument> DocumentsOf(params EmailIntegration.Domain.Events.TrackingEvent[] events) =>
        IndividualProjection.Apply(events[0].IndividualId!, new Dictionary<string, IndividualDocument>(), events).Changed;

    internal static void SetupForms(Mock<IIndividualDocumentStore> store, string individualId, IReadOnlyList<IndividualDocument> documents, string? linkToken = null)
    {
        store.Setup(s => s.QueryAsync(individualId, It.IsAny<FormQuery>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, FormQuery query, CancellationToken _) => new DocumentPage(
                documents.Where(d => TypeOf(d) == query.DocumentType).ToList(),
                query.DocumentType == DocumentTypes.LinkTracking ? linkToken : null));
    }

    private static string TypeOf(IndividualDocument document) => document switch
    {
        MailingTrackingDocument => DocumentTypes.Tracking,
        LinkTrackingDocument => DocumentTypes.LinkTracking,
        FaxTrackingDocument => DocumentTypes.FaxTracking,
        _ => DocumentTypes.Unsubscribe,
    };

    [Fact]
    public async Task TheTab_HasTheFirstPageOfEveryChildForm()
    {
        SetupForms(store, Individual, DocumentsOf(
            Delivered(Individual, "m-1", T0, "Winter appeal", "Newsletter"),
            Opened(Individual, "m-1", T0.AddHours(1)),
            Clicked(Individual, "m-1", "https://example.org/a", T0.AddHours(2), "Donate"),
            Fax(Individual, "m-2", "+1 555 0100", T0, "Sent"),
            Unsubscribed(Individual, "m-1", "Newsletter", T0.AddDays(1))), linkToken: "+RID:~next");

        var tab = await new EmailIntegrationTabReader(store.Object).GetTabAsync(Individual, CancellationToken.None);

        Assert.NotNull(tab);
        Assert.Equal(Individual, tab.IndividualId);
        Assert.Equal(new TrackingItem(Vendor, "m-1", "Winter appeal", "Newsletter", T0, T0.AddHours(1), 1), Assert.Single(tab.Tracking.Items));
        Assert.Equal(new LinkTrackingItem(Vendor, "m-1", null, "https://example.org/a", "Donate", T0.AddHours(2), 1), Assert.Single(tab.LinkTracking.Items));
        Assert.Equal(new FaxTrackingItem(Vendor, "m-2", null, "+1 555 0100", T0, "Sent"), Assert.Single(tab.FaxTracking.Items));
        Assert.Equal(new UnsubscribeItem(Vendor, "m-1", "Newsletter", T0.AddDays(1)), Assert.Single(tab.Unsubscribes.Items));
        Assert.Null(tab.Tracking.ContinuationToken);
        Assert.Equal("+RID:~next", PageToken.Decode(DocumentTypes.LinkTracking, tab.LinkTracking.ContinuationToken));
        store.Verify(s => s.QueryAsync(Individual, It.Is<FormQuery>(q => q.PageSize == EmailIntegrationTabReader.DefaultPageSize && q.ContinuationToken == null),
            It.IsAny<CancellationToken>()), Times.Exactly(4));
    }

    [Fact]
    public async Task AnIndividualWithNoData_HasNoTab()
    {
        SetupForms(store, Individual, []);

        Assert.Null(await new EmailIntegrationTabReader(store.Object).GetTabAsync(Individual, CancellationToken.None));
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
            () => new EmailIntegrationTabReader(store.Object).GetTabAsync(individualId, CancellationToken.None));

        Assert.Equal("individualId", exception.Parameter);
        store.VerifyNoOtherCalls();
    }

    [Fact]
    public void AnIdOf65Characters_IsRejected_And64Accepted()
    {
        EmailIntegrationTabReader.EnsureValidIndividualId(new string('a', 64));
        Assert.Throws<InvalidRequestException>(() => EmailIntegrationTabReader.EnsureValidIndividualId(new string('a', 65)));
    }
}
