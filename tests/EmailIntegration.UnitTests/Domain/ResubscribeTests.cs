using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;
using static EmailIntegration.UnitTests.Domain.TrackingEvents;

namespace EmailIntegration.UnitTests.Domain;

/// <summary>A resubscribe to an e-mail group against unsubscribes and AMS preferences: the later change wins, in any order.</summary>
public sealed class ResubscribeTests
{
    private const string Individual = "IND-000042";
    private const string Mailing = "480001";

    private static readonly EffectRules Rules = new(["Newsletter", "Events", "Advocacy"], [], [], 3);

    private static ProfileDocument Profile(params TrackingEvent[] events)
    {
        var result = IndividualProjection.Apply(Individual, new Dictionary<string, IndividualDocument>(), events, Rules);
        return Assert.Single(result.Changed.OfType<ProfileDocument>());
    }

    [Fact]
    public void UnsubscribeThenResubscribe_OptsBackIn_AndAddsNoRow()
    {
        var unsubscribe = Unsubscribed(Individual, Mailing, "Events", T0);
        var resubscribe = Resubscribed(Individual, Mailing, "  events ", T0.AddHours(1));

        foreach (var events in new[] { new[] { unsubscribe, resubscribe }, new[] { resubscribe, unsubscribe } })
        {
            var result = IndividualProjection.Apply(Individual, new Dictionary<string, IndividualDocument>(), events, Rules);

            var preference = Assert.Single(Assert.Single(result.Changed.OfType<ProfileDocument>()).CommunicationPreferences);
            Assert.Equal(("Events", false, T0.AddHours(1), PreferenceSource.VendorResubscribe),
                (preference.MailingType, preference.OptedOut, preference.ChangedAt, preference.Source));
            Assert.Single(result.Changed.OfType<UnsubscribeDocument>()); // the unsubscribe's row only
            Assert.Equal(2, result.Applied);
        }
    }

    [Fact]
    public void ResubscribeThenAnOlderUnsubscribe_StaysOptedIn()
    {
        var profile = Profile(
            Resubscribed(Individual, Mailing, "Newsletter", T0.AddDays(1)),
            Unsubscribed(Individual, "480002", "Newsletter", T0));

        var preference = Assert.Single(profile.CommunicationPreferences);
        Assert.False(preference.OptedOut);
        Assert.Equal(T0.AddDays(1), preference.ChangedAt);
        Assert.False(SuppressionRule.IsOptedOut(profile, "Newsletter"));
    }

    [Fact]
    public void ResubscribeThenALaterUnsubscribe_OptsOutAgain()
    {
        var profile = Profile(
            Unsubscribed(Individual, "480002", "Newsletter", T0.AddDays(2)),
            Resubscribed(Individual, Mailing, "Newsletter", T0.AddDays(1)));

        var preference = Assert.Single(profile.CommunicationPreferences);
        Assert.Equal((true, T0.AddDays(2), PreferenceSource.VendorUnsubscribe), (preference.OptedOut, preference.ChangedAt, preference.Source));
    }

    [Fact]
    public void AtTheSameInstant_TheUnsubscribeWins()
    {
        var unsubscribe = Unsubscribed(Individual, Mailing, "Events", T0);
        var resubscribe = Resubscribed(Individual, Mailing, "Events", T0);

        Assert.True(Assert.Single(Profile(unsubscribe, resubscribe).CommunicationPreferences).OptedOut);
        Assert.True(Assert.Single(Profile(resubscribe, unsubscribe).CommunicationPreferences).OptedOut);
    }

    [Fact]
    public void ResubscribeForAnUnknownGroup_ChangesNoPreference_AndIsNotReportedAsAnUnmatchedUnsubscribe()
    {
        var profile = Profile(Resubscribed(Individual, Mailing, "Board Only", T0));

        Assert.Empty(profile.CommunicationPreferences);
        Assert.Empty(profile.UnmatchedEmailGroups);
    }

    [Fact]
    public void ResubscribeWithNoGroup_OptsInToNothing_UnlikeAnUnsubscribeWithNoGroup()
    {
        var profile = Profile(Unsubscribed(Individual, Mailing, null, T0), Resubscribed(Individual, Mailing, null, T0.AddHours(1)));

        Assert.Equal(["Advocacy", "Events", "Newsletter"], profile.CommunicationPreferences.Select(p => p.MailingType));
        Assert.All(profile.CommunicationPreferences, p => Assert.True(p.OptedOut));
    }

    [Fact]
    public void BetweenAnAmsOptOutAndAResubscribe_TheLaterWins()
    {
        var profile = Profile(Resubscribed(Individual, Mailing, "Advocacy", T0));
        profile.ApplyAms(new AmsIndividual("member@example.org", CommunicationPreferences:
            [new AmsCommunicationPreference("Advocacy", OptedOut: true, T0.AddMinutes(-5))]), T0.AddDays(1), Rules);
        Assert.False(Assert.Single(profile.CommunicationPreferences).OptedOut);

        profile.ApplyAms(new AmsIndividual("member@example.org", CommunicationPreferences:
            [new AmsCommunicationPreference("Advocacy", OptedOut: true, T0.AddMinutes(5))]), T0.AddDays(1), Rules);
        var preference = Assert.Single(profile.CommunicationPreferences);
        Assert.Equal((true, PreferenceSource.Ams), (preference.OptedOut, preference.Source));
    }

    [Fact]
    public void ReplayedResubscribe_IsADuplicate()
    {
        var resubscribe = Resubscribed(Individual, Mailing, "Events", T0);
        var first = IndividualProjection.Apply(Individual, new Dictionary<string, IndividualDocument>(), [resubscribe], Rules);
        var saved = first.Changed.ToDictionary(d => d.Id, d => d);

        var again = IndividualProjection.Apply(Individual, saved, [resubscribe], Rules);

        Assert.Equal((0, 1), (again.Applied, again.Duplicates));
        Assert.Empty(again.Changed);
    }
}
