using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;
using Xunit;
using static EmailIntegration.UnitTests.Domain.TrackingEvents;

namespace EmailIntegration.UnitTests.Domain;

public sealed class IndividualProjectionTests
{
    private const string Individual = "ind-1";
    private const string Mailing = "m-100";

    private static readonly IReadOnlyDictionary<string, IndividualDocument> NoDocuments =
        new Dictionary<string, IndividualDocument>();

    private static ProjectionResult Project(params TrackingEvent[] events) =>
        IndividualProjection.Apply(Individual, NoDocuments, events);

    /// <summary>The one changed document of type T (events also touch correspondence and the profile; see EffectsTests).</summary>
    private static T Single<T>(ProjectionResult result) where T : IndividualDocument =>
        Assert.Single(result.Changed.OfType<T>());

    public static TheoryData<TrackingEvent, Type, string> OneEventOfEachKind => new()
    {
        { Delivered(Individual, Mailing, T0), typeof(MailingTrackingDocument), DocumentKeys.Tracking(Vendor, Mailing) },
        { Opened(Individual, Mailing, T0), typeof(MailingTrackingDocument), DocumentKeys.Tracking(Vendor, Mailing) },
        {
            Clicked(Individual, Mailing, "https://example.org/a", T0), typeof(LinkTrackingDocument),
            DocumentKeys.LinkTracking(Vendor, Mailing, "https://example.org/a")
        },
        {
            Fax(Individual, Mailing, "+1 555 0100", T0, "Sent"), typeof(FaxTrackingDocument),
            DocumentKeys.FaxTracking(Vendor, Mailing, "+1 555 0100")
        },
        {
            Unsubscribed(Individual, Mailing, "Newsletter", T0), typeof(UnsubscribeDocument),
            DocumentKeys.Unsubscribe(Vendor, Mailing, "Newsletter")
        },
    };

    [Theory]
    [MemberData(nameof(OneEventOfEachKind))]
    public void EachEventKind_LandsInItsChildFormRow_WithTheBusinessKeyAsId(TrackingEvent trackingEvent, Type documentType, string expectedId)
    {
        var result = Project(trackingEvent);

        var document = Assert.Single(result.Changed, d => d.GetType() == documentType);
        Assert.Equal(expectedId, document.Id);
        Assert.Equal(Individual, document.IndividualId);
        Assert.Equal(Vendor, ((MailingRowDocument)document).Vendor);
        Assert.Equal(Mailing, ((MailingRowDocument)document).MailingId);
        Assert.Equal(T0, document.SortAt);
        Assert.Equal(new[] { trackingEvent.EventId }, document.AppliedEventIds);
        Assert.Equal(1, result.Applied);
        Assert.Equal(0, result.Duplicates);
    }

    [Fact]
    public void Delivered_SetsTheTrackingRowsReceivedAtAndMailingDescription()
    {
        var document = Single<MailingTrackingDocument>(Project(Delivered(Individual, Mailing, T0, "Winter appeal", "Fundraising")));

        Assert.Equal(T0, document.ReceivedAt);
        Assert.Null(document.OpenedAt);
        Assert.Equal(0, document.OpenCount);
        Assert.Equal("Winter appeal", document.MailingName);
        Assert.Equal("Fundraising", document.MailingType);
    }

    [Fact]
    public void Opened_SetsOpenedAtToTheFirstOpen_AndCountsEveryDistinctOpen()
    {
        var document = Single<MailingTrackingDocument>(Project(
            Opened(Individual, Mailing, T0.AddHours(5)),
            Opened(Individual, Mailing, T0.AddHours(1)),
            Opened(Individual, Mailing, T0.AddHours(3))));

        Assert.Equal(T0.AddHours(1), document.OpenedAt);
        Assert.Equal(3, document.OpenCount);
        Assert.Null(document.ReceivedAt);
    }

    [Fact]
    public void OpenBeforeDelivery_EndsInSameRow_SortedByTheDelivery()
    {
        var open = Opened(Individual, Mailing, T0.AddHours(2));
        var delivery = Delivered(Individual, Mailing, T0);

        var openFirst = Project(open);
        Assert.Equal(T0.AddHours(2), openFirst.Changed[0].SortAt);
        var result = IndividualProjection.Apply(Individual, openFirst.Changed.ToDictionary(d => d.Id), [delivery]);

        var document = Single<MailingTrackingDocument>(result);
        Assert.Same(openFirst.Changed[0], document);
        Assert.Equal(T0, document.ReceivedAt);
        Assert.Equal(T0.AddHours(2), document.OpenedAt);
        Assert.Equal(1, document.OpenCount);
        Assert.Equal(T0, document.SortAt);
    }

