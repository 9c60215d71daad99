using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.Domain.Documents;

/// <summary>The Fax tracking child form: one row per (vendor, mailing, fax number).</summary>
public sealed class FaxTrackingDocument : MailingRowDocument
{
    public required string FaxNumber { get; init; }

    public string? MailingName { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>The status of the latest attempt: a retried fax ends in its last result.</summary>
    public string? Status { get; set; }

    public string? StatusKey { get; set; }

    protected override void ApplyNew(TrackingEvent trackingEvent, EffectRules rules)
    {
        SentAt = Earliest(SentAt, trackingEvent.OccurredAt);
        var key = Descriptor.KeyOf(trackingEvent, latestWins: true);
        if (Descriptor.Wins(key, StatusKey))
        {
            StatusKey = key;
            Status = trackingEvent.Status;
            MailingName = trackingEvent.MailingName;
        }

        SortAt = SentAt!.Value;
    }
}
