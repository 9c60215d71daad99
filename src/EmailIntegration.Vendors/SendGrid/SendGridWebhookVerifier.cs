using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EmailIntegration.Pipeline.Webhooks;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.SendGrid;

/// <summary>
/// SendGrid's Signed Event Webhook: an ECDSA (P-256, SHA-256) signature over the timestamp header's text followed by the raw
/// body, base64 (DER) in <c>X-Twilio-Email-Event-Webhook-Signature</c>, the timestamp (Unix seconds) in
/// <c>X-Twilio-Email-Event-Webhook-Timestamp</c>; the verification key is base64 of the DER public key.
/// Source: Twilio SendGrid, "Getting Started with the Event Webhook Security Features"
/// (https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features).
/// </summary>
public sealed class SendGridWebhookVerifier(IOptions<WebhookOptions> options) : IWebhookVerifier
{
    public const string ServiceName = "sendgrid";
    public const string SignatureHeader = "X-Twilio-Email-Event-Webhook-Signature";
    public const string TimestampHeader = "X-Twilio-Email-Event-Webhook-Timestamp";

    private byte[]? key;

    public string Service => ServiceName;

    /// <summary>SendGrid posts batches of events; a few thousand events fit well within this.</summary>
    public int MaxBodyBytes => 4 * 1024 * 1024;

    public bool IsConfigured => options.Value.SendGrid.Enabled;

    public Task<WebhookVerification> VerifyAsync(WebhookRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(Verify(request));

    private WebhookVerification Verify(WebhookRequest request)
    {
        var signature = request.Header(SignatureHeader);
        var timestamp = request.Header(TimestampHeader);
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(timestamp))
        {
            return WebhookVerification.Unauthorized($"The request has no {SignatureHeader} and {TimestampHeader}.");
        }

        if (timestamp.Length > 12 || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return WebhookVerification.BadRequest("The timestamp header is not Unix seconds.");
        }

        var signatureBytes = new byte[signature.Length];
        if (!Convert.TryFromBase64String(signature, signatureBytes, out var signatureLength))
        {
            return WebhookVerification.Unauthorized("The signature is not base64.");
        }

        using var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportSubjectPublicKeyInfo(key ??= Convert.FromBase64String(options.Value.SendGrid.VerificationKey!.Trim()), out _);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            throw new InvalidOperationException("Webhooks:SendGrid:VerificationKey is not a base64 DER public key.", ex);
        }

        var timestampBytes = Encoding.UTF8.GetBytes(timestamp);
        var signed = new byte[timestampBytes.Length + request.Body.Length];
        timestampBytes.CopyTo(signed, 0);
        request.Body.Span.CopyTo(signed.AsSpan(timestampBytes.Length));
        if (!ecdsa.VerifyData(signed, signatureBytes.AsSpan(0, signatureLength), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
        {
            return WebhookVerification.Unauthorized("The signature does not verify with the configured key.");
        }

        // SendGrid signs each attempt anew (ECDSA signatures differ each time), so the same batch is known by its bytes.
        return WebhookVerification.Deliver(Convert.ToHexStringLower(SHA256.HashData(request.Body.Span)), DateTimeOffset.FromUnixTimeSeconds(seconds));
    }
}
