using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;
using static EmailIntegration.UnitTests.Domain.TrackingEvents;

namespace EmailIntegration.UnitTests.Domain;

/// <summary>Machine activity is kept on the rows, counted apart, and never scored (see <see cref="MachineActivityRules"/>).</summary>
public sealed class MachineActivityProjectionTests
{
    private const string Individual = "IND-7";
    private const string Mailing = "m-9";
    private static readonly string[] Links =
    [
        "https://www.example-association.org/events/gala",
        "https://www.example-association.org/join",
        "https://www.example-association.org/donate",
    ];

    private static readonly EffectRules Rules = new(
        ["Newsletter"], ["www.example-association.org"],
        [new InterestCodeRule("https://www.example-association.org/events/*", ["EVENTS"])], 3);

    /// <summary>A scanner fetching every link a few seconds after delivery, and a person clicking one an hour later.</summary>
    private static readonly TrackingEvent[] ScannerAndPerson =
    [
        Delivered(Individual, Mailing, T0),
        Clicked(Individual, Mailing, Links[0], T0.AddSeconds(20)),
        Clicked(Individual, Mailing, Links[1], T0.AddSeconds(21)),
        Clicked(Individual, Mailing, Links[2], T0.AddSeconds(22)),
        Clicked(Individual, Mailing, Links[1], T0.AddHours(1)),
    ];

    [Fact]
    public void AScannerBurst_IsKeptOnTheLinkRows_ButScoresOnlyThePersonsClick()
    {
        var documents = Project(ScannerAndPerson);

        var links = documents.OfType<LinkTrackingDocument>().ToDictionary(l => l.Url);
        Assert.Equal((0, 1, "machine", "link-burst"), Counts(links[Links[0]]));
        Assert.Equal((1, 1, "person", "link-burst"), Counts(links[Links[1]]));
        Assert.Equal((0, 1, "machine", "link-burst"), Counts(links[Links[2]]));

        var active = Assert.Single(documents.OfType<CustomerActionDocument>(), a => !a.Withdrawn);
        Assert.Equal(Links[1], active.Url);
        Assert.Equal(T0.AddHours(1), active.ActionAt);
        Assert.All(documents.OfType<CustomerActionDocument>().Where(a => a.Withdrawn), a =>
        {
            Assert.Null(a.ActionAt);
            Assert.Equal("link-burst", a.WithdrawnReason);
        });
        var interest = Assert.Single(documents.OfType<InterestActivityDocument>());
        Assert.True(interest.Withdrawn);
        Assert.Null(interest.ActivityAt);
    }

    [Fact]
    public void AClickAppliedANightBeforeItsDelivery_IsWithdrawnWhenTheDeliveryShowsItCameWithIt()
    {
        var click = Clicked(Individual, Mailing, Links[0], T0.AddSeconds(3));
        var firstNight = ApplyAsTheApplierDoes([], [click]);
        Assert.False(Assert.Single(firstNight.Values.OfType<CustomerActionDocument>()).Withdrawn);

        var secondNight = ApplyAsTheApplierDoes(firstNight, [Delivered(Individual, Mailing, T0)]);

        var action = Assert.Single(secondNight.Values.OfType<CustomerActionDocument>());
        Assert.True(action.Withdrawn);
        Assert.Equal("soon-after-delivery", action.WithdrawnReason);
        Assert.Null(action.ActionAt);
        Assert.Equal(T0.AddSeconds(3), action.SortAt);
        Assert.True(Assert.Single(secondNight.Values.OfType<InterestActivityDocument>()).Withdrawn);
        Assert.Equal("machine", Assert.Single(secondNight.Values.OfType<LinkTrackingDocument>()).Activity);
    }

    [Fact]
    public void ABurstCompletedByALaterMessage_WithdrawsTheScoringOfItsEarlierClicks()
    {
        var night = ApplyAsTheApplierDoes([], [Clicked(Individual, Mailing, Links[0], T0.AddHours(2))]);
        night = ApplyAsTheApplierDoes(night, [Clicked(Individual, Mailing, Links[1], T0.AddHours(2).AddSeconds(1))]);
        Assert.All(night.Values.OfType<CustomerActionDocument>(), a => Assert.False(a.Withdrawn));

        night = ApplyAsTheApplierDoes(night, [Clicked(Individual, Mailing, Links[2], T0.AddHours(2).AddSeconds(2))]);

        Assert.Equal(3, night.Values.OfType<CustomerActionDocument>().Count(a => a.Withdrawn));
        Assert.Equal(3, night.Values.OfType<LinkTrackingDocument>().Count(l => l.Activity == "machine"));
    }

