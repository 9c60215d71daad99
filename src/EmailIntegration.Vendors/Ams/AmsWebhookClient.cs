using System.Globalization;
using System.Text;
using EmailIntegration.Pipeline.AmsWebhook;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StandardWebhooks;

namespace EmailIntegration.Vendors.Ams;

/// <summary>
/// POSTs one delivery to <c>Ams:WebhookUrl</c> through the standard resilience handler (retries 408, 429, 5xx and
/// transport errors with exponential back-off within <c>Ams:Timeout</c>); <see cref="StandardWebhookSigningHandler"/>, inside
/// it, signs every attempt. An answer or a failed connection is a result, never an exception: the caller parks it.
/// </summary>
public sealed class AmsWebhookClient(HttpClient http, IOptions<AmsWebhookOptions> options) : IAmsWebhookSender
{
    public async Task<DeliveryAttempts> SendAsync(string deliveryId, string body, CancellationToken cancellationToken)
    {
        var log = new AttemptLog();
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Value.WebhookUrl)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(StandardWebhookSigningHandler.IdHeader, deliveryId);
        request.Options.Set(AttemptLog.Key, log);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return log.Result((int)response.StatusCode, null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested
            && ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or TaskCanceledException)
        {
            return log.Result(null, ex is HttpRequestException http ? $"transport error {http.HttpRequestError}" : ex.GetType().Name);
        }
    }
}

/// <summary>
/// Signs each attempt as Standard Webhooks specifies: <c>webhook-timestamp</c> (Unix seconds, now) and
/// <c>webhook-signature</c> <c>v1,&lt;base64 HMAC-SHA256 of "{id}.{timestamp}.{body}"&gt;</c> (the <c>StandardWebhooks</c>
/// package), so a retry carries a fresh timestamp that the receiver's tolerance accepts. Spec:
/// https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
/// </summary>
public sealed class StandardWebhookSigningHandler(IOptions<AmsWebhookOptions> options, TimeProvider time) : DelegatingHandler
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    private readonly Lazy<StandardWebhook> signer = new(() => new StandardWebhook(options.Value.WebhookSecret!));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        Sign(request, await request.Content!.ReadAsStringAsync(cancellationToken), now);
        if (request.Options.TryGetValue(AttemptLog.Key, out var log))
        {
            log.Record(now);
        }

        return await base.SendAsync(request, cancellationToken);
    }

    private void Sign(HttpRequestMessage request, string body, DateTimeOffset now)
    {
        var id = request.Headers.GetValues(IdHeader).Single();
        request.Headers.Remove(TimestampHeader);
        request.Headers.Remove(SignatureHeader);
        request.Headers.Add(TimestampHeader, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(SignatureHeader, signer.Value.Sign(id, now, body));
    }
}

/// <summary>One delivery's attempts as the signing handler saw them: how many, the first and the last (UTC).</summary>
public sealed class AttemptLog
{
    public static readonly HttpRequestOptionsKey<AttemptLog> Key = new("EmailIntegration.AmsWebhook.Attempts");

    private int attempts;
    private DateTimeOffset first;
    private DateTimeOffset last;

    public void Record(DateTimeOffset at)
    {
        if (Interlocked.Increment(ref attempts) == 1)
        {
            first = at;
        }

        last = at;
    }

    public DeliveryAttempts Result(int? status, string? error) =>
        new(status, attempts, first.ToUniversalTime(), last.ToUniversalTime(), error);
}
