using EmailIntegration.Domain.Changes;
using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.Domain.Documents;

/// <summary>
/// One change of the AMS change feed, kept in the individual's partition beside the documents it describes (id = the
/// change id, so writing it twice is one document). Never applies events.
/// </summary>
public sealed class ChangeDocument : IndividualDocument
{
    public required IndividualChange Change { get; init; }

    /// <summary>Copied from the change: the feed orders by it within the store's commit time.</summary>
    public required string SortKey { get; init; }

    public static ChangeDocument Of(IndividualChange change) => new()
    {
        Id = change.ChangeId,
        IndividualId = change.IndividualId,
        Change = change,
        SortKey = change.SortKey,
        SortAt = change.ChangedAt,
    };

    protected override void ApplyNew(TrackingEvent trackingEvent, EffectRules rules) =>
        throw new InvalidOperationException("A change record takes no events.");
}
