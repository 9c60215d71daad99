using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Pipeline.Observability;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Pipeline.Webhooks;

/// <summary>
/// An e-mail service's event webhook: verify, refuse a stale or replayed delivery, land the raw body unchanged, answer.
/// The blob trigger, the fan-out and the apply stage do the rest, as for a nightly page. Nothing here parses events.
/// </summary>
/// <remarks>
/// A delivery lands at <c>{service}/yyyy/MM/dd/wh-{hash}/events-00001.json</c>: the date is the signed time (the receipt
/// time where the service signs none), the run id a hash of the service and the delivery key. The landing write is
/// conditional (create only), so the same delivery seen again finds its name taken: that is the dedupe record, and the
/// one store operation a request makes. A replay outside that (another day, Postmark's unsigned retry) lands again and
/// changes nothing downstream, as every replay: event ids are deterministic and documents remember what they hold.
/// </remarks>
public sealed class WebhookReceiver(
    IEnumerable<IWebhookVerifier> verifiers,
    ILandingZone landingZone,
    TimeProvider time,
    IOptions<WebhookOptions> options,
    PipelineMetrics metrics,
    ILogger<WebhookReceiver> logger)
{
    public const string Kind = "events";

    private readonly Dictionary<string, IWebhookVerifier> byService =
        verifiers.ToDictionary(v => v.Service, StringComparer.Ordinal);

    /// <summary>The body limit of a served service; null when the service is unknown or not configured.</summary>
    public int? MaxBodyBytes(string service) =>
        byService.TryGetValue(service, out var verifier) && verifier.IsConfigured ? verifier.MaxBodyBytes : null;

    public async Task<WebhookReceipt> ReceiveAsync(string service, WebhookRequest request, CancellationToken cancellationToken)
    {
        if (!byService.TryGetValue(service, out var verifier) || !verifier.IsConfigured)
        {
            return Refuse("unknown", WebhookOutcome.UnknownService, "No webhook is served for this service.");
        }

        if (request.Body.Length > verifier.MaxBodyBytes)
        {
            return Refuse(service, WebhookOutcome.TooLarge, $"The body may have at most {verifier.MaxBodyBytes} bytes.");
        }

        var verification = await verifier.VerifyAsync(request, cancellationToken);
        switch (verification.Verdict)
        {
            case WebhookVerdict.Unauthorized:
                return Refuse(service, WebhookOutcome.Unauthorized, verification.Reason ?? "The request is not signed by the service.");
            case WebhookVerdict.BadRequest:
                return Refuse(service, WebhookOutcome.BadRequest, verification.Reason ?? "The request is not of the service's form.");
            case WebhookVerdict.Handshake:
                metrics.WebhooksReceived.Add(1, Tag(service, "handshake"));
                logger.LogInformation("Webhook {Service}: {Reason}", service, verification.Reason);
                return new WebhookReceipt(WebhookOutcome.Handshake, verification.Reason, null);
        }

        var now = time.GetUtcNow();
        if (verification.SignedAt is { } signedAt
            && (signedAt - now).Duration() > TimeSpan.FromSeconds(options.Value.ReplayWindowSeconds))
        {
            return Refuse(service, WebhookOutcome.Unauthorized,
                $"The signed timestamp is more than {options.Value.ReplayWindowSeconds} seconds from now (a stale or replayed request).");
        }

        var name = LandedNameOf(service, verification.DeliveryKey!, verification.SignedAt ?? now);
        var metadata = new Dictionary<string, string>
        {
            ["source"] = "webhook",
            ["receivedAt"] = now.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        };
        if (!await landingZone.LandNewAsync(name, request.Body, metadata, cancellationToken))
        {
            metrics.WebhooksDuplicate.Add(1, Tag(service, "duplicate"));
            logger.LogInformation("Webhook {Service}: delivery already landed as {LandedFile}; nothing landed", service, name);
            return new WebhookReceipt(WebhookOutcome.Duplicate, "This delivery was received before; nothing was landed.", name.ToString());
        }

        metrics.WebhooksReceived.Add(1, Tag(service, "landed"));
        logger.LogInformation("Webhook {Service}: landed {LandedFile} ({Bytes} bytes)", service, name, request.Body.Length);
        return new WebhookReceipt(WebhookOutcome.Landed, null, name.ToString());
    }

    /// <summary>A body over the service's limit, refused while it was being read (counted here, as every refusal).</summary>
    public WebhookReceipt TooLarge(string service) =>
        Refuse(byService.ContainsKey(service) ? service : "unknown", WebhookOutcome.TooLarge,
            $"The body may have at most {MaxBodyBytes(service)} bytes.");

    /// <summary>The landing name of a delivery: deterministic, so the same delivery is the same name.</summary>
    public static LandedFileName LandedNameOf(string service, string deliveryKey, DateTimeOffset at)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(service + "\n" + deliveryKey));
        return new LandedFileName(service, DateOnly.FromDateTime(at.UtcDateTime), "wh-" + Convert.ToHexStringLower(digest)[..32], Kind, 1, "json");
    }

    private WebhookReceipt Refuse(string service, WebhookOutcome outcome, string reason)
    {
        metrics.WebhooksRefused.Add(1, Tag(service, outcome.ToString()));
        logger.LogWarning("Webhook {Service} refused ({Outcome}): {Reason}", service, outcome, reason);
        return new WebhookReceipt(outcome, reason, null);
    }

    private static KeyValuePair<string, object?>[] Tag(string service, string outcome) =>
        [new("service", service), new("outcome", outcome)];
}

public enum WebhookOutcome { Landed, Duplicate, Handshake, UnknownService, TooLarge, Unauthorized, BadRequest }

/// <param name="LandedFile">Where the body landed (or had landed, for a duplicate).</param>
public sealed record WebhookReceipt(WebhookOutcome Outcome, string? Reason, string? LandedFile);
