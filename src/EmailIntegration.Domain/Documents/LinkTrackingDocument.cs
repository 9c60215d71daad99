using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.Domain.Documents;

/// <summary>The Link tracking child form: one row per (vendor, mailing, link).</summary>
public sealed class LinkTrackingDocument : MailingRowDocument
{
    public required string Url { get; init; }

    public string? MailingName { get; set; }

    public string? Label { get; set; }

    public DateTimeOffset? ClickedAt { get; set; }

    public int ClickCount { get; set; }

    public string? DescriptorKey { get; set; }

    protected override void ApplyNew(TrackingEvent trackingEvent, EffectRules rules)
    {
        ClickedAt = Earliest(ClickedAt, trackingEvent.OccurredAt);
        ClickCount++;
        var key = Descriptor.KeyOf(trackingEvent);
        if (Descriptor.Wins(key, DescriptorKey))
        {
            DescriptorKey = key;
            Label = trackingEvent.LinkLabel;
            MailingName = trackingEvent.MailingName;
        }

        SortAt = ClickedAt!.Value;
    }
}
