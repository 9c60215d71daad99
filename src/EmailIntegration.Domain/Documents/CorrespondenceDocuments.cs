using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.Domain.Documents;

/// <summary>Correspondence › communications: the message as sent, one row per (vendor, mailing).</summary>
public sealed class CommunicationDocument : MailingRowDocument
{
    public string? MailingName { get; set; }

    public string? MailingType { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public string? DescriptorKey { get; set; }

    protected override void ApplyNew(TrackingEvent trackingEvent, EffectRules rules)
    {
        SentAt = Earliest(SentAt, trackingEvent.OccurredAt);
        var key = Descriptor.KeyOf(trackingEvent);
        if (trackingEvent.MailingName is not null && Descriptor.Wins(key, DescriptorKey))
        {
            DescriptorKey = key;
            MailingName = trackingEvent.MailingName;
            MailingType = trackingEvent.MailingType;
        }

        SortAt = SentAt!.Value;
    }
}

/// <summary>Correspondence › bounces: one row per bounce the vendor reported.</summary>
public sealed class BounceDocument : MailingRowDocument
{
    public string? MailingName { get; set; }

    public BounceSeverity Severity { get; set; }

    public bool UserUnknown { get; set; }

    /// <summary>The vendor's code (e.g. HardBounce, UserNotFound), verbatim.</summary>
    public string? VendorCode { get; set; }

    public string? Reason { get; set; }

    public DateTimeOffset? BouncedAt { get; set; }

    protected override void ApplyNew(TrackingEvent trackingEvent, EffectRules rules)
    {
        // One document per bounce event, so there is exactly one event to describe it.
        MailingName = trackingEvent.MailingName;
        Severity = trackingEvent.Bounce ?? BounceSeverity.Soft;
        UserUnknown = trackingEvent.UserUnknown;
        VendorCode = trackingEvent.Status;
        Reason = trackingEvent.Reason;
        BouncedAt = trackingEvent.OccurredAt;
        SortAt = trackingEvent.OccurredAt;
    }
}
