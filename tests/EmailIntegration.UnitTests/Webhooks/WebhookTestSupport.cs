using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Pipeline.Webhooks;
using EmailIntegration.Vendors.Ses;
using Microsoft.Extensions.Options;

namespace EmailIntegration.UnitTests.Webhooks;

/// <summary>Options with every service configured by the keys the tests sign with.</summary>
internal static class WebhookTestOptions
{
    public const string MailgunKey = "key-test-0123456789abcdef";
    public const string TopicArn = "arn:aws:sns:us-west-2:123456789012:MyTopic";
    public const string PostmarkUser = "postmark-hook";
    public const string PostmarkPassword = "s3cret:with-colon";

    public static IOptions<WebhookOptions> Create(string? sendGridPublicKey = null, int replayWindowSeconds = 600) => Options.Create(new WebhookOptions
    {
        ReplayWindowSeconds = replayWindowSeconds,
        SendGrid = { Enabled = true, VerificationKey = sendGridPublicKey ?? SendGridSigner.Shared.PublicKey },
        Mailgun = { Enabled = true, SigningKey = MailgunKey },
        Ses = { Enabled = true, TopicArns = "arn:aws:sns:us-east-1:123456789012:Other; " + TopicArn },
        Postmark = { Enabled = true, UserName = PostmarkUser, Password = PostmarkPassword },
    });

    public static WebhookRequest Request(string body, params (string Name, string Value)[] headers) =>
        Request(Encoding.UTF8.GetBytes(body), headers);

    public static WebhookRequest Request(byte[] body, params (string Name, string Value)[] headers) =>
        new(body, name => headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault());
}

/// <summary>Signs as SendGrid does: ECDSA P-256 / SHA-256 over the timestamp's text then the body, DER, base64.</summary>
internal sealed class SendGridSigner
{
    public static readonly SendGridSigner Shared = new();

    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>As SendGrid shows the verification key: base64 of the DER SubjectPublicKeyInfo.</summary>
    public string PublicKey => Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());

    public (string Name, string Value)[] Headers(string body, long timestamp)
    {
        var signed = Encoding.UTF8.GetBytes(timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture) + body);
        var signature = key.SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return
        [
            ("X-Twilio-Email-Event-Webhook-Signature", Convert.ToBase64String(signature)),
            ("X-Twilio-Email-Event-Webhook-Timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];
    }
}

/// <summary>Mailgun's scheme: hex HMAC-SHA256 of timestamp + token with the signing key.</summary>
internal static class MailgunSigner
{
    public static string Sign(string key, string timestamp, string token) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(timestamp + token)));

    /// <summary>A webhook body as Mailgun posts it: the signature object beside the event-data.</summary>
    public static string Body(string eventData, long timestamp, string token, string? key = null) =>
        $$"""{"signature":{"token":"{{token}}","timestamp":"{{timestamp}}","signature":"{{Sign(key ?? WebhookTestOptions.MailgunKey, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), token)}}"},"event-data":{{eventData}}}""";
}

/// <summary>
/// An SNS stand-in: a generated certificate and the signing SNS documents (string to sign built here from the documented
/// field lists, independently of the verifier).
/// </summary>
internal sealed class SnsSigner : ISnsCertificateSource, ISnsSubscriptionConfirmer
{
    public const string CertificateUrl = "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem";

    public SnsSigner()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=sns.amazonaws.com", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    public X509Certificate2 Certificate { get; }

    public ConcurrentQueue<Uri> CertificatesFetched { get; } = new();

    public ConcurrentQueue<Uri> Confirmed { get; } = new();

    public Task<X509Certificate2> GetAsync(Uri certificateUrl, CancellationToken cancellationToken)
    {
        CertificatesFetched.Enqueue(certificateUrl);
        return Task.FromResult(Certificate);
    }

    public Task ConfirmAsync(Uri subscribeUrl, CancellationToken cancellationToken)
    {
        Confirmed.Enqueue(subscribeUrl);
        return Task.CompletedTask;
    }

