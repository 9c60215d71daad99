using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.Domain.Documents;

/// <summary>
/// The individual's e-mail profile: what the AMS said (address, preferences, do-not-email) merged
/// with what imported events imply (opt-outs, invalid address, spam complaints). One document per
/// individual, id <see cref="DocumentId"/>; it only grows with the rare events that change it.
/// </summary>
public sealed class ProfileDocument : IndividualDocument
{
    public const string DocumentId = "profile";

    /// <summary>False while only vendor tracking has named this id; the AMS has not sent the individual yet.</summary>
    public bool KnownToAms { get; set; }

    /// <summary>The address the AMS holds. Served to the profile screen; never logged.</summary>
    public string? Email { get; set; }

    public string? EmailHash { get; set; }

    public DateTimeOffset? AmsUpdatedAt { get; set; }

    public bool EmailValid { get; set; } = true;

    public string? EmailInvalidReason { get; set; }

    /// <summary>Only transactional e-mail may be sent. Set by a spam complaint; cleared only by the AMS.</summary>
    public bool DoNotEmail { get; set; }

    /// <summary>The AMS's own do-not-email flag, as last sent.</summary>
    public bool AmsDoNotEmail { get; set; }

    /// <summary>When the AMS last cleared do-not-email: complaints before it no longer count.</summary>
    public DateTimeOffset? DoNotEmailClearedAt { get; set; }

    public DateTimeOffset? LatestSpamComplaintAt { get; set; }

    /// <summary>Per address (by hash): user-unknown hard bounces and vendor suppression.</summary>
    public List<AddressHealth> Addresses { get; set; } = [];

    public List<CommunicationPreference> CommunicationPreferences { get; set; } = [];

    /// <summary>Unsubscribes whose e-mail group matched no mailing type: kept and reported, never dropped.</summary>
    public List<UnmatchedEmailGroup> UnmatchedEmailGroups { get; set; } = [];

    /// <summary>How many changes of this profile the change feed has been given (the next change's number follows it).</summary>
    public long ChangeSequence { get; set; }

    /// <summary>Changes committed with this version of the profile and not yet confirmed in the change feed (a handful).</summary>
    public List<Changes.IndividualChange> PendingChanges { get; set; } = [];

    /// <summary>Sorts before every row, so the tab's newest-first read of the partition always holds the profile.</summary>
    public static ProfileDocument New(string individualId) =>
        new() { Id = DocumentId, IndividualId = individualId, SortAt = DateTimeOffset.MaxValue };

    /// <summary>Merges what the AMS sent (PUT /api/individuals/{id}); an explicit AMS action, so it may clear do-not-email.</summary>
    public void ApplyAms(AmsIndividual individual, DateTimeOffset receivedAt, EffectRules rules)
    {
        KnownToAms = true;
        AmsUpdatedAt = receivedAt;
        Email = individual.Email;
        EmailHash = Events.EmailHash.Of(individual.Email);
        if (individual.DoNotEmail is { } doNotEmail)
        {
            AmsDoNotEmail = doNotEmail;
        }

        // A routine sync that says "false" must not undo a complaint the AMS may not know of yet:
        // clearing it is a separate, explicit action.
        if (individual.ClearDoNotEmail)
        {
            DoNotEmailClearedAt = receivedAt;
        }

        foreach (var preference in individual.CommunicationPreferences ?? [])
        {
            SetPreference(preference.MailingType, preference.OptedOut, preference.ChangedAt ?? receivedAt, PreferenceSource.Ams);
        }

        Recompute(rules);
    }

    protected override void ApplyNew(TrackingEvent trackingEvent, EffectRules rules)
    {
        switch (trackingEvent.Kind)
        {
            case TrackingEventKind.Unsubscribed:
                var types = rules.MailingTypesOptedOutBy(trackingEvent.EmailGroup);
                foreach (var type in types)
                {
                    SetPreference(type, optedOut: true, trackingEvent.OccurredAt, PreferenceSource.VendorUnsubscribe);
                }

                if (types.Count == 0)
                {
                    RecordUnmatchedGroup(new UnmatchedEmailGroup(
                        trackingEvent.EmailGroup ?? string.Empty, trackingEvent.Vendor, trackingEvent.MailingId, trackingEvent.OccurredAt));
                }

                break;
            case TrackingEventKind.Resubscribed:
                // Same "later change wins" as unsubscribes, so the order the two arrive in does not matter. A group that
                // matches no type changes nothing: the unmatched list reports opt-outs we could not apply, and an opt-in
                // we cannot apply withholds nothing.
                foreach (var type in rules.MailingTypesOptedInBy(trackingEvent.EmailGroup))
                {
                    SetPreference(type, optedOut: false, trackingEvent.OccurredAt, PreferenceSource.VendorResubscribe);
                }

                break;
            case TrackingEventKind.Bounced when trackingEvent is { Bounce: BounceSeverity.Hard, UserUnknown: true }:
                Address(trackingEvent.RecipientEmailHash).UserUnknownBounces++;
                break;
            case TrackingEventKind.Suppressed:
                var address = Address(trackingEvent.RecipientEmailHash);
                address.SuppressedAt = address.SuppressedAt is { } at && at <= trackingEvent.OccurredAt ? at : trackingEvent.OccurredAt;
                break;
            case TrackingEventKind.SpamComplaint:
                LatestSpamComplaintAt = LatestSpamComplaintAt is { } latest && latest >= trackingEvent.OccurredAt
                    ? latest : trackingEvent.OccurredAt;
                break;
            default:
                throw new ArgumentException($"The profile does not take {trackingEvent.Kind} events.", nameof(trackingEvent));
        }

        Recompute(rules);
    }

