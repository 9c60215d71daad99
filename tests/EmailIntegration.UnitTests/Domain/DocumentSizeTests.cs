using System.Text.Json;
using EmailIntegration.Azure.Store;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Rules;
using Xunit;
using static EmailIntegration.UnitTests.Domain.TrackingEvents;

namespace EmailIntegration.UnitTests.Domain;

public sealed class DocumentSizeTests
{
    private const int CosmosMaxDocumentBytes = 2 * 1024 * 1024;
    private const string Individual = "ind-heavy";

    [Theory]
    [InlineData(200)]
    [InlineData(20)]
    [InlineData(1)]
    public void TwentyThousandEventsForOneIndividual_KeepEveryDocumentUnderTwoMegabytes(int mailings)
    {
        var events = Enumerable.Range(0, 20_000).Select(i =>
        {
            var mailing = "m-" + (i % mailings);
            var at = T0.AddMinutes(i);
            return (i % 5) switch
            {
                0 => Delivered(Individual, mailing, at, "Mailing " + mailing, "Newsletter"),
                1 => Opened(Individual, mailing, at),
                2 => Clicked(Individual, mailing, $"https://example.org/{mailing}/link-{i % 7}?utm_source=email", at, "Link " + (i % 7)),
                3 => Fax(Individual, mailing, "+1 555 01" + (i % 3), at, i % 2 == 0 ? "Sent" : "Busy"),
                _ => Unsubscribed(Individual, mailing, "Group " + (i % 4), at),
            };
        }).ToList();

        var result = IndividualProjection.Apply(Individual, new Dictionary<string, IndividualDocument>(), events);

        Assert.Equal(20_000, result.Applied);
        Assert.All(result.Changed, document =>
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(document, DocumentJson.Options).Length;
            Assert.True(bytes < CosmosMaxDocumentBytes, $"{document.Id} is {bytes} bytes");
        });
        // Unsubscribes also write the profile, clicks their mailing's tracking document (its activity ledger): each event
        // is in every document it touched.
        Assert.Equal(20_000 + 4_000 + 4_000, result.Changed.Sum(d => d.AppliedEventIds.Count));
    }

    [Fact]
    public void TwentyThousandOpensOfOneMailing_StayInOneDocumentUnderTwoMegabytes()
    {
        var events = Enumerable.Range(0, 20_000).Select(i => Opened(Individual, "m-1", T0.AddSeconds(i)));

        var result = IndividualProjection.Apply(Individual, new Dictionary<string, IndividualDocument>(), events);

        var document = Assert.Single(result.Changed.OfType<MailingTrackingDocument>());
        Assert.Equal(2, result.Changed.Count); // and the tab summary, holding a copy without the event ids
        Assert.True(JsonSerializer.SerializeToUtf8Bytes<IndividualDocument>(result.Changed[^1], DocumentJson.Options).Length < 2_000);
        Assert.Equal(20_000, document.OpenCount);
        Assert.True(JsonSerializer.SerializeToUtf8Bytes<IndividualDocument>(document, DocumentJson.Options).Length < CosmosMaxDocumentBytes);
    }
}