    [Fact]
    public void AWithdrawnAction_ComesBack_WhenAPersonsClickArrives()
    {
        var night = ApplyAsTheApplierDoes([], [Delivered(Individual, Mailing, T0), Clicked(Individual, Mailing, Links[0], T0.AddSeconds(1))]);
        Assert.True(Assert.Single(night.Values.OfType<CustomerActionDocument>()).Withdrawn);

        night = ApplyAsTheApplierDoes(night, [Clicked(Individual, Mailing, Links[0], T0.AddDays(1))]);

        var action = Assert.Single(night.Values.OfType<CustomerActionDocument>());
        Assert.False(action.Withdrawn);
        Assert.Null(action.WithdrawnReason);
        Assert.Equal(T0.AddDays(1), action.ActionAt);
    }

    [Fact]
    public void AVendorFlaggedOpen_AndAnOpenAtDelivery_AreCountedAsMachineOpens()
    {
        var tracking = Assert.Single(Project(
        [
            Opened(Individual, Mailing, T0.AddHours(3)) with { VendorFlaggedMachine = true },
            Opened(Individual, Mailing, T0.AddSeconds(1)),
            Opened(Individual, Mailing, T0.AddHours(5)),
            Delivered(Individual, Mailing, T0),
        ]).OfType<MailingTrackingDocument>());

        Assert.Equal(3, tracking.OpenCount);
        Assert.Equal(1, tracking.PersonOpenCount);
        Assert.Equal(2, tracking.MachineOpenCount);
        Assert.Equal("soon-after-delivery", tracking.MachineOpenReason); // the earliest machine open's
        Assert.Equal("person", tracking.Activity);
    }

    [Fact]
    public void OnlyMachineOpens_MarkTheRowMachine_AndAMailingKnownOnlyFromClicks_IsNoTrackingRow()
    {
        var opened = Assert.Single(Project([Opened(Individual, Mailing, T0) with { VendorFlaggedMachine = true }]).OfType<MailingTrackingDocument>());
        Assert.Equal(("machine", "vendor-flag", T0), (opened.Activity, opened.MachineOpenReason, opened.TrackedAt));

        var clickedOnly = Assert.Single(Project([Clicked(Individual, Mailing, Links[0], T0.AddMinutes(9))]).OfType<MailingTrackingDocument>());
        Assert.Null(clickedOnly.TrackedAt);
        Assert.Null(clickedOnly.Activity);
        Assert.Equal(T0.AddMinutes(9), clickedOnly.SortAt);
    }

    [Fact]
    public void AMailingsActivity_ChangesOnlyThatMailingsRows_OneFold()
    {
        var changed = Project(ScannerAndPerson);

        Assert.Contains(changed, d => d is LinkTrackingDocument);
        Assert.All(changed, d => Assert.Equal(DocumentKeys.Mailing(Vendor, Mailing), MailingFold.IdOf(d.Id)));
    }

    [Fact]
    public void DocumentIdsFollowing_NamesTheOtherLinksDocuments_NotYetRead()
    {
        var saved = ApplyAsTheApplierDoes([], [Clicked(Individual, Mailing, Links[0], T0.AddHours(1))]);
        var delivery = new[] { Delivered(Individual, Mailing, T0) };
        var read = IndividualProjection.DocumentIdsTouchedBy(delivery, Rules).Where(saved.ContainsKey).ToDictionary(id => id, id => saved[id]);

        var following = IndividualProjection.DocumentIdsFollowing(delivery, read, Rules);

        Assert.Equal(
            [
                DocumentKeys.LinkTracking(Vendor, Mailing, Links[0]), DocumentKeys.CustomerAction(Vendor, Mailing, Links[0]),
                DocumentKeys.InterestActivity(Vendor, Mailing, Links[0], "EVENTS"),
            ],
            following);
        Assert.Empty(IndividualProjection.DocumentIdsFollowing([Opened(Individual, Mailing, T0)], read, Rules));
    }

    private static (int Person, int Machine, string? Activity, string? Reason) Counts(LinkTrackingDocument link) =>
        (link.PersonClickCount, link.MachineClickCount, link.Activity, link.MachineClickReason);

    private static IReadOnlyList<IndividualDocument> Project(IEnumerable<TrackingEvent> events) =>
        IndividualProjection.Apply(Individual, new Dictionary<string, IndividualDocument>(), events, Rules).Changed;

    /// <summary>One message: read what it touches and what follows, apply, write back what changed.</summary>
    private static Dictionary<string, IndividualDocument> ApplyAsTheApplierDoes(
        Dictionary<string, IndividualDocument> store, IReadOnlyList<TrackingEvent> message)
    {
        var read = IndividualProjection.DocumentIdsTouchedBy(message, Rules).Where(store.ContainsKey).ToDictionary(id => id, id => store[id]);
        foreach (var id in IndividualProjection.DocumentIdsFollowing(message, read, Rules).Where(store.ContainsKey))
        {
            read[id] = store[id];
        }

        var after = new Dictionary<string, IndividualDocument>(store);
        foreach (var changed in IndividualProjection.Apply(Individual, read, message, Rules).Changed)
        {
            after[changed.Id] = changed;
        }

        return after;
    }
}
