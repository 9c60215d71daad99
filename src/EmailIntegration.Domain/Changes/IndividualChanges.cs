using System.Globalization;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.Domain.Changes;

/// <summary>The profile's values that the change feed reports, as they were read (before a write changes them).</summary>
public sealed record ProfileState(bool EmailValid, string? EmailInvalidReason, bool DoNotEmail, IReadOnlyDictionary<string, (string MailingType, bool OptedOut)> Preferences)
{
    /// <summary>An individual with no profile yet: valid, not do-not-e-mail, no preferences.</summary>
    public static readonly ProfileState None = new(true, null, false, new Dictionary<string, (string, bool)>());

    public static ProfileState Of(ProfileDocument? profile) => profile is null
        ? None
        : new ProfileState(profile.EmailValid, profile.EmailInvalidReason, profile.DoNotEmail,
            profile.CommunicationPreferences
                .GroupBy(p => Normalize.GroupName(p.MailingType), StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (g.First().MailingType, g.First().OptedOut), StringComparer.Ordinal));
}

/// <summary>Whether a scored row (Customer Action, interest activity) was withdrawn, and its time, as read.</summary>
public sealed record ScoredRowState(bool Withdrawn, DateTimeOffset? At)
{
    /// <summary>The state of a scored row, or null for any other document.</summary>
    public static ScoredRowState? Of(IndividualDocument document) => document switch
    {
        CustomerActionDocument a => new ScoredRowState(a.Withdrawn, a.ActionAt),
        InterestActivityDocument i => new ScoredRowState(i.Withdrawn, i.ActivityAt),
        _ => null,
    };
}

/// <summary>
/// Which changes a write makes, for the AMS change feed. Pure: the profile's flags and preferences compared before and
/// after, and the rows that are created (Customer Actions, interest activities, bounces). Ids are deterministic: a
/// profile change by the profile's own change sequence (committed with the profile), a created row by its document id.
/// </summary>
public static class IndividualChanges
{
    /// <summary>The profile's changes from <paramref name="before"/> to <paramref name="after"/>: address validity, do-not-e-mail, then preferences by name.</summary>
    public static IReadOnlyList<(ChangeKind Kind, ChangeValue Value)> Between(ProfileState before, ProfileDocument after)
    {
        ArgumentNullException.ThrowIfNull(before);
        var now = ProfileState.Of(after);
        var changes = new List<(ChangeKind, ChangeValue)>();
        if (now.EmailValid != before.EmailValid)
        {
            changes.Add((ChangeKind.EmailValid, new ChangeValue(EmailValid: now.EmailValid, Reason: now.EmailInvalidReason)));
        }

        if (now.DoNotEmail != before.DoNotEmail)
        {
            changes.Add((ChangeKind.DoNotEmail, new ChangeValue(DoNotEmail: now.DoNotEmail)));
        }

        foreach (var (key, (type, optedOut)) in now.Preferences.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            // A first preference is a change only when it opts out: "not opted out" is what no preference means.
            var was = before.Preferences.TryGetValue(key, out var previous) && previous.OptedOut;
            if (optedOut != was)
            {
                changes.Add((ChangeKind.CommunicationPreference, new ChangeValue(MailingType: type, OptedOut: optedOut)));
            }
        }

        return changes;
    }

    /// <summary>
    /// The change a newly created row means, or null for a row the AMS does not keep. A row born withdrawn (its only
    /// clicks were known to be a machine's) means nothing yet: the AMS never had it, so there is nothing to withdraw.
    /// </summary>
    public static IndividualChange? Created(IndividualDocument document, DateTimeOffset changedAt) => document switch
    {
        CustomerActionDocument { Withdrawn: true } or InterestActivityDocument { Withdrawn: true } => null,
        CustomerActionDocument a => Row(a, ChangeKind.CustomerActionCreated, changedAt,
            new ChangeValue(DocumentId: a.Id, Vendor: a.Vendor, MailingId: a.MailingId, Url: a.Url, OccurredAt: a.ActionAt)),
        InterestActivityDocument i => Row(i, ChangeKind.InterestActivityCreated, changedAt,
            new ChangeValue(DocumentId: i.Id, Vendor: i.Vendor, MailingId: i.MailingId, Url: i.Url, InterestCode: i.InterestCode, OccurredAt: i.ActivityAt)),
        BounceDocument b => Row(b, ChangeKind.Bounce, changedAt,
            new ChangeValue(DocumentId: b.Id, Vendor: b.Vendor, MailingId: b.MailingId, Severity: b.Severity.ToString(),
                UserUnknown: b.UserUnknown, VendorCode: b.VendorCode, OccurredAt: b.BouncedAt)),
        _ => null,
    };

    /// <summary>
    /// The change an existing scored row's withdrawal or reinstatement means, or null when it stayed as it was read. The
    /// id names the person's click the change is about (the one withdrawn, or the one that reinstates), so a retry of the
    /// same write gives the same id, and a later withdrawal or reinstatement of the same row a new one.
    /// </summary>
    public static IndividualChange? Followed(IndividualDocument document, ScoredRowState? atRead, DateTimeOffset changedAt)
    {
        var now = ScoredRowState.Of(document);
        if (atRead is null || now is null || now.Withdrawn == atRead.Withdrawn)
        {
            return null;
        }

        var (kind, click) = (document, now.Withdrawn) switch
        {
            (CustomerActionDocument, true) => (ChangeKind.CustomerActionWithdrawn, atRead.At),
            (CustomerActionDocument, false) => (ChangeKind.CustomerActionReinstated, now.At),
            (_, true) => (ChangeKind.InterestActivityWithdrawn, atRead.At),
            _ => (ChangeKind.InterestActivityReinstated, now.At),
        };
        var value = document switch
        {
            CustomerActionDocument a when a.Withdrawn => new ChangeValue(DocumentId: a.Id, Reason: a.WithdrawnReason),
            InterestActivityDocument i when i.Withdrawn => new ChangeValue(DocumentId: i.Id, Reason: i.WithdrawnReason),
            _ => Created(document, changedAt)!.Value,
        };
        var key = document.Id + "|" + kind + "|" + click?.UtcTicks.ToString(CultureInfo.InvariantCulture);
        return IndividualChange.Create(IndividualChange.IdOf(document.IndividualId, "document", key), document.IndividualId, kind, value, changedAt);
    }

    /// <summary>
    /// Stamps the profile's new changes with the next numbers of its change sequence and keeps them on the profile
    /// (<see cref="ProfileDocument.PendingChanges"/>) until they are in the feed: written with the profile, so a change
    /// exists exactly when the profile that made it was committed. Ticks are spread so one write's changes stay in order.
    /// </summary>
    public static IReadOnlyList<IndividualChange> Stamp(ProfileDocument profile, ProfileState before, DateTimeOffset changedAt)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var stamped = new List<IndividualChange>();
        foreach (var (kind, value) in Between(before, profile))
        {
            profile.ChangeSequence++;
            var change = IndividualChange.Create(
                IndividualChange.IdOf(profile.IndividualId, "profile", profile.ChangeSequence.ToString(CultureInfo.InvariantCulture)),
                profile.IndividualId, kind, value, changedAt.AddTicks(stamped.Count));
            profile.PendingChanges.Add(change);
            stamped.Add(change);
        }

        return stamped;
    }

    private static IndividualChange Row(IndividualDocument document, ChangeKind kind, DateTimeOffset changedAt, ChangeValue value) =>
        IndividualChange.Create(IndividualChange.IdOf(document.IndividualId, "document", document.Id), document.IndividualId, kind, value, changedAt);
}
