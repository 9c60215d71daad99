using EmailIntegration.Domain.Documents;

namespace EmailIntegration.Pipeline.Individuals;

/// <summary>GET /api/individuals/{id}/profile: the e-mail side of the individual's profile.</summary>
public sealed record IndividualProfile(
    string IndividualId,
    bool KnownToAms,
    string? Email,
    bool EmailValid,
    string? EmailInvalidReason,
    bool DoNotEmail,
    IReadOnlyList<CommunicationPreferenceItem> CommunicationPreferences,
    IReadOnlyList<UnmatchedEmailGroupItem> UnmatchedEmailGroups,
    ProfilePage<CustomerActionItem> CustomerActions,
    ProfilePage<InterestActivityItem> InterestActivities);

public sealed record ProfilePage<T>(IReadOnlyList<T> Items, bool HasMore);

public sealed record CommunicationPreferenceItem(string MailingType, bool OptedOut, DateTimeOffset ChangedAt, string Source);

public sealed record UnmatchedEmailGroupItem(string EmailGroup, string Vendor, string MailingId, DateTimeOffset At);

public sealed record CustomerActionItem(
    string Vendor, string MailingId, string? MailingName, string Url, string ActionType, DateTimeOffset? ActionAt);

public sealed record InterestActivityItem(
    string Vendor, string MailingId, string InterestCode, string Url, string ActivityType, DateTimeOffset? ActivityAt);

public static class ProfileMapping
{
    public static CustomerActionItem ToItem(CustomerActionDocument d) =>
        new(d.Vendor, d.MailingId, d.MailingName, d.Url, d.ActionType, d.ActionAt);

    public static InterestActivityItem ToItem(InterestActivityDocument d) =>
        new(d.Vendor, d.MailingId, d.InterestCode, d.Url, d.ActivityType, d.ActivityAt);

    public static IndividualProfile ToProfile(
        ProfileDocument profile, ProfilePage<CustomerActionItem> actions, ProfilePage<InterestActivityItem> interests) =>
        new(profile.IndividualId,
            profile.KnownToAms,
            profile.Email,
            profile.EmailValid,
            profile.EmailInvalidReason,
            profile.DoNotEmail,
            profile.CommunicationPreferences.Select(p => new CommunicationPreferenceItem(
                p.MailingType, p.OptedOut, p.ChangedAt, p.Source switch { PreferenceSource.Ams => "ams", PreferenceSource.VendorResubscribe => "vendorResubscribe", _ => "vendorUnsubscribe" })).ToList(),
            profile.UnmatchedEmailGroups.Select(g => new UnmatchedEmailGroupItem(g.EmailGroup, g.Vendor, g.MailingId, g.At)).ToList(),
            actions,
            interests);
}
