using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.Domain.Documents;

/// <summary>
/// A scored Customer Action: a click on one of the AMS's own links, created once per
/// (mailing, link) however often the link is clicked. Only a person's click scores: while only machines clicked the link
/// the action is withdrawn (kept, with the reason, and without <see cref="ActionAt"/>, so the scoring forms skip it).
/// </summary>
/// <remarks>
/// Withdrawn is state, not history: the same events in any order end in the same document, so an action whose machine
/// click was known from the start is born withdrawn, and one withdrawn later (a delivery or a burst arriving after the
/// click) changes from active to withdrawn. When that change happened is the store's own write time.
/// </remarks>
public sealed class CustomerActionDocument : MailingRowDocument, IFollowsLinkActivity
{
    public const string LinkClickAction = "E-Mail Link Click";

    public required string Url { get; init; }

    public string ActionType { get; set; } = LinkClickAction;

    public string? MailingName { get; set; }

    /// <summary>The first person's click on the link; null while the action is withdrawn.</summary>
    public DateTimeOffset? ActionAt { get; set; }

    /// <summary>The first click of anyone (dates a withdrawn action).</summary>
    public DateTimeOffset? FirstClickAt { get; set; }

    /// <summary>Only machines clicked the link: this is no action, and the AMS is told so.</summary>
    public bool Withdrawn { get; set; }

    /// <summary>Why, when withdrawn (see <see cref="MachineActivityRules"/>).</summary>
    public string? WithdrawnReason { get; set; }

    public string? DescriptorKey { get; set; }

    protected override void ApplyNew(TrackingEvent trackingEvent, EffectRules rules)
    {
        FirstClickAt = Earliest(FirstClickAt, trackingEvent.OccurredAt);
        var key = Descriptor.KeyOf(trackingEvent);
        if (Descriptor.Wins(key, DescriptorKey))
        {
            DescriptorKey = key;
            MailingName = trackingEvent.MailingName;
        }

        SortAt = ActionAt ?? FirstClickAt!.Value;
    }

    public bool Follow(LinkActivity activity)
    {
        var (at, withdrawn, reason, sortAt) = ScoredState.Of(activity, FirstClickAt);
        if (ActionAt == at && Withdrawn == withdrawn && WithdrawnReason == reason && SortAt == sortAt)
        {
            return false;
        }

        (ActionAt, Withdrawn, WithdrawnReason, SortAt) = (at, withdrawn, reason, sortAt);
        return true;
    }
}

/// <summary>How a scored record follows its link's classified clicks: dated by the first person's click, else withdrawn.</summary>
internal static class ScoredState
{
    public static (DateTimeOffset? At, bool Withdrawn, string? Reason, DateTimeOffset SortAt) Of(
        LinkActivity activity, DateTimeOffset? firstClickAt)
    {
        var first = firstClickAt is { } known && known <= activity.FirstClickAt ? known : activity.FirstClickAt;
        return activity.FirstPersonClickAt is { } personAt
            ? (personAt, false, null, personAt)
            : (null, true, activity.MachineReason, first);
    }
}

/// <summary>
/// An implicit interest activity of type "Link Click": one per (mailing, link, interest code). Withdrawn, like a
/// <see cref="CustomerActionDocument"/>, while only machines clicked the link.
/// </summary>
public sealed class InterestActivityDocument : MailingRowDocument, IFollowsLinkActivity
{
    public const string LinkClickActivity = "Link Click";

    public required string InterestCode { get; init; }

    public required string Url { get; init; }

    public string ActivityType { get; set; } = LinkClickActivity;

    /// <summary>The first person's click on the link; null while the activity is withdrawn.</summary>
    public DateTimeOffset? ActivityAt { get; set; }

    /// <summary>The first click of anyone (dates a withdrawn activity).</summary>
    public DateTimeOffset? FirstClickAt { get; set; }

    public bool Withdrawn { get; set; }

    public string? WithdrawnReason { get; set; }

    protected override void ApplyNew(TrackingEvent trackingEvent, EffectRules rules)
    {
        FirstClickAt = Earliest(FirstClickAt, trackingEvent.OccurredAt);
        SortAt = ActivityAt ?? FirstClickAt!.Value;
    }

    public bool Follow(LinkActivity activity)
    {
        var (at, withdrawn, reason, sortAt) = ScoredState.Of(activity, FirstClickAt);
        if (ActivityAt == at && Withdrawn == withdrawn && WithdrawnReason == reason && SortAt == sortAt)
        {
            return false;
        }

        (ActivityAt, Withdrawn, WithdrawnReason, SortAt) = (at, withdrawn, reason, sortAt);
        return true;
    }
}
