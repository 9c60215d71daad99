using System.Text.Json.Serialization;

namespace EmailIntegration.Domain.Events;

/// <summary>
/// One normalized tracking record. Every vendor parser produces these; every rule consumes them.
/// </summary>
public sealed record TrackingEvent
{
    /// <summary>Deterministic: the same vendor record always yields the same id (see <see cref="EventIdentity"/>).</summary>
    public required string EventId { get; init; }

    public required string Vendor { get; init; }

    public required TrackingEventKind Kind { get; init; }

    /// <summary>The AMS individual id; null when the vendor record carries none (counted as unmatched).</summary>
    public string? IndividualId { get; init; }

    public required string MailingId { get; init; }

    public string? MailingName { get; init; }

    /// <summary>The AMS mailing type, which the vendors call the e-mail group or category.</summary>
    public string? MailingType { get; init; }

    /// <summary>Always UTC: parsers convert vendor local times with their offset.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    public string? Url { get; init; }

    public string? LinkLabel { get; init; }

    public string? FaxNumber { get; init; }

    /// <summary>Vendor send result or fax status, verbatim.</summary>
    public string? Status { get; init; }

    /// <summary>The e-mail group an unsubscribe applies to.</summary>
    public string? EmailGroup { get; init; }

    /// <summary>For <see cref="TrackingEventKind.Bounced"/>: hard (permanent) or soft (temporary).</summary>
    public BounceSeverity? Bounce { get; init; }

    /// <summary>For a bounce: whether the vendor says the address does not exist ("user unknown").</summary>
    public bool UserUnknown { get; init; }

    /// <summary>The vendor's own words for a bounce or failure, verbatim.</summary>
    public string? Reason { get; init; }

    /// <summary>
    /// <see cref="EmailHash.Of"/> of the address the vendor sent to: lets rules count bounces per
    /// address without the address itself travelling through queues and logs.
    /// </summary>
    public string? RecipientEmailHash { get; init; }

    /// <summary>
    /// For an open or click: the vendor's own "no person did this" flag (e.g. SendGrid's <c>sg_machine_open</c> for a mail
    /// privacy proxy's open). False when the vendor says nothing; not written then, so messages stay as small.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool VendorFlaggedMachine { get; init; }

    /// <summary>For an open or click, where the vendor reports it: the user agent (or browser) that made it.</summary>
    public string? UserAgent { get; init; }

    /// <summary>For an open or click, where the vendor reports it: the IP address it came from. Never stored in a document.</summary>
    public string? IpAddress { get; init; }
}

public enum BounceSeverity { Soft, Hard }
