using System.ComponentModel.DataAnnotations;
using System.Net;

namespace EmailIntegration.Pipeline.AmsWebhook;

/// <summary>
/// The optional push of the change feed to the AMS (section <c>Ams</c>): off while <see cref="WebhookUrl"/> is empty. The
/// secret signs every delivery (Standard Webhooks, <c>whsec_&lt;base64&gt;</c>); it is a Key Vault reference in Azure and is
/// never logged, put in a URL or echoed by a validation message.
/// </summary>
public sealed class AmsWebhookOptions : IValidatableObject
{
    public const string Section = "Ams";

    /// <summary>Standard Webhooks secrets carry this prefix before the base64 key.</summary>
    public const string SecretPrefix = "whsec_";

    /// <summary>Where the batches are POSTed; empty: no push.</summary>
    public string? WebhookUrl { get; set; }

    public string? WebhookSecret { get; set; }

    /// <summary>Changes per delivery (a <c>/api/changes</c> page of this size).</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>Deliveries one run makes at most; the next run goes on from the cursor.</summary>
    [Range(1, 10_000)]
    public int MaxBatchesPerRun { get; set; } = 50;

    /// <summary>Retries of one delivery after its first attempt (408, 429, 5xx, timeouts, transport errors), backing off exponentially.</summary>
    [Range(1, 10)]
    public int MaxRetryAttempts { get; set; } = 5;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The retry budget: one delivery's attempts and waits together; then it is parked.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(3);

    public bool Enabled => !string.IsNullOrWhiteSpace(WebhookUrl);

    /// <summary>The signing key: the secret's base64 part decoded (24 to 64 bytes, as Standard Webhooks specifies).</summary>
    public static bool TryReadSecret(string? secret, out byte[] key)
    {
        key = [];
        var base64 = secret is not null && secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : null;
        var buffer = new byte[64];
        if (base64 is null || !Convert.TryFromBase64String(base64, buffer, out var length) || length is < 24 or > 64)
        {
            return false;
        }

        key = buffer[..length];
        return true;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (!Uri.TryCreate(WebhookUrl, UriKind.Absolute, out var url)
            || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && IsLoopback(url.Host))))
        {
            yield return new ValidationResult("Ams:WebhookUrl must be an absolute https URL (http only for a loopback receiver).", [nameof(WebhookUrl)]);
        }
        else if (url.UserInfo.Length > 0)
        {
            yield return new ValidationResult("Ams:WebhookUrl must not carry credentials: deliveries are signed with Ams:WebhookSecret.", [nameof(WebhookUrl)]);
        }

        if (!TryReadSecret(WebhookSecret, out _))
        {
            yield return new ValidationResult("Ams:WebhookSecret must be whsec_ followed by the base64 of a 24 to 64 byte key.", [nameof(WebhookSecret)]);
        }

        if (AttemptTimeout <= TimeSpan.Zero || Timeout < AttemptTimeout || RetryBaseDelay < TimeSpan.Zero)
        {
            yield return new ValidationResult("Ams: AttemptTimeout must be positive and at most Timeout; RetryBaseDelay not negative.", [nameof(Timeout)]);
        }
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
