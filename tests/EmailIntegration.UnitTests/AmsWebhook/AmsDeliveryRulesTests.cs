using System.ComponentModel.DataAnnotations;
using EmailIntegration.Pipeline.AmsWebhook;

namespace EmailIntegration.UnitTests.AmsWebhook;

public sealed class AmsDeliveryRulesTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(200, DeliveryOutcome.Delivered)]
    [InlineData(202, DeliveryOutcome.Delivered)]
    [InlineData(204, DeliveryOutcome.Delivered)]
    [InlineData(null, DeliveryOutcome.Transient)]
    [InlineData(408, DeliveryOutcome.Transient)]
    [InlineData(429, DeliveryOutcome.Transient)]
    [InlineData(500, DeliveryOutcome.Transient)]
    [InlineData(503, DeliveryOutcome.Transient)]
    [InlineData(400, DeliveryOutcome.Permanent)]
    [InlineData(401, DeliveryOutcome.Permanent)]
    [InlineData(404, DeliveryOutcome.Permanent)]
    [InlineData(410, DeliveryOutcome.Permanent)]
    [InlineData(302, DeliveryOutcome.Permanent)]
    public void Classify_DeliversOn2xx_RetriesOnlyWhatCanRecover(int? status, DeliveryOutcome expected)
    {
        Assert.Equal(expected, AmsDeliveryRules.Classify(status));
    }

    [Fact]
    public void DeliveryId_IsTheSameForTheSameBatch_AndDiffersForAnother()
    {
        var id = AmsDeliveryRules.DeliveryIdOf(["c-1", "c-2"]);

        Assert.Equal(id, AmsDeliveryRules.DeliveryIdOf(["c-1", "c-2"]));
        Assert.NotEqual(id, AmsDeliveryRules.DeliveryIdOf(["c-2", "c-1"]));
        Assert.NotEqual(id, AmsDeliveryRules.DeliveryIdOf(["c-1"]));
        Assert.True(AmsDeliveryRules.IsDeliveryId(id));
    }

    [Theory]
    [InlineData("msg_0123456789abcdef0123456789abcdef", true)]
    [InlineData("msg_0123456789ABCDEF0123456789abcdef", false)]
    [InlineData("msg_0123456789abcdef0123456789abcde", false)]
    [InlineData("msg_0123456789abcdef0123456789abcdef\n", false)]
    [InlineData("../msg_0123456789abcdef0123456789abcdef", false)]
    [InlineData("", false)]
    public void DeliveryIds_AreCheckedWholly(string id, bool valid)
    {
        Assert.Equal(valid, AmsDeliveryRules.IsDeliveryId(id));
    }

    [Fact]
    public void TheParkReason_SaysTheLastAnswerAndTheAttempts()
    {
        Assert.Equal("refused: HTTP 400 after 1 attempt(s)", AmsDeliveryRules.ReasonOf(new DeliveryAttempts(400, 1, At, At)));
        Assert.Equal("retry budget spent: HTTP 503 after 6 attempt(s)", AmsDeliveryRules.ReasonOf(new DeliveryAttempts(503, 6, At, At.AddMinutes(1))));
        Assert.Equal("retry budget spent: transport error ConnectionError after 3 attempt(s)",
            AmsDeliveryRules.ReasonOf(new DeliveryAttempts(null, 3, At, At, "transport error ConnectionError")));
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("", "whsec_bad", true)]
    [InlineData("https://ams.example.org/hooks/changes", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", true)]
    [InlineData("http://127.0.0.1:5000/hooks", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", true)]
    [InlineData("http://ams.example.org/hooks", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", false)]
    [InlineData("https://user:pass@ams.example.org/hooks", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", false)]
    [InlineData("ams.example.org/hooks", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", false)]
    [InlineData("https://ams.example.org/hooks", null, false)]
    [InlineData("https://ams.example.org/hooks", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", false)]
    [InlineData("https://ams.example.org/hooks", "whsec_c2hvcnQ=", false)]
    [InlineData("https://ams.example.org/hooks", "whsec_not base64!", false)]
    public void Options_AreValidOnlyWithAnHttpsUrlWithoutCredentials_AndAStandardWebhooksSecret(string? url, string? secret, bool valid)
    {
        var options = new AmsWebhookOptions { WebhookUrl = url, WebhookSecret = secret };
        var results = new List<ValidationResult>();

        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.All(results, r => Assert.DoesNotContain("MfKQ9r8", r.ErrorMessage, StringComparison.Ordinal));
    }
}
