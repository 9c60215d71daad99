using System.Text.Json.Serialization;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.Pipeline.Outbound;

/// <summary>POST /api/blasts: who to push to which vendor for a mailing. Field values are never logged.</summary>
/// <param name="BlastId">The caller's id (the identified-command pattern); when absent, a hash of the content.</param>
public sealed record BlastRequest(
    string? BlastId,
    string? Vendor,
    string? MailingType,
    IReadOnlyList<BlastRecipient>? Recipients)
{
    /// <summary>Marketing (the default) or transactional; decides which profile flags hold a recipient back.</summary>
    public BlastKind? Kind { get; init; }

    public override string ToString() => $"BlastRequest {{ BlastId = {BlastId}, Vendor = {Vendor}, Kind = {Kind}, Recipients = {Recipients?.Count ?? 0} }}";
}

/// <param name="Fields">AMS field name → value (e.g. Email, FirstName); mapped per vendor by <see cref="FieldMapper"/>.</param>
public sealed record BlastRecipient(string? IndividualId, IReadOnlyDictionary<string, string?>? Fields)
{
    public override string ToString() => $"BlastRecipient {{ IndividualId = {IndividualId}, Fields = {Fields?.Count ?? 0} }}";
}

public enum BlastState { Accepted, Pushing, Pushed, Failed }

/// <summary>The status entity of a blast (GET /api/blasts/{blastId}).</summary>
/// <param name="Pushed">Recipients the vendor took.</param>
/// <param name="Refused">Recipients the vendor refused (a permanent failure for them).</param>
/// <param name="Reason">Why it failed, or the last transient failure while it is still being retried; never an address.</param>
/// <param name="Attempts">Push attempts so far.</param>
public sealed record BlastStatus(
    string BlastId,
    string Vendor,
    string MailingType,
    BlastState Status,
    int Recipients,
    int Pushed,
    int Refused,
    string? Reason,
    int Attempts,
    DateTimeOffset AcceptedAt,
    DateTimeOffset UpdatedAt)
{
    public BlastKind Kind { get; init; } = BlastKind.Marketing;

    /// <summary>Recipients held back at push time, per reason (<see cref="SuppressionRule"/>); zero before the push.</summary>
    public SuppressedCounts Suppressed { get; init; } = SuppressedCounts.None;

    /// <summary>Recipients pushed although we hold no AMS profile for them.</summary>
    public int UnknownIndividuals { get; init; }

    /// <summary>The store's concurrency token of the version read; not served.</summary>
    [JsonIgnore]
    public string? ETag { get; init; }
}

/// <param name="Erased">Recipients erased before the push (their tombstone): never pushed, whatever the blast's kind.</param>
public sealed record SuppressedCounts(int EmailInvalid, int DoNotEmail, int OptedOut, int Erased = 0)
{
    public static readonly SuppressedCounts None = new(0, 0, 0);

    public int Total => EmailInvalid + DoNotEmail + OptedOut + Erased;

    public static SuppressedCounts Of(IEnumerable<RecipientDecision> decisions)
    {
        int invalid = 0, doNotEmail = 0, optedOut = 0, erased = 0;
        foreach (var decision in decisions)
        {
            switch (decision.Reason)
            {
                case SuppressionReason.EmailInvalid: invalid++; break;
                case SuppressionReason.DoNotEmail: doNotEmail++; break;
                case SuppressionReason.OptedOut: optedOut++; break;
                case SuppressionReason.Erased: erased++; break;
            }
        }

        return new SuppressedCounts(invalid, doNotEmail, optedOut, erased);
    }
}

/// <summary>The push-time decision for one recipient of a blast; never an address.</summary>
public sealed record RecipientDecision(string IndividualId, RecipientVerdict Verdict, SuppressionReason? Reason)
{
    public bool IsSent => Verdict != RecipientVerdict.Suppress;
}

/// <summary>Every recipient's decision, in the blast's order, made once at the first push attempt and kept for every retry.</summary>
public sealed record BlastDecisions(string BlastId, BlastKind Kind, DateTimeOffset DecidedAt, IReadOnlyList<RecipientDecision> Recipients);

/// <summary>One recipient held back: GET /api/blasts/{blastId}/suppressed (ids and reasons, never addresses).</summary>
public sealed record SuppressedRecipient(string IndividualId, SuppressionReason Reason);

/// <param name="DecidedAt">When the push decided; null while the blast has not been pushed (the list is empty then).</param>
public sealed record SuppressedPage(string BlastId, DateTimeOffset? DecidedAt, IReadOnlyList<SuppressedRecipient> Items, string? ContinuationToken);

/// <summary>POST /api/individuals/{individualId}/opt-outs.</summary>
public sealed record OptOutRequest(string? MailingType, DateTimeOffset? OptedOutAt);

/// <summary>The 202 answer to an opt-out: its id and the vendors it will be pushed to.</summary>
public sealed record OptOutAccepted(string OptOutId, string IndividualId, string MailingType, DateTimeOffset OptedOutAt, IReadOnlyList<string> Vendors);

public enum OutboundMessageKind { Blast, OptOut }

/// <summary>
/// One message on the outbound queue. A blast carries only its id (the request is in Blob); an opt-out carries what
/// identifies it, never the address (read from the profile when pushed).
/// </summary>
public sealed record OutboundMessage(
    OutboundMessageKind Kind,
    string Id,
    string? IndividualId = null,
    string? MailingType = null,
    DateTimeOffset? OptedOutAt = null)
{
    public static OutboundMessage Blast(string blastId) => new(OutboundMessageKind.Blast, blastId);

    public static OutboundMessage OptOut(string optOutId, string individualId, string mailingType, DateTimeOffset optedOutAt) =>
        new(OutboundMessageKind.OptOut, optOutId, individualId, mailingType, optedOutAt);
}

/// <summary>A recipient after the vendor's field map: vendor field name → value. ToString hides the values.</summary>
public sealed record MappedRecipient(string IndividualId, IReadOnlyDictionary<string, string?> Fields)
{
    public override string ToString() => $"MappedRecipient {{ IndividualId = {IndividualId}, Fields = {Fields.Count} }}";
}

/// <param name="Columns">The vendor field names of the field map, in order (a file's header).</param>
public sealed record BlastPush(string BlastId, string MailingType, IReadOnlyList<MappedRecipient> Recipients, IReadOnlyList<string> Columns);

/// <param name="RefusedReason">Why the vendor refused some recipients (no addresses).</param>
public sealed record BlastPushOutcome(int Pushed, int Refused, string? RefusedReason = null);

/// <summary>An opt-out to push to one vendor. <see cref="Email"/> comes from the profile; never logged.</summary>
public sealed record OptOutPush(string OptOutId, string IndividualId, string? Email, string MailingType, DateTimeOffset OptedOutAt)
{
    public override string ToString() => $"OptOutPush {{ OptOutId = {OptOutId}, IndividualId = {IndividualId}, MailingType = {MailingType} }}";
}

public enum VendorPushState { Pushed, Skipped, Failed }

/// <param name="Reason">Why skipped or failed; never an address.</param>
public sealed record OptOutPushOutcome(VendorPushState State, string? Reason = null);

/// <summary>The result of pushing one opt-out to one vendor (a Table entity per opt-out and vendor).</summary>
public sealed record VendorPushResult(
    string Vendor,
    VendorPushState State,
    string? Reason,
    int Attempts,
    DateTimeOffset At,
    string IndividualId,
    string MailingType);
