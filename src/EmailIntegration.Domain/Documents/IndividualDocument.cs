using System.Text.Json.Serialization;
using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.Domain.Documents;

/// <summary>
/// One document in the individual's partition. Each child-form row is its own document to the domain (stored with the
/// other rows of its mailing, see <see cref="MailingFold"/>), so no document grows with the individual's history, and
/// each records the events it has absorbed, so applying an event twice is the same as applying it once.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(MailingTrackingDocument), DocumentTypes.Tracking)]
[JsonDerivedType(typeof(LinkTrackingDocument), DocumentTypes.LinkTracking)]
[JsonDerivedType(typeof(FaxTrackingDocument), DocumentTypes.FaxTracking)]
[JsonDerivedType(typeof(UnsubscribeDocument), DocumentTypes.Unsubscribe)]
[JsonDerivedType(typeof(BounceDocument), DocumentTypes.Bounce)]
[JsonDerivedType(typeof(CustomerActionDocument), DocumentTypes.CustomerAction)]
[JsonDerivedType(typeof(InterestActivityDocument), DocumentTypes.InterestActivity)]
[JsonDerivedType(typeof(ProfileDocument), DocumentTypes.Profile)]
[JsonDerivedType(typeof(ChangeDocument), DocumentTypes.Change)]
public abstract class IndividualDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    public required string IndividualId { get; init; }

    /// <summary>The child form's newest-first ordering key.</summary>
    public DateTimeOffset SortAt { get; set; }

    /// <summary>Ids of the events already in this document, kept sorted so the document is deterministic.</summary>
    public List<string> AppliedEventIds { get; set; } = [];

    /// <summary>Folds one event in; returns false (and changes nothing) when it was already applied.</summary>
    public bool Apply(TrackingEvent trackingEvent, EffectRules? rules = null)
    {
        var index = AppliedEventIds.BinarySearch(trackingEvent.EventId, StringComparer.Ordinal);
        if (index >= 0)
        {
            return false;
        }

        AppliedEventIds.Insert(~index, trackingEvent.EventId);
        ApplyNew(trackingEvent, rules ?? EffectRules.None);
        return true;
    }

    /// <summary>
    /// Must be commutative: any order of the same events ends in the same document.
    /// That is why dates take the earliest value and descriptive fields take the value of the
    /// event that sorts first (see <see cref="Descriptor"/>), never simply the last one seen.
    /// </summary>
    protected abstract void ApplyNew(TrackingEvent trackingEvent, EffectRules rules);

    protected static DateTimeOffset Earliest(DateTimeOffset? current, DateTimeOffset candidate) =>
        current is { } value && value <= candidate ? value : candidate;

}

/// <summary>A child-form row of one vendor's mailing.</summary>
public abstract class MailingRowDocument : IndividualDocument
{
    public required string Vendor { get; init; }

    public required string MailingId { get; init; }
}

public static class DocumentTypes
{
    public const string Tracking = "tracking";
    public const string LinkTracking = "linkTracking";
    public const string FaxTracking = "faxTracking";
    public const string Unsubscribe = "unsubscribe";
    public const string Bounce = "bounce";
    public const string CustomerAction = "customerAction";
    public const string InterestActivity = "interestActivity";
    public const string Profile = "profile";
    public const string Change = "change";

    /// <summary>The stored type of a document (its "type" discriminator).</summary>
    public static string Of(IndividualDocument document) => document switch
    {
        MailingTrackingDocument => Tracking,
        LinkTrackingDocument => LinkTracking,
        FaxTrackingDocument => FaxTracking,
        UnsubscribeDocument => Unsubscribe,
        BounceDocument => Bounce,
        CustomerActionDocument => CustomerAction,
        InterestActivityDocument => InterestActivity,
        ProfileDocument => Profile,
        ChangeDocument => Change,
        _ => throw new ArgumentException($"{document.GetType().Name} has no stored type.", nameof(document)),
    };
}
