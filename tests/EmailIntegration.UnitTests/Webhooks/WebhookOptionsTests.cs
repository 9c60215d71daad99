using System.ComponentModel.DataAnnotations;
using EmailIntegration.Pipeline.Webhooks;

namespace EmailIntegration.UnitTests.Webhooks;

/// <summary>An enabled webhook without its secret is a start-up error, not a 500 on the first delivery.</summary>
public sealed class WebhookOptionsTests
{
    private static List<ValidationResult> Validate(WebhookOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    [Fact]
    public void DisabledServices_NeedNoSecrets_AndTheTestConfigurationIsValid()
    {
        Assert.Empty(Validate(new WebhookOptions()));
        Assert.Empty(Validate(WebhookTestOptions.Create().Value));
    }

    [Theory]
    [InlineData("sendgrid", null)]
    [InlineData("sendgrid", " ")]
    [InlineData("mailgun", "")]
    [InlineData("ses", "")]
    [InlineData("ses", "MyTopic")]
    [InlineData("postmark", "")]
    public void AnEnabledServiceWithoutAUsableSecret_IsInvalid(string service, string? secret)
    {
        var options = new WebhookOptions();
        switch (service)
        {
            case "sendgrid": options.SendGrid = new() { Enabled = true, VerificationKey = secret }; break;
            case "mailgun": options.Mailgun = new() { Enabled = true, SigningKey = secret }; break;
            case "ses": options.Ses = new() { Enabled = true, TopicArns = secret }; break;
            default: options.Postmark = new() { Enabled = true, UserName = "user", Password = secret }; break;
        }

        Assert.Single(Validate(options));
    }

    [Fact]
    public async Task AVerificationKeyThatIsNotAKey_FailsItsRequests_NamingTheSetting_ButNotTheStart()
    {
        var options = WebhookTestOptions.Create(sendGridPublicKey: "@Microsoft.KeyVault(SecretUri=https://vault/secrets/sendgrid-webhook-verification-key)");
        var verifier = new EmailIntegration.Vendors.SendGrid.SendGridWebhookVerifier(options);
        const string body = "[]";

        Assert.Empty(Validate(options.Value));
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            verifier.VerifyAsync(WebhookTestOptions.Request(body, SendGridSigner.Shared.Headers(body, 1770920772)), default));
        Assert.Contains("Webhooks:SendGrid:VerificationKey", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnIdFieldThatIsNotAPlainName_IsInvalid()
    {
        Assert.NotEmpty(Validate(new WebhookOptions { IndividualIdField = "ams id\n" }));
    }
}
