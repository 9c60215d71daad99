using System.Text.Json;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;
using static EmailIntegration.UnitTests.Domain.TrackingEvents;

namespace EmailIntegration.UnitTests.Domain;

/// <summary>Every effect an event has beyond its child-form row, one table row of the AMS's rules at a time.</summary>
public sealed class EffectsTests
{
    private const string Individual = "IND-000042";
    private const string Mailing = "480001";
    private const string AmsLink = "https://www.example-association.org/events/annual-meeting";
    private const string OtherLink = "https://www.congress.gov/bill/118";
    private static readonly string Address = EmailHash.Of("Member@Example.org")!;

    private static readonly EffectRules Rules = new(
        mailingTypes: ["Newsletter", "Events", "Advocacy"],
        amsHosts: ["www.example-association.org"],
        interestCodeRules:
        [
            new InterestCodeRule("https://www.example-association.org/events/*", ["EVENTS", "MEETINGS"]),
            new InterestCodeRule("*annual-meeting*", ["MEETINGS"]),
        ],
        userUnknownBouncesBeforeInvalid: 3);

    private static ProjectionResult Project(params TrackingEvent[] events) =>
        IndividualProjection.Apply(Individual, new Dictionary<string, IndividualDocument>(), events, Rules);

    private static IEnumerable<T> Documents<T>(ProjectionResult result) => result.Changed.OfType<T>();

    private static ProfileDocument Profile(ProjectionResult result) => Assert.Single(Documents<ProfileDocument>(result));

    [Fact]
    public void Delivery_IsOneTrackingRow_ThatIsAlsoTheCommunicationAsSent()
    {
        var result = Project(Delivered(Individual, Mailing, T0, "November newsletter", "Newsletter"));

        // One document: the communications form serves the tracking rows that have a delivery (ChildForms).
        var tracking = Assert.Single(Documents<MailingTrackingDocument>(result));
        Assert.Equal([tracking.Id], result.Changed.Select(d => d.Id));
        Assert.Equal("November newsletter", tracking.MailingName);
        Assert.Equal("Newsletter", tracking.MailingType);
        Assert.Equal(T0, tracking.ReceivedAt);
        Assert.Equal(T0, tracking.SortAt);
    }

    [Fact]
    public void ClickOnAnAmsLink_CreatesOneCustomerAction_PerMailingAndLink()
    {
        var result = Project(
            Clicked(Individual, Mailing, AmsLink, T0.AddHours(2)),
            Clicked(Individual, Mailing, AmsLink, T0.AddHours(1)),
            Clicked(Individual, "480002", AmsLink, T0.AddHours(3)));

        var actions = Documents<CustomerActionDocument>(result).OrderBy(a => a.MailingId).ToList();
        Assert.Equal(2, actions.Count);
        Assert.Equal(T0.AddHours(1), actions[0].ActionAt);
        Assert.Equal(CustomerActionDocument.LinkClickAction, actions[0].ActionType);
    }

    [Fact]
    public void ClickOnAnotherHost_CreatesNoCustomerAction_AndNoInterest()
    {
        var result = Project(Clicked(Individual, Mailing, OtherLink, T0));

        Assert.Single(Documents<LinkTrackingDocument>(result));
        Assert.Empty(Documents<CustomerActionDocument>(result));
        Assert.Empty(Documents<InterestActivityDocument>(result));
    }

    [Fact]
    public void ClickOnALinkMappedToInterestCodes_CreatesOneLinkClickActivityPerCode()
    {
        var result = Project(
            Clicked(Individual, Mailing, AmsLink, T0),
            Clicked(Individual, Mailing, AmsLink, T0.AddMinutes(5)));

        var activities = Documents<InterestActivityDocument>(result).OrderBy(a => a.InterestCode).ToList();
        Assert.Equal(["EVENTS", "MEETINGS"], activities.Select(a => a.InterestCode));
        Assert.All(activities, a => Assert.Equal(InterestActivityDocument.LinkClickActivity, a.ActivityType));
        Assert.All(activities, a => Assert.Equal(T0, a.ActivityAt));
    }

    [Theory]
    [InlineData("Newsletter", "Newsletter")]
    [InlineData("  newsLETTER ", "Newsletter")]
    [InlineData("Advocacy", "Advocacy")]
    public void UnsubscribeFromAnEmailGroup_OptsOutOfTheMatchingMailingType(string emailGroup, string mailingType)
    {
        var profile = Profile(Project(Unsubscribed(Individual, Mailing, emailGroup, T0)));

        var preference = Assert.Single(profile.CommunicationPreferences);
        Assert.Equal(mailingType, preference.MailingType);
        Assert.True(preference.OptedOut);
        Assert.Equal(PreferenceSource.VendorUnsubscribe, preference.Source);
        Assert.Empty(profile.UnmatchedEmailGroups);
    }

