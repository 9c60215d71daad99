using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.Domain.Documents;

/// <summary>
/// A scored Customer Action: a click on one of the AMS's own links, created once per
/// (mailing, link) however often the link is clicked.
/// </summary>
public sealed class CustomerActionDocument : MailingRowDocument
{
    public const string LinkClickAction = "E-Mail Link Click";

    public required string Url { get; init; }

    public string ActionType { get; set; } = LinkClickAction;

    public string? MailingName { get; set; }

    public DateTimeOffset? ActionAt { get; set; }

    public string? DescriptorKey { get; set; }

    protected override void ApplyNew(TrackingEvent trackingEvent, EffectRules rules)
    {
        ActionAt = Earliest(ActionAt, trackingEvent.OccurredAt);
        var key = Descriptor.KeyOf(trackingEvent);
        if (Descriptor.Wins(key, DescriptorKey))
        {
            DescriptorKey = key;
            MailingName = trackingEvent.MailingName;
        }

        SortAt = ActionAt!.Value;
    }
}

/// <summary>An implicit interest activity of type "Link Click": one per (mailing, link, interest code).</summary>
public sealed class InterestActivityDocument : MailingRowDocument
{
    public const string LinkClickActivity = "Link Click";

    public required string InterestCode { get; init; }

    public required string Url { get; init; }

    public string ActivityType { get; set; } = LinkClickActivity;

    public DateTimeOffset? ActivityAt { get; set; }

    protected override void ApplyNew(TrackingEvent trackingEvent, EffectRules rules)
    {
        ActivityAt = Earliest(ActivityAt, trackingEvent.OccurredAt);
        SortAt = ActivityAt!.Value;
    }
}
