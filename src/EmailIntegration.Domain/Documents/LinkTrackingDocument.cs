using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.Domain.Documents;

/// <summary>
/// The Link tracking child form: one row per (vendor, mailing, link). Machine clicks stay on the row, counted apart and
/// marked (see <see cref="MachineActivityRules"/>).
/// </summary>
public sealed class LinkTrackingDocument : MailingRowDocument, IFollowsLinkActivity
{
    public required string Url { get; init; }

    public string? MailingName { get; set; }

    public string? Label { get; set; }

    public DateTimeOffset? ClickedAt { get; set; }

    public int ClickCount { get; set; }

    public int PersonClickCount { get; set; }

    public int MachineClickCount { get; set; }

    /// <summary>The reason of the earliest machine click.</summary>
    public string? MachineClickReason { get; set; }

    /// <summary><c>person</c> when a person clicked the link, <c>machine</c> when only machines did.</summary>
    public string? Activity { get; set; }

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

    public bool Follow(LinkActivity activity)
    {
        var marker = MachineActivityRules.MarkerOf(activity.PersonClicks, activity.MachineClicks);
        if (PersonClickCount == activity.PersonClicks && MachineClickCount == activity.MachineClicks
            && MachineClickReason == activity.MachineReason && Activity == marker)
        {
            return false;
        }

        PersonClickCount = activity.PersonClicks;
        MachineClickCount = activity.MachineClicks;
        MachineClickReason = activity.MachineReason;
        Activity = marker;
        return true;
    }
}