    [Fact]
    public void UnsubscribeFromAGroupWithNoMailingType_IsRecorded_NotDropped()
    {
        var result = Project(Unsubscribed(Individual, Mailing, "Board Only", T0));

        Assert.Single(Documents<UnsubscribeDocument>(result));
        var profile = Profile(result);
        Assert.Empty(profile.CommunicationPreferences);
        var unmatched = Assert.Single(profile.UnmatchedEmailGroups);
        Assert.Equal("Board Only", unmatched.EmailGroup);
        Assert.Equal(Mailing, unmatched.MailingId);
    }

    [Fact]
    public void Bounce_AddsABounceRow_WithSeverityAndVendorReason()
    {
        var bounce = Bounced(BounceSeverity.Soft, userUnknown: false, T0) with { Status = "MailboxFull", Reason = "452 mailbox full" };
        var result = Project(bounce);

        var row = Assert.Single(Documents<BounceDocument>(result));
        Assert.Equal(BounceSeverity.Soft, row.Severity);
        Assert.Equal("MailboxFull", row.VendorCode);
        Assert.Equal("452 mailbox full", row.Reason);
        Assert.Equal(T0, row.BouncedAt);
        Assert.Empty(Documents<ProfileDocument>(result));
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(3, false)]
    [InlineData(5, false)]
    public void HardUserUnknownBounces_MakeTheAddressInvalid_AtTheConfiguredCount(int bounces, bool stillValid)
    {
        var events = Enumerable.Range(0, bounces).Select(i => Bounced(BounceSeverity.Hard, userUnknown: true, T0.AddDays(i))).ToArray();

        var profile = Profile(Project(events));

        Assert.Equal(stillValid, profile.EmailValid);
        Assert.Equal(stillValid, profile.EmailInvalidReason is null);
    }

    [Fact]
    public void SoftOrOtherHardBounces_NeverMakeTheAddressInvalid()
    {
        var events = Enumerable.Range(0, 5).SelectMany(i => new[]
        {
            Bounced(BounceSeverity.Soft, userUnknown: false, T0.AddDays(i)),
            Bounced(BounceSeverity.Hard, userUnknown: false, T0.AddDays(i).AddHours(1)),
        }).ToArray();

        var result = Project(events);

        Assert.Equal(10, Documents<BounceDocument>(result).Count());
        Assert.Empty(Documents<ProfileDocument>(result));
    }

    [Fact]
    public void UserUnknownBounces_CountPerAddress_AndANewAmsAddressIsValidAgain()
    {
        var profile = Profile(Project(
            Bounced(BounceSeverity.Hard, true, T0),
            Bounced(BounceSeverity.Hard, true, T0.AddDays(1)),
            Bounced(BounceSeverity.Hard, true, T0.AddDays(2))));
        profile.ApplyAms(new AmsIndividual("member@example.org"), T0.AddDays(3), Rules);
        Assert.False(profile.EmailValid);

        profile.ApplyAms(new AmsIndividual("new-address@example.org"), T0.AddDays(4), Rules);

        Assert.True(profile.EmailValid);
    }

    [Fact]
    public void SuppressedRecipient_MarksTheAddressInvalid()
    {
        var profile = Profile(Project(Make(TrackingEventKind.Suppressed, Individual, Mailing, T0) with { RecipientEmailHash = Address }));

        Assert.False(profile.EmailValid);
        Assert.Contains("Suppressed", profile.EmailInvalidReason);
    }

    [Fact]
    public void SpamComplaint_SetsDoNotEmail_AndNoImportClearsIt()
    {
        var complaint = Make(TrackingEventKind.SpamComplaint, Individual, Mailing, T0);
        var result = Project(complaint, Delivered(Individual, "480009", T0.AddDays(1)), Unsubscribed(Individual, "480009", "Events", T0.AddDays(2)));

        var profile = Profile(result);
        Assert.True(profile.DoNotEmail);

        profile.ApplyAms(new AmsIndividual("member@example.org", DoNotEmail: false), T0.AddDays(3), Rules);
        Assert.True(profile.DoNotEmail);
    }

