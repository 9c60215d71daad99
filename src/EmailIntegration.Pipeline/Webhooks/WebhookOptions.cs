using System.ComponentModel.DataAnnotations;

namespace EmailIntegration.Pipeline.Webhooks;

/// <summary>
/// Section <c>Webhooks</c>: the replay window, the send-time metadata names that carry our ids, and each service's
/// verification secret (Key Vault references in Azure). A service whose secret is empty is not served (404).
/// </summary>
public sealed class WebhookOptions : IValidatableObject
{
    public const string Section = "Webhooks";

    /// <summary>
    /// How far a signed timestamp may be from now, either way. SendGrid and Mailgun sign each attempt; SNS keeps the
    /// publish time across its retries, so the window must cover the topic's delivery retry policy (the default policy
    /// retries within a minute).
    /// </summary>
    [Range(30, 24 * 60 * 60)]
    public int ReplayWindowSeconds { get; set; } = 600;

    /// <summary>The custom argument / user variable / metadata / message tag holding the AMS individual id at send time.</summary>
    [Required, RegularExpression(@"\A[A-Za-z0-9_-]{1,64}\z")]
    public string IndividualIdField { get; set; } = "ams_id";

    /// <summary>The same for our mailing id; without it the service's message id is the mailing.</summary>
    [Required, RegularExpression(@"\A[A-Za-z0-9_-]{1,64}\z")]
    public string MailingIdField { get; set; } = "mailing_id";

    /// <summary>The same for the AMS mailing type (the e-mail group an unsubscribe applies to).</summary>
    [Required, RegularExpression(@"\A[A-Za-z0-9_-]{1,64}\z")]
    public string MailingTypeField { get; set; } = "mailing_type";

    public SendGridWebhookOptions SendGrid { get; set; } = new();

    public MailgunWebhookOptions Mailgun { get; set; } = new();

    public SesWebhookOptions Ses { get; set; } = new();

    public PostmarkWebhookOptions Postmark { get; set; } = new();

    /// <summary>An enabled service must have its secret: caught at start-up, not on the first delivery.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Only presence: an unresolved Key Vault reference arrives as its own text, and a mis-set secret must fail that
        // service's requests (500, logged with the setting's name), not keep the whole app from starting.
        if (SendGrid.Enabled && string.IsNullOrWhiteSpace(SendGrid.VerificationKey))
        {
            yield return new ValidationResult("Webhooks:SendGrid is enabled but has no VerificationKey.", [nameof(SendGrid)]);
        }

        if (Mailgun.Enabled && string.IsNullOrWhiteSpace(Mailgun.SigningKey))
        {
            yield return new ValidationResult("Webhooks:Mailgun is enabled but has no SigningKey.", [nameof(Mailgun)]);
        }

        if (Ses.Enabled && (Ses.AllowedTopicArns().Count == 0 || Ses.AllowedTopicArns().Any(arn => !arn.StartsWith("arn:aws", StringComparison.Ordinal))))
        {
            yield return new ValidationResult("Webhooks:Ses is enabled but TopicArns is not a ';'-separated list of SNS topic ARNs.", [nameof(Ses)]);
        }

        if (Postmark.Enabled && (string.IsNullOrEmpty(Postmark.UserName) || string.IsNullOrEmpty(Postmark.Password) || Postmark.UserName.Contains(':', StringComparison.Ordinal)))
        {
            yield return new ValidationResult("Webhooks:Postmark is enabled but needs a UserName (without ':') and a Password.", [nameof(Postmark)]);
        }
    }
}

public sealed class SendGridWebhookOptions
{
    public bool Enabled { get; set; }

    /// <summary>The Signed Event Webhook's verification key as SendGrid shows it: base64 of the DER public key (P-256).</summary>
    public string? VerificationKey { get; set; }
}

public sealed class MailgunWebhookOptions
{
    public bool Enabled { get; set; }

    /// <summary>The HTTP webhook signing key of the Mailgun account.</summary>
    public string? SigningKey { get; set; }
}

public sealed class SesWebhookOptions
{
    public bool Enabled { get; set; }

    /// <summary>
    /// The SNS topic ARNs we subscribed, separated by ';'. Any AWS account can sign a message for its own topic, so a
    /// message from any other topic is refused whatever its signature.
    /// </summary>
    public string? TopicArns { get; set; }

    public IReadOnlyList<string> AllowedTopicArns() =>
        (TopicArns ?? string.Empty).Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}

public sealed class PostmarkWebhookOptions
{
    public bool Enabled { get; set; }

    /// <summary>The HTTP Basic credentials set on the Postmark webhook (its HttpAuth).</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }
}
