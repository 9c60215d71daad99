using System.Text.Json;
using EmailIntegration.Azure.Store;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;
using Xunit;
using static EmailIntegration.UnitTests.Domain.TrackingEvents;

namespace EmailIntegration.UnitTests.Domain;

/// <summary>
/// How large a mailing's fold (every row of one mailing for one individual, stored as one item) gets, against the
/// store's limit (<see cref="MailingFold.MaxStoredBytes"/>, half of Cosmos DB's 2 MB): realistic mailings are far below
/// it, and what passes it is refused whole (the message is quarantined with the reason), never stored cut short.
/// </summary>
public sealed class DocumentSizeTests
{
    private const string Individual = "ind-heavy";

    private static readonly EffectRules AmsRules =
        new(["Newsletter"], ["ams.example.org"], [new InterestCodeRule("https://ams.example.org/*", ["EVT", "CPE"])], 3);

    private static Dictionary<string, int> FoldSizes(IEnumerable<IndividualDocument> changed) =>
        changed.OfType<MailingRowDocument>().GroupBy(d => MailingFold.IdOf(d.Id))
            .ToDictionary(g => g.Key, g => MailingFoldJson.Serialize(g.Key, g.ToList()).Length);

    [Theory]
    [InlineData(200)]
    [InlineData(20)]
    public void TwentyThousandEventsForOneIndividual_KeepEveryFoldUnderTheLimit(int mailings)
    {
        var events = Enumerable.Range(0, 20_000).Select(i =>
        {
            var mailing = "m-" + (i % mailings);
            var at = T0.AddMinutes(i);
            return (i % 5) switch
            {
                0 => Delivered(Individual, mailing, at, "Mailing " + mailing, "Newsletter"),
                1 => Opened(Individual, mailing, at),
                2 => Clicked(Individual, mailing, $"https://ams.example.org/{mailing}/link-{i % 7}?utm_source=email", at, "Link " + (i % 7)),
                3 => Fax(Individual, mailing, "+1 555 01" + (i % 3), at, i % 2 == 0 ? "Sent" : "Busy"),
                _ => Unsubscribed(Individual, mailing, "Group " + (i % 4), at),
            };
        }).ToList();

        var result = IndividualProjection.Apply(Individual, new Dictionary<string, IndividualDocument>(), events, AmsRules);

        Assert.Equal(20_000, result.Applied);
        var sizes = FoldSizes(result.Changed);
        Assert.Equal(mailings, sizes.Count);
        Assert.All(sizes, fold => Assert.True(fold.Value < MailingFold.MaxStoredBytes, $"{fold.Key} is {fold.Value} bytes"));
    }

    [Fact]
    public void AHeavyRealisticMailing_IsAFewPercentOfTheLimit()
    {
        // A delivery, 200 opens, 50 AMS links with 10 clicks each (each a Customer Action and two interest activities), a bounce.
        var events = new List<TrackingEvent> { Delivered(Individual, "m-1", T0, "Annual conference", "Events") };
        events.AddRange(Enumerable.Range(0, 200).Select(i => Opened(Individual, "m-1", T0.AddMinutes(10 + i))));
        events.AddRange(Enumerable.Range(0, 500).Select(i =>
            Clicked(Individual, "m-1", $"https://ams.example.org/conference/session-{i % 50}?utm_campaign=annual", T0.AddHours(1).AddMinutes(i), "Session " + (i % 50))));
        events.Add(Make(TrackingEventKind.Bounced, Individual, "m-1", T0.AddDays(1)));

        var result = IndividualProjection.Apply(Individual, new Dictionary<string, IndividualDocument>(), events, AmsRules);

        var size = Assert.Single(FoldSizes(result.Changed)).Value;
        Assert.Equal(1 + 50 + 50 + 100 + 1, result.Changed.Count(d => d is MailingRowDocument)); // tracking, links, actions, interests, bounce
        Assert.True(size < MailingFold.MaxStoredBytes / 5, $"the fold is {size} bytes");
    }

    [Fact]
    public void TwentyThousandOpensOfOneMailing_PassTheLimit_SoTheStoreRefusesThatFold()
    {
        var events = Enumerable.Range(0, 20_000).Select(i => Opened(Individual, "m-1", T0.AddSeconds(i)));

        var result = IndividualProjection.Apply(Individual, new Dictionary<string, IndividualDocument>(), events);

        var document = Assert.Single(result.Changed.OfType<MailingTrackingDocument>());
        Assert.Equal(20_000, document.OpenCount);
        Assert.True(Assert.Single(FoldSizes(result.Changed)).Value > MailingFold.MaxStoredBytes);
        Assert.True(JsonSerializer.SerializeToUtf8Bytes<IndividualDocument>(document, DocumentJson.Options).Length > MailingFold.MaxStoredBytes);
    }
}
