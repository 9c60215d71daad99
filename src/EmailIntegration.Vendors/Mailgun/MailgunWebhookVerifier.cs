using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EmailIntegration.Pipeline.Webhooks;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.Mailgun;

/// <summary>
/// Mailgun's webhook signature: the JSON body carries <c>signature: {timestamp, token, signature}</c>; the signature is the
/// hex HMAC-SHA256 of timestamp followed by token, keyed with the account's HTTP webhook signing key. Mailgun advises
/// caching tokens against replays: the token is this delivery's key, and its landing name is the cache.
/// Source: Mailgun, "Securing Webhooks" (https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks).
/// </summary>
public sealed class MailgunWebhookVerifier(IOptions<WebhookOptions> options) : IWebhookVerifier
{
    public const string ServiceName = "mailgun";

    public string Service => ServiceName;

    /// <summary>One event a request.</summary>
    public int MaxBodyBytes => 1024 * 1024;

    public bool IsConfigured => options.Value.Mailgun.Enabled;

    public Task<WebhookVerification> VerifyAsync(WebhookRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(Verify(request.Body));

    private WebhookVerification Verify(ReadOnlyMemory<byte> body)
    {
        string? timestamp, token, signature;
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("signature", out var block)
                || block.ValueKind != JsonValueKind.Object)
            {
                return WebhookVerification.Unauthorized("The body has no signature object.");
            }

            timestamp = Text(block, "timestamp");
            token = Text(block, "token");
            signature = Text(block, "signature");
        }
        catch (JsonException)
        {
            return WebhookVerification.BadRequest("The body is not JSON (Mailgun's JSON webhooks are served).");
        }

        if (timestamp is null || token is null || signature is null)
        {
            return WebhookVerification.Unauthorized("The signature object lacks timestamp, token or signature.");
        }

        if (timestamp.Length > 12 || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || token.Length is 0 or > 256 || signature.Length != 64)
        {
            return WebhookVerification.Unauthorized("The signature object is not of Mailgun's form.");
        }

        var expected = HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(options.Value.Mailgun.SigningKey!.Trim()), Encoding.UTF8.GetBytes(timestamp + token));
        var expectedHex = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(expected));
        var givenHex = Encoding.ASCII.GetBytes(signature.ToLowerInvariant());
        if (!CryptographicOperations.FixedTimeEquals(expectedHex, givenHex))
        {
            return WebhookVerification.Unauthorized("The signature does not verify with the configured signing key.");
        }

        return WebhookVerification.Deliver("token:" + token, DateTimeOffset.FromUnixTimeSeconds(seconds));
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value)
            ? value.ValueKind switch { JsonValueKind.String => value.GetString(), JsonValueKind.Number => value.GetRawText(), _ => null }
            : null;
}
