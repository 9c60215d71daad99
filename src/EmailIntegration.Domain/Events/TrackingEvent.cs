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
}