    /// <summary>An SNS Notification carrying <paramref name="message"/>, signed with version 1 (SHA1) or 2 (SHA256).</summary>
    public string Notification(string message, DateTimeOffset timestamp, string signatureVersion = "2", string? subject = null,
        string messageId = "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324", string topicArn = WebhookTestOptions.TopicArn, string certificateUrl = CertificateUrl)
    {
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["Message"] = message,
            ["MessageId"] = messageId,
            ["Timestamp"] = timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["TopicArn"] = topicArn,
            ["Type"] = "Notification",
        };
        if (subject is not null)
        {
            fields["Subject"] = subject;
        }

        return Envelope(fields, signatureVersion, certificateUrl, extra: new() { ["UnsubscribeURL"] = "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x" });
    }

    /// <summary>SNS's SubscriptionConfirmation, as in the SNS developer guide's example.</summary>
    public string SubscriptionConfirmation(string subscribeUrl, DateTimeOffset timestamp, string certificateUrl = CertificateUrl)
    {
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["Message"] = $"You have chosen to subscribe to the topic {WebhookTestOptions.TopicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.",
            ["MessageId"] = "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
            ["SubscribeURL"] = subscribeUrl,
            ["Timestamp"] = timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["Token"] = "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736",
            ["TopicArn"] = WebhookTestOptions.TopicArn,
            ["Type"] = "SubscriptionConfirmation",
        };
        return Envelope(fields, "1", certificateUrl, extra: []);
    }

    private string Envelope(SortedDictionary<string, string> fields, string signatureVersion, string certificateUrl, Dictionary<string, string> extra)
    {
        var toSign = new StringBuilder();
        foreach (var (name, value) in fields)
        {
            toSign.Append(name).Append('\n').Append(value).Append('\n');
        }

        using var rsa = Certificate.GetRSAPrivateKey()!;
        var signature = rsa.SignData(Encoding.UTF8.GetBytes(toSign.ToString()),
            signatureVersion == "1" ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var body = new Dictionary<string, string>(fields)
        {
            ["SignatureVersion"] = signatureVersion,
            ["Signature"] = Convert.ToBase64String(signature),
            ["SigningCertURL"] = certificateUrl,
        };
        foreach (var (name, value) in extra)
        {
            body[name] = value;
        }

        return JsonSerializer.Serialize(body);
    }
}

/// <summary>An in-memory landing zone whose conditional create is atomic, as the blob store's is.</summary>
internal sealed class InMemoryLandingZone : ILandingZone
{
    public ConcurrentDictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    public Task LandAsync(LandedFileName name, ReadOnlyMemory<byte> content, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        Files[name.ToString()] = content.ToArray();
        return Task.CompletedTask;
    }

    public Task<bool> LandNewAsync(LandedFileName name, ReadOnlyMemory<byte> content, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        Task.FromResult(Files.TryAdd(name.ToString(), content.ToArray()));

    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new MemoryStream(Files[name], writable: false));

    public async IAsyncEnumerable<string> ListRunAsync(string runId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var name in Files.Keys.Where(n => LandedFileName.BelongsToRun(n, runId)).Order(StringComparer.Ordinal))
        {
            yield return name;
        }
    }
}

/// <summary>Sums a counter of the pipeline's meter by its tags while alive.</summary>
internal sealed class CounterRecorder : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<string, long> totals = new(StringComparer.Ordinal);

    public CounterRecorder()
    {
        listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EmailIntegration.Pipeline.Observability.PipelineMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var outcome = string.Empty;
            foreach (var tag in tags)
            {
                if (tag.Key == "outcome")
                {
                    outcome = tag.Value?.ToString() ?? string.Empty;
                }
            }

            totals.AddOrUpdate($"{instrument.Name}|{outcome}", value, (_, total) => total + value);
        });
        listener.Start();
    }

    public long Total(string instrument, string outcome) => totals.GetValueOrDefault($"{instrument}|{outcome}");

    public void Dispose() => listener.Dispose();
}

/// <summary>Parses a landed body with a parser and returns its records.</summary>
internal static class ParseSupport
{
    public static async Task<List<ParsedRecord>> ParseAsync(ITrackingParser parser, string body)
    {
        var records = new List<ParsedRecord>();
        var name = WebhookReceiver.LandedNameOf(parser.Vendor, "test", DateTimeOffset.UtcNow);
        await foreach (var record in parser.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(body)), name, CancellationToken.None))
        {
            records.Add(record);
        }

        return records;
    }
}
