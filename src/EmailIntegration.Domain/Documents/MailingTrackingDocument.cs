using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.Domain.Documents;

/// <summary>The Tracking child form: one row per (vendor, mailing) with received and first-opened dates.</summary>
public sealed class MailingTrackingDocument : MailingRowDocument
{
    public string? MailingName { get; set; }

    public string? MailingType { get; set; }

    public DateTimeOffset? ReceivedAt { get; set; }

    public DateTimeOffset? OpenedAt { get; set; }

    /// <summary>Gross opens: vendors report every open, and each distinct open event counts.</summary>
    public int OpenCount { get; set; }

    public string? DescriptorKey { get; set; }

    protected override void ApplyNew(TrackingEvent trackingEvent, EffectRules rules)
    {
        switch (trackingEvent.Kind)
        {
            case TrackingEventKind.Delivered:
                ReceivedAt = Earliest(ReceivedAt, trackingEvent.OccurredAt);
                break;
            case TrackingEventKind.Opened:
                OpenedAt = Earliest(OpenedAt, trackingEvent.OccurredAt);
                OpenCount++;
                break;
            default:
                throw new ArgumentException($"A tracking row does not take {trackingEvent.Kind} events.", nameof(trackingEvent));
        }

        // A delivery describes the mailing better than an open does, so deliveries sort first.
        var key = (trackingEvent.Kind == TrackingEventKind.Delivered ? "0|" : "1|") + Descriptor.KeyOf(trackingEvent);
        if (trackingEvent.MailingName is not null && Descriptor.Wins(key, DescriptorKey))
        {
            DescriptorKey = key;
            MailingName = trackingEvent.MailingName;
            MailingType = trackingEvent.MailingType;
        }

        // An open with no delivery still shows the row, dated by its first open until the delivery arrives.
        SortAt = ReceivedAt ?? OpenedAt ?? trackingEvent.OccurredAt;
    }
}
