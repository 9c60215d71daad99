namespace EmailIntegration.Domain.Events;

/// <summary>What happened to one recipient of one mailing, in vendor-neutral terms.</summary>
public enum TrackingEventKind
{
    Delivered,
    Opened,
    LinkClicked,
    FaxSent,
    Unsubscribed,
    Bounced,
    SpamComplaint,
    Suppressed,

    /// <summary>Opted back in to an e-mail group (the inverse of a group unsubscribe).</summary>
    Resubscribed,
}