    [Fact]
    public void OnlyAnExplicitAmsClear_LiftsDoNotEmail_AndALaterComplaintSetsItAgain()
    {
        var profile = Profile(Project(Make(TrackingEventKind.SpamComplaint, Individual, Mailing, T0)));

        profile.ApplyAms(new AmsIndividual("member@example.org", ClearDoNotEmail: true), T0.AddDays(1), Rules);
        Assert.False(profile.DoNotEmail);

        profile.Apply(Make(TrackingEventKind.SpamComplaint, Individual, "480010", T0.AddDays(2)), Rules);
        Assert.True(profile.DoNotEmail);
    }

    [Fact]
    public void AmsPreferencesAndVendorUnsubscribes_TheLatestChangeWins()
    {
        var profile = Profile(Project(Unsubscribed(Individual, Mailing, "Events", T0)));

        profile.ApplyAms(new AmsIndividual("m@example.org", CommunicationPreferences:
            [new AmsCommunicationPreference("Events", OptedOut: false, ChangedAt: T0.AddDays(1))]), T0.AddDays(1), Rules);
        Assert.False(Assert.Single(profile.CommunicationPreferences).OptedOut);

        profile.Apply(Unsubscribed(Individual, "480011", "events", T0.AddDays(2)), Rules);
        Assert.True(Assert.Single(profile.CommunicationPreferences).OptedOut);
    }

    [Fact]
    public void ProfileEffects_DoNotDependOnTheOrderOfEvents()
    {
        TrackingEvent[] events =
        [
            Unsubscribed(Individual, Mailing, "Events", T0),
            Unsubscribed(Individual, "480002", "Board Only", T0.AddHours(1)),
            Bounced(BounceSeverity.Hard, true, T0.AddHours(2)),
            Bounced(BounceSeverity.Hard, true, T0.AddHours(3)),
            Bounced(BounceSeverity.Hard, true, T0.AddHours(4)),
            Make(TrackingEventKind.SpamComplaint, Individual, Mailing, T0.AddHours(5)),
            Make(TrackingEventKind.Suppressed, Individual, Mailing, T0.AddHours(6)) with { RecipientEmailHash = Address },
        ];
        var expected = Json(Profile(Project(events)));

        foreach (var permutation in new[] { events.Reverse().ToArray(), events.OrderBy(e => e.EventId).ToArray() })
        {
            Assert.Equal(expected, Json(Profile(Project(permutation))));
        }
    }

    [Fact]
    public void EventsOfEveryKind_AppliedTwice_ChangeNothingTheSecondTime()
    {
        TrackingEvent[] events =
        [
            Delivered(Individual, Mailing, T0), Opened(Individual, Mailing, T0.AddHours(1)),
            Clicked(Individual, Mailing, AmsLink, T0.AddHours(2)), Fax(Individual, Mailing, "+15555550100", T0, "Sent"),
            Unsubscribed(Individual, Mailing, "Events", T0.AddHours(3)), Bounced(BounceSeverity.Hard, true, T0.AddHours(4)),
            Make(TrackingEventKind.SpamComplaint, Individual, Mailing, T0.AddHours(5)),
            Make(TrackingEventKind.Suppressed, Individual, Mailing, T0.AddHours(6)),
        ];
        var first = Project(events);

        var again = IndividualProjection.Apply(Individual, first.Changed.ToDictionary(d => d.Id), events, Rules);

        Assert.Empty(again.Changed);
        Assert.Equal(events.Length, again.Duplicates);
        Assert.Equal(0, first.NotProjected);
    }

    private static TrackingEvent Bounced(BounceSeverity severity, bool userUnknown, DateTimeOffset at) =>
        Make(TrackingEventKind.Bounced, Individual, Mailing, at, $"{severity}|{userUnknown}") with
        {
            Bounce = severity, UserUnknown = userUnknown, Status = userUnknown ? "UserNotFound" : severity + "Bounce",
            RecipientEmailHash = Address,
        };

    private static string Json(IndividualDocument document) => JsonSerializer.Serialize(document);
}

public sealed class UnsubscribeFromAllTests
{
    [Fact]
    public void AnUnsubscribeNamingNoGroup_OptsOutOfEveryMailingType()
    {
        var rules = new EffectRules(["Newsletter", "Events"], [], [], 3);
        var unsubscribe = TrackingEvents.Unsubscribed("IND-1", "m-1", null, TrackingEvents.T0);

        var result = IndividualProjection.Apply("IND-1", new Dictionary<string, IndividualDocument>(), [unsubscribe], rules);

        var profile = Assert.Single(result.Changed.OfType<ProfileDocument>());
        Assert.Equal(["Events", "Newsletter"], profile.CommunicationPreferences.Select(p => p.MailingType));
        Assert.All(profile.CommunicationPreferences, p => Assert.True(p.OptedOut));
        Assert.Empty(profile.UnmatchedEmailGroups);
    }
}
