using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using EmailIntegration.Pipeline.Webhooks;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.Ses;

/// <summary>
/// Amazon SES events delivered by an SNS https subscription. Each SNS message is verified as SNS documents it: the
/// string to sign is the message's fields as <c>name\nvalue\n</c> in byte order of the names — for a Notification
/// <c>Message, MessageId, Subject</c> (when present)<c>, Timestamp, TopicArn, Type</c>; for a (Un)SubscriptionConfirmation
/// <c>Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type</c> — signed RSA PKCS#1 v1.5 with SHA1
/// (<c>SignatureVersion</c> 1) or SHA256 (2) by the certificate at <c>SigningCertURL</c>, which must be an SNS host over
/// https; and the topic must be one we subscribed (any AWS account can sign for its own topic).
/// A SubscriptionConfirmation is confirmed by a GET of its SubscribeURL (also an SNS host) and lands nothing.
/// Sources: Amazon SNS Developer Guide, "Verifying the signatures of Amazon SNS messages"
/// (https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html) and "Parsing message formats"/HTTP(S)
/// subscription confirmation (https://docs.aws.amazon.com/sns/latest/dg/sns-subscribe-https-s-endpoints-to-topic.html).
/// </summary>
public sealed class SesWebhookVerifier(
    IOptions<WebhookOptions> options, ISnsCertificateSource certificates, ISnsSubscriptionConfirmer confirmer) : IWebhookVerifier
{
    public const string ServiceName = "ses";
    public const string MessageTypeHeader = "x-amz-sns-message-type";

    public string Service => ServiceName;

    /// <summary>An SNS message is at most 256 KB; JSON escaping inside the envelope can nearly double it.</summary>
    public int MaxBodyBytes => 600 * 1024;

    public bool IsConfigured => options.Value.Ses.Enabled;

    public async Task<WebhookVerification> VerifyAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        SnsEnvelope envelope;
        try
        {
            envelope = SnsEnvelope.Read(request.Body);
        }
        catch (JsonException)
        {
            return WebhookVerification.BadRequest("The body is not an SNS message (JSON).");
        }

        if (envelope.Type is not ("Notification" or "SubscriptionConfirmation" or "UnsubscribeConfirmation"))
        {
            return WebhookVerification.BadRequest("The SNS message Type is not Notification, SubscriptionConfirmation or UnsubscribeConfirmation.");
        }

        if (request.Header(MessageTypeHeader) is { } headerType && !string.Equals(headerType, envelope.Type, StringComparison.Ordinal))
        {
            return WebhookVerification.BadRequest($"The {MessageTypeHeader} header and the message Type differ.");
        }

        if (envelope.TopicArn is null || !options.Value.Ses.AllowedTopicArns().Contains(envelope.TopicArn, StringComparer.Ordinal))
        {
            return WebhookVerification.Unauthorized("The message is not from a topic we subscribed.");
        }

        var algorithm = envelope.SignatureVersion switch
        {
            "1" => HashAlgorithmName.SHA1,
            "2" => HashAlgorithmName.SHA256,
            _ => default,
        };
        if (algorithm == default || envelope.Signature is null || envelope.MessageId is null || envelope.Timestamp is null)
        {
            return WebhookVerification.Unauthorized("The message is not signed (SignatureVersion 1 or 2, Signature, MessageId, Timestamp).");
        }

        if (!Uri.TryCreate(envelope.SigningCertUrl, UriKind.Absolute, out var certificateUrl) || !SnsHosts.IsSnsUrl(certificateUrl)
            || !certificateUrl.AbsolutePath.EndsWith(".pem", StringComparison.Ordinal))
        {
            return WebhookVerification.Unauthorized("SigningCertURL is not an Amazon SNS certificate over https.");
        }

        var signature = new byte[envelope.Signature.Length];
        if (!Convert.TryFromBase64String(envelope.Signature, signature, out var signatureLength))
        {
            return WebhookVerification.Unauthorized("The signature is not base64.");
        }

        var certificate = await certificates.GetAsync(certificateUrl, cancellationToken);
        using var rsa = certificate.GetRSAPublicKey();
        if (rsa is null || !rsa.VerifyData(Encoding.UTF8.GetBytes(envelope.StringToSign()), signature.AsSpan(0, signatureLength), algorithm, RSASignaturePadding.Pkcs1))
        {
            return WebhookVerification.Unauthorized("The signature does not verify with the SNS signing certificate.");
        }

        if (!DateTimeOffset.TryParse(envelope.Timestamp, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            return WebhookVerification.BadRequest("The Timestamp is not an ISO 8601 time.");
        }

        switch (envelope.Type)
        {
            case "SubscriptionConfirmation":
                if (!Uri.TryCreate(envelope.SubscribeUrl, UriKind.Absolute, out var subscribeUrl) || !SnsHosts.IsSnsUrl(subscribeUrl))
                {
                    return WebhookVerification.BadRequest("SubscribeURL is not an Amazon SNS URL over https.");
                }

                await confirmer.ConfirmAsync(subscribeUrl, cancellationToken);
                return WebhookVerification.Handshake("The SNS subscription was confirmed.");
            case "UnsubscribeConfirmation":
                return WebhookVerification.Handshake("The SNS unsubscribe confirmation was received; nothing to do.");
            default:
                return WebhookVerification.Deliver("sns:" + envelope.MessageId, signedAt.ToUniversalTime());
        }
    }
}

/// <summary>The fields of an SNS message that its signature covers.</summary>
internal sealed record SnsEnvelope(
    string? Type, string? MessageId, string? TopicArn, string? Subject, string? Message, string? Timestamp,
    string? SignatureVersion, string? Signature, string? SigningCertUrl, string? SubscribeUrl, string? Token)
{
    public static SnsEnvelope Read(ReadOnlyMemory<byte> body)
    {
        using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 });
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("Not an object.");
        }

        string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return new SnsEnvelope(Text("Type"), Text("MessageId"), Text("TopicArn"), Text("Subject"), Text("Message"), Text("Timestamp"),
            Text("SignatureVersion"), Text("Signature"), Text("SigningCertURL"), Text("SubscribeURL"), Text("Token"));
    }

    public string StringToSign()
    {
        var text = new StringBuilder();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                text.Append(name).Append('\n').Append(value).Append('\n');
            }
        }

        Add("Message", Message);
        Add("MessageId", MessageId);
        if (Type == "Notification")
        {
            Add("Subject", Subject);
            Add("Timestamp", Timestamp);
            Add("TopicArn", TopicArn);
            Add("Type", Type);
        }
        else
        {
            Add("SubscribeURL", SubscribeUrl);
            Add("Timestamp", Timestamp);
            Add("Token", Token);
            Add("TopicArn", TopicArn);
            Add("Type", Type);
        }

        return text.ToString();
    }
}
