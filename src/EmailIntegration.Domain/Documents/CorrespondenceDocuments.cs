using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.Domain.Documents;

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