    [Fact]
    public void DeliveryDescribesTheMailing_EvenWhenAnOpenWithAnotherNameArrivesFirst()
    {
        var document = Single<MailingTrackingDocument>(Project(
            Opened(Individual, Mailing, T0.AddMinutes(-5), mailingName: "Open's name"),
            Delivered(Individual, Mailing, T0, "Delivery's name", "Newsletter")));

        Assert.Equal("Delivery's name", document.MailingName);
        Assert.Equal("Newsletter", document.MailingType);
    }

    [Fact]
    public void LinkClicked_GivesARowPerLink_WithTheFirstClickAndTheClickCount()
    {
        const string a = "https://example.org/a", b = "https://example.org/b";
        var result = Project(
            Clicked(Individual, Mailing, a, T0.AddMinutes(10)),
            Clicked(Individual, Mailing, b, T0.AddMinutes(20)),
            Clicked(Individual, Mailing, a, T0.AddMinutes(30)));

        Assert.Equal(2, result.Changed.OfType<LinkTrackingDocument>().Count());
        var linkA = result.Changed.OfType<LinkTrackingDocument>().Single(d => d.Url == a);
        var linkB = result.Changed.OfType<LinkTrackingDocument>().Single(d => d.Url == b);
        Assert.Equal(T0.AddMinutes(10), linkA.ClickedAt);
        Assert.Equal(2, linkA.ClickCount);
        Assert.Equal(T0.AddMinutes(10), linkA.SortAt);
        Assert.Equal(T0.AddMinutes(20), linkB.ClickedAt);
        Assert.Equal(1, linkB.ClickCount);
    }

    [Fact]
    public void LinkClicked_LabelAndMailingNameComeFromTheEarliestClick_WhateverTheOrder()
    {
        const string url = "https://example.org/a";
        var late = Clicked(Individual, Mailing, url, T0.AddHours(1), label: "Later label", mailingName: "Later name");
        var early = Clicked(Individual, Mailing, url, T0, label: "First label", mailingName: "First name");

        var lateFirst = Single<LinkTrackingDocument>(Project(late, early));
        var earlyFirst = Single<LinkTrackingDocument>(Project(early, late));

        Assert.Equal(T0, lateFirst.ClickedAt);
        Assert.Equal(T0, earlyFirst.ClickedAt);
        Assert.Equal("First label", lateFirst.Label);
        Assert.Equal("First name", lateFirst.MailingName);
        Assert.Equal("First label", earlyFirst.Label);
    }

    [Fact]
    public void FaxSent_KeepsTheFirstSendTime_AndTheStatusOfTheLatestAttempt()
    {
        const string number = "+1 555 0100";
        var document = Single<FaxTrackingDocument>(Project(
            Fax(Individual, Mailing, number, T0, "Busy"),
            Fax(Individual, Mailing, number, T0.AddMinutes(30), "Delivered"),
            Fax(Individual, Mailing, number, T0.AddMinutes(10), "NoAnswer")));

        Assert.Equal(number, document.FaxNumber);
        Assert.Equal(T0, document.SentAt);
        Assert.Equal("Delivered", document.Status);
        Assert.Equal(T0, document.SortAt);
    }

    [Fact]
    public void Unsubscribed_GivesAnUnsubscribeRowPerEmailGroup_WithTheEarliestDate()
    {
        var result = Project(
            Unsubscribed(Individual, Mailing, "Newsletter", T0.AddDays(1)),
            Unsubscribed(Individual, Mailing, "Events", T0.AddDays(2)),
            Unsubscribed(Individual, Mailing, "Newsletter", T0));

        Assert.Equal(2, result.Changed.OfType<UnsubscribeDocument>().Count());
        var newsletter = result.Changed.OfType<UnsubscribeDocument>().Single(d => d.EmailGroup == "Newsletter");
        Assert.Equal(T0, newsletter.UnsubscribedAt);
        Assert.Equal(T0, newsletter.SortAt);
        Assert.Equal(T0.AddDays(2), result.Changed.OfType<UnsubscribeDocument>().Single(d => d.EmailGroup == "Events").UnsubscribedAt);
    }

