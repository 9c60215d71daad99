using System.Text.Json.Serialization;

namespace EmailIntegration.Pipeline.Outbound;

/// <summary>POST /api/blasts: who to push to which vendor for a mailing. Field values are never logged.</summary>
/// <param name="BlastId">The caller's id (the identified-command pattern); when absent, a hash of the content.</param>
public sealed record BlastRequest(
    string? BlastId,
    string? Vendor,
    string? MailingType,
    IReadOnlyList<BlastRecipient>? Recipients)
{
    public override string ToString() => $"BlastRequest {{ BlastId = {BlastId}, Vendor = {Vendor}, Recipients = {Recipients?.Count ?? 0} }}";
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
    /// <summary>The store's concurrency token of the version read; not served.</summary>
    [JsonIgnore]
    public string? ETag { get; init; }
}

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
