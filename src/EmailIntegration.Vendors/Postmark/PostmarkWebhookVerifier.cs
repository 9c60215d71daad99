using System.Security.Cryptography;
using System.Text;
using EmailIntegration.Pipeline.Webhooks;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.Postmark;

/// <summary>
/// Postmark signs nothing: a webhook is protected by HTTP Basic credentials set on it (its <c>HttpAuth</c>), sent in the
/// Authorization header over https. They are compared in constant time (as hashes, so their lengths don't show either).
/// Postmark sends no timestamp or delivery id in headers, so there is no replay window: a delivery is known by its bytes.
/// Sources: Postmark, "Webhooks overview" (https://postmarkapp.com/developer/webhooks/webhooks-overview) and the Webhooks
/// API's <c>HttpAuth</c> (https://postmarkapp.com/developer/api/webhooks-api).
/// </summary>
public sealed class PostmarkWebhookVerifier(IOptions<WebhookOptions> options) : IWebhookVerifier
{
    public const string ServiceName = "postmark";

    public string Service => ServiceName;

    /// <summary>One event a request; a bounce may carry the bounced message's content.</summary>
    public int MaxBodyBytes => 2 * 1024 * 1024;

    public bool IsConfigured => options.Value.Postmark.Enabled;

    public Task<WebhookVerification> VerifyAsync(WebhookRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(Verify(request));

    private WebhookVerification Verify(WebhookRequest request)
    {
        var authorization = request.Header("Authorization");
        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) || authorization.Length > 1024)
        {
            return WebhookVerification.Unauthorized("The request has no HTTP Basic credentials.");
        }

        var encoded = authorization["Basic ".Length..].Trim();
        var decoded = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, decoded, out var length))
        {
            return WebhookVerification.Unauthorized("The Basic credentials are not base64.");
        }

        var expected = Encoding.UTF8.GetBytes(options.Value.Postmark.UserName + ":" + options.Value.Postmark.Password);
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(decoded.AsSpan(0, length)), SHA256.HashData(expected)))
        {
            return WebhookVerification.Unauthorized("The Basic credentials are not the configured ones.");
        }

        return WebhookVerification.Deliver(Convert.ToHexStringLower(SHA256.HashData(request.Body.Span)), signedAt: null);
    }
}