    [Fact]
    public void UnsubscribeGroupNames_MatchIgnoringCaseAndWhitespace()
    {
        var result = Project(
            Unsubscribed(Individual, Mailing, "Member  News", T0),
            Unsubscribed(Individual, Mailing, " member news ", T0.AddDays(1)));

        Assert.Single(result.Changed.OfType<UnsubscribeDocument>());
        Assert.Equal(2, result.Applied);
    }

    [Fact]
    public void UnsubscribeGroupSpelling_DoesNotDependOnTheOrderOfArrival()
    {
        var first = Unsubscribed(Individual, Mailing, "Member News", T0);
        var second = Unsubscribed(Individual, Mailing, "member news", T0.AddDays(1));

        var inOrder = Single<UnsubscribeDocument>(Project(first, second));
        var reversed = Single<UnsubscribeDocument>(Project(second, first));

        Assert.Equal(inOrder.EmailGroup, reversed.EmailGroup);
    }

    [Fact]
    public void TheSameEventTwice_CountsOnce_AndIsReportedAsADuplicate()
    {
        var open = Opened(Individual, Mailing, T0);
        var result = Project(open, open);

        var document = Single<MailingTrackingDocument>(result);
        Assert.Equal(1, document.OpenCount);
        Assert.Equal(1, result.Applied);
        Assert.Equal(1, result.Duplicates);
        Assert.Equal(new[] { open.EventId }, document.AppliedEventIds);
    }

    [Fact]
    public void ReplayingEventsOntoTheirOwnDocuments_ChangesNothing()
    {
        TrackingEvent[] events =
        [
            Delivered(Individual, Mailing, T0),
            Opened(Individual, Mailing, T0.AddHours(1)),
            Clicked(Individual, Mailing, "https://example.org/a", T0.AddHours(2)),
        ];
        var first = Project(events);

        var replay = IndividualProjection.Apply(Individual, first.Changed.ToDictionary(d => d.Id), events);

        Assert.Empty(replay.Changed);
        Assert.Equal(0, replay.Applied);
        Assert.Equal(3, replay.Duplicates);
        Assert.Equal(1, first.Changed.OfType<MailingTrackingDocument>().Single().OpenCount);
    }

    [Fact]
    public void AnEventOfAnotherIndividual_ThrowsArgumentException()
    {
        var exception = Assert.Throws<ArgumentException>(() => Project(
            Opened(Individual, Mailing, T0),
            Opened("ind-2", Mailing, T0)));

        Assert.Equal("events", exception.ParamName);
    }

    [Fact]
    public void AnEventWithNoIndividual_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => Project(Make(TrackingEventKind.Opened, null, Mailing, T0)));

    [Theory]
    [InlineData(TrackingEventKind.LinkClicked)]
    [InlineData(TrackingEventKind.FaxSent)]
    public void EventsWithNoRow_AreCountedAsNotProjected(TrackingEventKind kind)
    {
        // LinkClicked without a URL and FaxSent without a number have no row either.
        var result = Project(Make(kind, Individual, Mailing, T0));

        Assert.Empty(result.Changed);
        Assert.Equal(1, result.NotProjected);
        Assert.Equal(0, result.Applied);
    }

    [Fact]
    public void DocumentIdsTouchedBy_NamesEachTouchedDocumentOnce()
    {
        var ids = IndividualProjection.DocumentIdsTouchedBy(
        [
            Delivered(Individual, Mailing, T0),
            Opened(Individual, Mailing, T0.AddHours(1)),
            Clicked(Individual, Mailing, "https://example.org/a", T0),
            Make(TrackingEventKind.Bounced, Individual, Mailing, T0),
        ]);

        Assert.Equal(
            new[]
            {
                DocumentKeys.Tracking(Vendor, Mailing),
                DocumentKeys.LinkTracking(Vendor, Mailing, "https://example.org/a"),
                DocumentKeys.Bounce(Vendor, Mailing, Make(TrackingEventKind.Bounced, Individual, Mailing, T0).EventId),
            },
            ids);
    }

    [Fact]
    public void TheDocumentsGiven_AreUpdatedInPlace_AndReturnedAsChanged()
    {
        var existing = Single<MailingTrackingDocument>(Project(Delivered(Individual, Mailing, T0)));
        var current = new Dictionary<string, IndividualDocument> { [existing.Id] = existing };

        var result = IndividualProjection.Apply(Individual, current, [Opened(Individual, Mailing, T0.AddHours(1))]);

        Assert.Same(existing, Assert.Single(result.Changed.OfType<MailingTrackingDocument>()));
        Assert.Equal(1, existing.OpenCount);
        Assert.Equal(T0, existing.ReceivedAt);
    }
}
