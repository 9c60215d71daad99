using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Events;

namespace EmailIntegration.Domain.Rules;

/// <summary>
/// The effects of tracking events on one individual's documents. Pure: the caller reads the
/// documents, this decides what they become, and the caller writes the ones that changed.
/// </summary>
public static class IndividualProjection
{
    /// <summary>The ids of every document the events would touch, so the caller can read them in one call.</summary>
    public static IReadOnlyList<string> DocumentIdsTouchedBy(IEnumerable<TrackingEvent> events) =>
        events.Select(KeyOf).Where(id => id is not null).Select(id => id!).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Applies the events to the current documents (mutating those it is given) and returns the
    /// documents that changed, new ones included. Events already applied change nothing.
    /// </summary>
    public static ProjectionResult Apply(
        string individualId,
        IReadOnlyDictionary<string, IndividualDocument> current,
        IEnumerable<TrackingEvent> events)
    {
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

            var id = KeyOf(trackingEvent);
            if (id is null)
            {
                notProjected++;
                continue;
            }

            if (!documents.TryGetValue(id, out var document))
            {
                document = Create(id, individualId, trackingEvent);
                documents[id] = document;
            }

            if (document.Apply(trackingEvent))
            {
                applied++;
                changed[id] = document;
            }
            else
            {
                duplicates++;
            }
        }

        return new ProjectionResult(changed.Values.ToList(), applied, duplicates, notProjected);
    }

    private static string? KeyOf(TrackingEvent e) => e.Kind switch
    {
        TrackingEventKind.Delivered or TrackingEventKind.Opened => DocumentKeys.Tracking(e.Vendor, e.MailingId),
        TrackingEventKind.LinkClicked when e.Url is not null => DocumentKeys.LinkTracking(e.Vendor, e.MailingId, e.Url),
        TrackingEventKind.FaxSent when e.FaxNumber is not null => DocumentKeys.FaxTracking(e.Vendor, e.MailingId, e.FaxNumber),
        TrackingEventKind.Unsubscribed => DocumentKeys.Unsubscribe(e.Vendor, e.MailingId, e.EmailGroup),
        _ => null,
    };

    private static IndividualDocument Create(string id, string individualId, TrackingEvent e) => e.Kind switch
    {
        TrackingEventKind.Delivered or TrackingEventKind.Opened => new MailingTrackingDocument
        {
            Id = id, IndividualId = individualId, Vendor = e.Vendor, MailingId = e.MailingId,
        },
        TrackingEventKind.LinkClicked => new LinkTrackingDocument
        {
            Id = id, IndividualId = individualId, Vendor = e.Vendor, MailingId = e.MailingId, Url = e.Url!,
        },
        TrackingEventKind.FaxSent => new FaxTrackingDocument
        {
            Id = id, IndividualId = individualId, Vendor = e.Vendor, MailingId = e.MailingId, FaxNumber = e.FaxNumber!,
        },
        TrackingEventKind.Unsubscribed => new UnsubscribeDocument
        {
            Id = id, IndividualId = individualId, Vendor = e.Vendor, MailingId = e.MailingId,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.Kind, "No document for this event kind."),
    };
}

/// <param name="Changed">Documents to write.</param>
/// <param name="Applied">Events that changed a document.</param>
/// <param name="Duplicates">Events already applied before.</param>
/// <param name="NotProjected">Events of a kind or shape that has no document (yet).</param>
public sealed record ProjectionResult(
    IReadOnlyList<IndividualDocument> Changed, int Applied, int Duplicates, int NotProjected);
