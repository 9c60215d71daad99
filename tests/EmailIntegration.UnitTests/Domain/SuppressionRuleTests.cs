using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.UnitTests.Domain;

public sealed class SuppressionRuleTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public enum Preference { None, OptedOutOfType, OptedOutOfOther, OptedInToType }

    /// <summary>
    /// Every combination: has a profile, known to the AMS, address valid, do-not-e-mail, the preference for the blast's
    /// mailing type ("Events"), the blast's kind → the verdict and reason.
    /// </summary>
    public static TheoryData<bool, bool, bool, bool, Preference, BlastKind, RecipientVerdict, SuppressionReason?> Table => new()
    {
        { false, false, false, false, Preference.None, BlastKind.Marketing, RecipientVerdict.SendUnknownIndividual, null },
        { true, true, true, false, Preference.None, BlastKind.Marketing, RecipientVerdict.Send, null },
        { true, true, true, false, Preference.OptedOutOfType, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.OptedOut },
        { true, true, true, false, Preference.OptedOutOfOther, BlastKind.Marketing, RecipientVerdict.Send, null },
        { true, true, true, false, Preference.OptedInToType, BlastKind.Marketing, RecipientVerdict.Send, null },
        { true, true, true, true, Preference.None, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.DoNotEmail },
        { true, true, true, true, Preference.OptedOutOfType, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.DoNotEmail },
        { true, true, true, true, Preference.OptedOutOfOther, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.DoNotEmail },
        { true, true, true, true, Preference.OptedInToType, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.DoNotEmail },
        { true, true, false, false, Preference.None, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, true, false, false, Preference.OptedOutOfType, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, true, false, false, Preference.OptedOutOfOther, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, true, false, false, Preference.OptedInToType, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, true, false, true, Preference.None, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, true, false, true, Preference.OptedOutOfType, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, true, false, true, Preference.OptedOutOfOther, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, true, false, true, Preference.OptedInToType, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, false, true, false, Preference.None, BlastKind.Marketing, RecipientVerdict.SendUnknownIndividual, null },
        { true, false, true, false, Preference.OptedOutOfType, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.OptedOut },
        { true, false, true, false, Preference.OptedOutOfOther, BlastKind.Marketing, RecipientVerdict.SendUnknownIndividual, null },
        { true, false, true, false, Preference.OptedInToType, BlastKind.Marketing, RecipientVerdict.SendUnknownIndividual, null },
        { true, false, true, true, Preference.None, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.DoNotEmail },
        { true, false, true, true, Preference.OptedOutOfType, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.DoNotEmail },
        { true, false, true, true, Preference.OptedOutOfOther, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.DoNotEmail },
        { true, false, true, true, Preference.OptedInToType, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.DoNotEmail },
        { true, false, false, false, Preference.None, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, false, false, false, Preference.OptedOutOfType, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, false, false, false, Preference.OptedOutOfOther, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, false, false, false, Preference.OptedInToType, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, false, false, true, Preference.None, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, false, false, true, Preference.OptedOutOfType, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, false, false, true, Preference.OptedOutOfOther, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, false, false, true, Preference.OptedInToType, BlastKind.Marketing, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { false, false, false, false, Preference.None, BlastKind.Transactional, RecipientVerdict.SendUnknownIndividual, null },
        { true, true, true, false, Preference.None, BlastKind.Transactional, RecipientVerdict.Send, null },
        { true, true, true, false, Preference.OptedOutOfType, BlastKind.Transactional, RecipientVerdict.Send, null },
        { true, true, true, false, Preference.OptedOutOfOther, BlastKind.Transactional, RecipientVerdict.Send, null },
        { true, true, true, false, Preference.OptedInToType, BlastKind.Transactional, RecipientVerdict.Send, null },
        { true, true, true, true, Preference.None, BlastKind.Transactional, RecipientVerdict.Send, null },
        { true, true, true, true, Preference.OptedOutOfType, BlastKind.Transactional, RecipientVerdict.Send, null },
        { true, true, true, true, Preference.OptedOutOfOther, BlastKind.Transactional, RecipientVerdict.Send, null },
        { true, true, true, true, Preference.OptedInToType, BlastKind.Transactional, RecipientVerdict.Send, null },
        { true, true, false, false, Preference.None, BlastKind.Transactional, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, true, false, false, Preference.OptedOutOfType, BlastKind.Transactional, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, true, false, false, Preference.OptedOutOfOther, BlastKind.Transactional, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, true, false, false, Preference.OptedInToType, BlastKind.Transactional, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, true, false, true, Preference.None, BlastKind.Transactional, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, true, false, true, Preference.OptedOutOfType, BlastKind.Transactional, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, true, false, true, Preference.OptedOutOfOther, BlastKind.Transactional, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, true, false, true, Preference.OptedInToType, BlastKind.Transactional, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, false, true, false, Preference.None, BlastKind.Transactional, RecipientVerdict.SendUnknownIndividual, null },
        { true, false, true, false, Preference.OptedOutOfType, BlastKind.Transactional, RecipientVerdict.SendUnknownIndividual, null },
        { true, false, true, false, Preference.OptedOutOfOther, BlastKind.Transactional, RecipientVerdict.SendUnknownIndividual, null },
        { true, false, true, false, Preference.OptedInToType, BlastKind.Transactional, RecipientVerdict.SendUnknownIndividual, null },
        { true, false, true, true, Preference.None, BlastKind.Transactional, RecipientVerdict.SendUnknownIndividual, null },
        { true, false, true, true, Preference.OptedOutOfType, BlastKind.Transactional, RecipientVerdict.SendUnknownIndividual, null },
        { true, false, true, true, Preference.OptedOutOfOther, BlastKind.Transactional, RecipientVerdict.SendUnknownIndividual, null },
        { true, false, true, true, Preference.OptedInToType, BlastKind.Transactional, RecipientVerdict.SendUnknownIndividual, null },
        { true, false, false, false, Preference.None, BlastKind.Transactional, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, false, false, false, Preference.OptedOutOfType, BlastKind.Transactional, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, false, false, false, Preference.OptedOutOfOther, BlastKind.Transactional, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, false, false, false, Preference.OptedInToType, BlastKind.Transactional, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, false, false, true, Preference.None, BlastKind.Transactional, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, false, false, true, Preference.OptedOutOfType, BlastKind.Transactional, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, false, false, true, Preference.OptedOutOfOther, BlastKind.Transactional, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
        { true, false, false, true, Preference.OptedInToType, BlastKind.Transactional, RecipientVerdict.Suppress, SuppressionReason.EmailInvalid },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void TheDecision_FollowsTheTable(
        bool hasProfile, bool knownToAms, bool emailValid, bool doNotEmail, Preference preference, BlastKind kind,
        RecipientVerdict verdict, SuppressionReason? reason)
    {
        var profile = hasProfile ? Profile(knownToAms, emailValid, doNotEmail, preference) : null;

        var decision = SuppressionRule.Decide(profile, "Events", kind);

        Assert.Equal(new SuppressionDecision(verdict, reason), decision);
        Assert.Equal(verdict != RecipientVerdict.Suppress, decision.IsSent);
    }

    [Fact]
    public void TheTable_CoversEveryCombination()
    {
        Assert.Equal(2 + (2 * 2 * 2 * 4 * 2), Table.Count());
        Assert.Equal(Table.Count(), Table.Select(row => string.Join('|', row.Take(6))).Distinct().Count());
    }

    [Theory]
    [InlineData("Events", "events")]
    [InlineData("  Member   News ", "member news")]
    [InlineData("ADVOCACY", "Advocacy")]
    public void TheMailingType_MatchesAsUnsubscribesMatchGroups(string preferenceType, string blastType)
    {
        var profile = Profile(knownToAms: true, emailValid: true, doNotEmail: false, Preference.None);
        profile.ApplyAms(new AmsIndividual("a@example.org", CommunicationPreferences: [new AmsCommunicationPreference(preferenceType, OptedOut: true, At)]), At, EffectRules.None);

        Assert.Equal(SuppressionDecision.Suppress(SuppressionReason.OptedOut), SuppressionRule.Decide(profile, blastType, BlastKind.Marketing));
        Assert.Equal(SuppressionDecision.Send, SuppressionRule.Decide(profile, blastType + " Digest", BlastKind.Marketing));
    }

    [Fact]
    public void ASpamComplaint_HoldsBackMarketing_ButNotTransactional()
    {
        var profile = Profile(knownToAms: true, emailValid: true, doNotEmail: false, Preference.None);
        profile.Apply(TrackingEvents.Make(EmailIntegration.Domain.Events.TrackingEventKind.SpamComplaint, "ind-1", "m-1", At), EffectRules.None);

        Assert.True(profile.DoNotEmail);
        Assert.Equal(SuppressionReason.DoNotEmail, SuppressionRule.Decide(profile, "Newsletter", BlastKind.Marketing).Reason);
        Assert.Equal(SuppressionDecision.Send, SuppressionRule.Decide(profile, "Newsletter", BlastKind.Transactional));
    }

    private static ProfileDocument Profile(bool knownToAms, bool emailValid, bool doNotEmail, Preference preference)
    {
        var profile = ProfileDocument.New("ind-1");
        profile.KnownToAms = knownToAms;
        profile.EmailValid = emailValid;
        profile.DoNotEmail = doNotEmail;
        switch (preference)
        {
            case Preference.OptedOutOfType:
                profile.CommunicationPreferences.Add(new CommunicationPreference("Events", OptedOut: true, At, PreferenceSource.VendorUnsubscribe));
                break;
            case Preference.OptedOutOfOther:
                profile.CommunicationPreferences.Add(new CommunicationPreference("Newsletter", OptedOut: true, At, PreferenceSource.Ams));
                break;
            case Preference.OptedInToType:
                profile.CommunicationPreferences.Add(new CommunicationPreference("Events", OptedOut: false, At, PreferenceSource.Ams));
                break;
        }

        return profile;
    }
}
