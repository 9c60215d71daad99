using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Events;

namespace EmailIntegration.Domain.Rules;

/// <summary>
/// The effects of tracking events on one individual's documents. Pure: the caller reads the
/// documents, this decides what they become, and the caller writes the ones that changed.
/// </summary>
/// <remarks>
/// Effects per event kind:
/// delivered → Tracking row (received), which is also the Correspondence › communications row (served from the same document);
/// opened → Tracking row (first open, gross count);
/// link clicked → Link tracking row; on an AMS host also a Customer Action; per matching interest code an interest activity;
/// and the click is recorded on its mailing's Tracking document, which is the mailing's activity ledger;
/// fax sent → Fax tracking row;
/// unsubscribed → Unsubscribes row and the profile's communication preferences;
/// resubscribed → the profile's communication preferences only (opted back in to the matching mailing type);
/// bounced → Correspondence › bounces row, and for a hard "user unknown" bounce the profile's address health;
/// suppressed → the profile (address invalid); spam complaint → the profile (do-not-email).
/// <para>Machine activity (see <see cref="MachineActivityRules"/>): whether an open or click was a person's depends on the
/// rest of the mailing's activity (its delivery, the other clicks), which may arrive later. So the Tracking document holds
/// every open and click of its mailing, classifies them, and after the events are folded the link rows, Customer Actions
/// and interest activities of every link of that mailing follow the classification (<see cref="IFollowsLinkActivity"/>):
/// a scored record whose clicks all turn out a machine's is withdrawn, not deleted, and comes back if a person's click
/// arrives. The caller must therefore hand in those documents too: <see cref="DocumentIdsTouchedBy"/> names what the
/// events touch, <see cref="DocumentIdsFollowing"/> (given what was read) the other links' documents.</para>
/// </remarks>
public static class IndividualProjection
{
    /// <summary>The ids of every document the events would touch, so the caller can read them in one call.</summary>
    public static IReadOnlyList<string> DocumentIdsTouchedBy(IEnumerable<TrackingEvent> events, EffectRules? rules = null)
    {
        return events.SelectMany(e => Targets(e, rules ?? EffectRules.None)).Select(t => t.Id)
            .Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The documents of the other links of the mailings whose click classification the events may change (their clicks
    /// and deliveries), given the documents read for <see cref="DocumentIdsTouchedBy"/>; those not among them. The caller
    /// reads these too (absent ones stay absent: following never creates a document).
    /// </summary>
    public static IReadOnlyList<string> DocumentIdsFollowing(
        IEnumerable<TrackingEvent> events, IReadOnlyDictionary<string, IndividualDocument> read, EffectRules? rules = null)
    {
        rules ??= EffectRules.None;
        return ReclassifiedMailings(events)
            .Select(id => read.GetValueOrDefault(id) as MailingTrackingDocument)
            .OfType<MailingTrackingDocument>()
            .SelectMany(tracking => tracking.Clicks.SelectMany(link => FollowerIds(tracking.Vendor, tracking.MailingId, link.Url, rules)))
            .Where(id => !read.ContainsKey(id))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Applies the events to the current documents (mutating those it is given) and returns the
    /// documents that changed, new ones included. Events already applied change nothing.
    /// </summary>
    public static ProjectionResult Apply(
        string individualId,
        IReadOnlyDictionary<string, IndividualDocument> current,
        IEnumerable<TrackingEvent> events,
        EffectRules? rules = null)
    {
        rules ??= EffectRules.None;
        var documents = new Dictionary<string, IndividualDocument>(current, StringComparer.Ordinal);
        var changed = new Dictionary<string, IndividualDocument>(StringComparer.Ordinal);
        int applied = 0, duplicates = 0, notProjected = 0;

        foreach (var trackingEvent in events)
        {
            if (!string.Equals(trackingEvent.IndividualId, individualId, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"Event {trackingEvent.EventId} belongs to another individual.", nameof(events));
            }

            var targets = Targets(trackingEvent, rules);
            if (targets.Count == 0)
            {
                notProjected++;
                continue;
            }

            var changedAny = false;
            foreach (var (id, create) in targets)
            {
                if (!documents.TryGetValue(id, out var document))
                {
                    documents[id] = document = create(individualId);
                }

                if (document.Apply(trackingEvent, rules))
                {
                    changedAny = true;
                    changed[id] = document;
                }
            }

            if (changedAny)
            {
                applied++;
            }
            else
            {
                duplicates++;
            }
        }

        // Deliveries and clicks may change what the mailing's clicks were: the link's documents follow.
        foreach (var trackingId in ReclassifiedMailings(events))
        {
            if (documents.GetValueOrDefault(trackingId) is not MailingTrackingDocument tracking)
            {
                continue;
            }

            foreach (var activity in tracking.LinkActivities(rules.MachineActivity))
            {
                foreach (var id in FollowerIds(tracking.Vendor, tracking.MailingId, activity.Url, rules))
                {
                    if (documents.GetValueOrDefault(id) is IFollowsLinkActivity follower && follower.Follow(activity))
                    {
                        changed[id] = documents[id];
                    }
                }
            }
        }

        return new ProjectionResult(changed.Values.ToList(), applied, duplicates, notProjected);
    }

    /// <summary>Tracking documents of the mailings with a delivery or click among the events.</summary>
    private static IEnumerable<string> ReclassifiedMailings(IEnumerable<TrackingEvent> events) =>
        events.Where(e => e.Kind is TrackingEventKind.Delivered || e is { Kind: TrackingEventKind.LinkClicked, Url.Length: > 0 })
            .Select(e => DocumentKeys.Tracking(e.Vendor, e.MailingId))
            .Distinct(StringComparer.Ordinal);

    /// <summary>The documents of one link that follow its clicks' classification.</summary>
    private static IEnumerable<string> FollowerIds(string vendor, string mailingId, string url, EffectRules rules)
    {
        yield return DocumentKeys.LinkTracking(vendor, mailingId, url);
        if (rules.IsAmsLink(url))
        {
            yield return DocumentKeys.CustomerAction(vendor, mailingId, url);
        }

        foreach (var code in rules.InterestCodesFor(url))
        {
            yield return DocumentKeys.InterestActivity(vendor, mailingId, url, code);
        }
    }

    private static List<(string Id, Func<string, IndividualDocument> Create)> Targets(TrackingEvent e, EffectRules rules)
    {
        var targets = new List<(string, Func<string, IndividualDocument>)>();
        void Add(string id, Func<string, IndividualDocument> create) => targets.Add((id, create));
        void AddProfile() => Add(ProfileDocument.DocumentId, ProfileDocument.New);
        void AddTracking()
        {
            var trackingId = DocumentKeys.Tracking(e.Vendor, e.MailingId);
            Add(trackingId, i => new MailingTrackingDocument { Id = trackingId, IndividualId = i, Vendor = e.Vendor, MailingId = e.MailingId });
        }

        switch (e.Kind)
        {
            case TrackingEventKind.Delivered:
                AddTracking(); // also the Correspondence › communications row: the same fact, stored once
                break;
            case TrackingEventKind.Opened:
                AddTracking();
                break;
            case TrackingEventKind.LinkClicked when e.Url is { Length: > 0 } url:
                AddTracking(); // the mailing's activity ledger: classifies this click with the others
                var linkId = DocumentKeys.LinkTracking(e.Vendor, e.MailingId, url);
                Add(linkId, i => new LinkTrackingDocument { Id = linkId, IndividualId = i, Vendor = e.Vendor, MailingId = e.MailingId, Url = url });
                if (rules.IsAmsLink(url))
                {
                    var actionId = DocumentKeys.CustomerAction(e.Vendor, e.MailingId, url);
                    Add(actionId, i => new CustomerActionDocument { Id = actionId, IndividualId = i, Vendor = e.Vendor, MailingId = e.MailingId, Url = url });
                }

                foreach (var code in rules.InterestCodesFor(url))
                {
                    var interestId = DocumentKeys.InterestActivity(e.Vendor, e.MailingId, url, code);
                    Add(interestId, i => new InterestActivityDocument
                    {
                        Id = interestId, IndividualId = i, Vendor = e.Vendor, MailingId = e.MailingId, Url = url, InterestCode = code,
                    });
                }

                break;
            case TrackingEventKind.FaxSent when e.FaxNumber is { Length: > 0 } fax:
                var faxId = DocumentKeys.FaxTracking(e.Vendor, e.MailingId, fax);
                Add(faxId, i => new FaxTrackingDocument { Id = faxId, IndividualId = i, Vendor = e.Vendor, MailingId = e.MailingId, FaxNumber = fax });
                break;
            case TrackingEventKind.Unsubscribed:
                var unsubscribeId = DocumentKeys.Unsubscribe(e.Vendor, e.MailingId, e.EmailGroup);
                Add(unsubscribeId, i => new UnsubscribeDocument { Id = unsubscribeId, IndividualId = i, Vendor = e.Vendor, MailingId = e.MailingId });
                AddProfile();
                break;
            case TrackingEventKind.Resubscribed:
                // No Unsubscribes row: that form lists opt-outs (its row keeps the earliest unsubscribe, so it cannot be
                // undone order-independently); whether the individual is opted out now is the profile's preference.
                AddProfile();
                break;
            case TrackingEventKind.Bounced:
                var bounceId = DocumentKeys.Bounce(e.Vendor, e.MailingId, e.EventId);
                Add(bounceId, i => new BounceDocument { Id = bounceId, IndividualId = i, Vendor = e.Vendor, MailingId = e.MailingId });
                if (e is { Bounce: BounceSeverity.Hard, UserUnknown: true })
                {
                    AddProfile();
                }

                break;
            case TrackingEventKind.Suppressed or TrackingEventKind.SpamComplaint:
                AddProfile();
                break;
        }

        return targets;
    }
}

/// <param name="Changed">Documents to write.</param>
/// <param name="Applied">Events that changed a document.</param>
/// <param name="Duplicates">Events already applied before.</param>
/// <param name="NotProjected">Events of a kind or shape that has no document.</param>
public sealed record ProjectionResult(
    IReadOnlyList<IndividualDocument> Changed, int Applied, int Duplicates, int NotProjected);