    /// <summary>One entry per (vendor, mailing, group): the earliest unsubscribe, so the list stays small and order-independent.</summary>
    private void RecordUnmatchedGroup(UnmatchedEmailGroup candidate)
    {
        var key = UnmatchedEmailGroup.KeyOf(candidate);
        var index = UnmatchedEmailGroups.FindIndex(g => UnmatchedEmailGroup.KeyOf(g) == key);
        if (index < 0)
        {
            var position = UnmatchedEmailGroups.BinarySearch(candidate, UnmatchedEmailGroup.Comparer);
            UnmatchedEmailGroups.Insert(position < 0 ? ~position : position, candidate);
        }
        else if (UnmatchedEmailGroup.Earlier(candidate, UnmatchedEmailGroups[index]))
        {
            UnmatchedEmailGroups[index] = candidate;
        }
    }

    /// <summary>Latest change wins; at the same instant an opt-out beats an opt-in. Order-independent.</summary>
    private void SetPreference(string mailingType, bool optedOut, DateTimeOffset changedAt, PreferenceSource source)
    {
        var normalized = Normalize.GroupName(mailingType);
        var existing = CommunicationPreferences.FirstOrDefault(p => Normalize.GroupName(p.MailingType) == normalized);
        if (existing is null)
        {
            CommunicationPreferences.Add(new CommunicationPreference(mailingType, optedOut, changedAt, source));
            CommunicationPreferences.Sort((a, b) => string.CompareOrdinal(Normalize.GroupName(a.MailingType), Normalize.GroupName(b.MailingType)));
            return;
        }

        var later = changedAt > existing.ChangedAt || (changedAt == existing.ChangedAt && optedOut && !existing.OptedOut);
        if (later)
        {
            CommunicationPreferences[CommunicationPreferences.IndexOf(existing)] =
                existing with { OptedOut = optedOut, ChangedAt = changedAt, Source = source };
        }
    }

    /// <summary>An event with no address hash is about whatever address the vendor had: counted as unknown.</summary>
    private AddressHealth Address(string? emailHash)
    {
        var key = emailHash ?? AddressHealth.UnknownAddress;
        var address = Addresses.FirstOrDefault(a => a.EmailHash == key);
        if (address is null)
        {
            address = new AddressHealth { EmailHash = key };
            Addresses.Add(address);
            Addresses.Sort((a, b) => string.CompareOrdinal(a.EmailHash, b.EmailHash));
        }

        return address;
    }

    private void Recompute(EffectRules rules)
    {
        // The AMS's current address decides; before the AMS sends one, any address the vendors reported counts.
        var relevant = Addresses.Where(a => EmailHash is null || a.EmailHash == EmailHash || a.EmailHash == AddressHealth.UnknownAddress).ToList();
        EmailInvalidReason = relevant.Any(a => a.SuppressedAt is not null)
            ? "Suppressed by the vendor."
            : relevant.Any(a => a.UserUnknownBounces >= rules.UserUnknownBouncesBeforeInvalid)
                ? $"{rules.UserUnknownBouncesBeforeInvalid} or more hard \"user unknown\" bounces."
                : null;
        EmailValid = EmailInvalidReason is null;
        DoNotEmail = AmsDoNotEmail || (LatestSpamComplaintAt is { } complaint && (DoNotEmailClearedAt is not { } cleared || complaint > cleared));
    }
}

public sealed class AddressHealth
{
    public const string UnknownAddress = "unknown";

    public required string EmailHash { get; init; }

    public int UserUnknownBounces { get; set; }

    public DateTimeOffset? SuppressedAt { get; set; }
}

public enum PreferenceSource { Ams, VendorUnsubscribe, VendorResubscribe }

public sealed record CommunicationPreference(string MailingType, bool OptedOut, DateTimeOffset ChangedAt, PreferenceSource Source);

public sealed record UnmatchedEmailGroup(string EmailGroup, string Vendor, string MailingId, DateTimeOffset At)
{
    public static readonly IComparer<UnmatchedEmailGroup> Comparer =
        Comparer<UnmatchedEmailGroup>.Create((a, b) => string.CompareOrdinal(KeyOf(a), KeyOf(b)));

    public static string KeyOf(UnmatchedEmailGroup group) =>
        $"{group.Vendor}|{group.MailingId}|{Normalize.GroupName(group.EmailGroup)}";

    public static bool Earlier(UnmatchedEmailGroup candidate, UnmatchedEmailGroup current) =>
        candidate.At < current.At || (candidate.At == current.At && string.CompareOrdinal(candidate.EmailGroup, current.EmailGroup) < 0);
}

/// <summary>What the AMS sends about an individual.</summary>
/// <param name="DoNotEmail">The AMS's own flag; null leaves it as it was.</param>
/// <param name="ClearDoNotEmail">The explicit AMS action that lifts do-not-email set by earlier spam complaints.</param>
public sealed record AmsIndividual(
    string? Email,
    bool? DoNotEmail = null,
    IReadOnlyList<AmsCommunicationPreference>? CommunicationPreferences = null,
    bool ClearDoNotEmail = false);

public sealed record AmsCommunicationPreference(string MailingType, bool OptedOut, DateTimeOffset? ChangedAt);
