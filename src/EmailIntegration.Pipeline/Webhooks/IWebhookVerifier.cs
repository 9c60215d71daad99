namespace EmailIntegration.Pipeline.Webhooks;

/// <summary>
/// Checks that a webhook request comes from its service, exactly as that service documents it, without reading the
/// events themselves (the parsers do that after landing).
/// </summary>
public interface IWebhookVerifier
{
    /// <summary>The route value and the landing folder: <c>sendgrid</c>, <c>mailgun</c>, <c>ses</c>, <c>postmark</c>.</summary>
    string Service { get; }

    /// <summary>A larger body is refused (413) before it is read whole.</summary>
    int MaxBodyBytes { get; }

    /// <summary>False while the service's secret is not set: the route answers 404.</summary>
    bool IsConfigured { get; }

    Task<WebhookVerification> VerifyAsync(WebhookRequest request, CancellationToken cancellationToken);
}

/// <param name="Body">The raw body, byte for byte as received: what is verified is what lands.</param>
/// <param name="Header">A request header's value by name (case-insensitive); null when absent.</param>
public sealed record WebhookRequest(ReadOnlyMemory<byte> Body, Func<string, string?> Header);

public enum WebhookVerdict
{
    /// <summary>Authentic events: land them.</summary>
    Deliver,

    /// <summary>Authentic, but a protocol message (SNS subscription confirmation): answered, nothing landed.</summary>
    Handshake,

    /// <summary>Unsigned, or the signature or credentials do not verify.</summary>
    Unauthorized,

    /// <summary>Not a request of this service's form.</summary>
    BadRequest,
}

/// <param name="DeliveryKey">What identifies this delivery (the service's message id or token, else a hash of the body).</param>
/// <param name="SignedAt">The signed time, checked against the replay window; null when the service signs none.</param>
/// <param name="Reason">Our own words for a refusal; never a request value.</param>
public sealed record WebhookVerification(WebhookVerdict Verdict, string? DeliveryKey, DateTimeOffset? SignedAt, string? Reason)
{
    public static WebhookVerification Deliver(string deliveryKey, DateTimeOffset? signedAt) => new(WebhookVerdict.Deliver, deliveryKey, signedAt, null);

    public static WebhookVerification Handshake(string reason) => new(WebhookVerdict.Handshake, null, null, reason);

    public static WebhookVerification Unauthorized(string reason) => new(WebhookVerdict.Unauthorized, null, null, reason);

    public static WebhookVerification BadRequest(string reason) => new(WebhookVerdict.BadRequest, null, null, reason);
}
