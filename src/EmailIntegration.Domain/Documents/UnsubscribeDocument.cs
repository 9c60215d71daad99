using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.Domain.Documents;

/// <summary>The Unsubscribes child form: one row per (vendor, mailing, e-mail group).</summary>
public sealed class UnsubscribeDocument : MailingRowDocument
{
    /// <summary>
    /// Groups match case- and whitespace-insensitively, so one row can see several spellings;
    /// the earliest event's spelling is shown, whatever order the events arrive in.
    /// </summary>
    public string? EmailGroup { get; set; }

    public DateTimeOffset? UnsubscribedAt { get; set; }

    public string? DescriptorKey { get; set; }

    protected override void ApplyNew(TrackingEvent trackingEvent, EffectRules rules)
    {
        UnsubscribedAt = Earliest(UnsubscribedAt, trackingEvent.OccurredAt);
        var key = Descriptor.KeyOf(trackingEvent);
        if (Descriptor.Wins(key, DescriptorKey))
        {
            DescriptorKey = key;
            EmailGroup = trackingEvent.EmailGroup;
        }

        SortAt = UnsubscribedAt!.Value;
    }
}
