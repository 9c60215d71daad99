using System.Text;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Pipeline.Webhooks;
using EmailIntegration.UnitTests.Pipeline;
using EmailIntegration.Vendors.Mailgun;
using EmailIntegration.Vendors.Postmark;
using EmailIntegration.Vendors.SendGrid;
using EmailIntegration.Vendors.Ses;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EmailIntegration.UnitTests.Webhooks;

/// <summary>The receiver: verify, refuse stale and replayed deliveries, land the raw body once, count.</summary>
public sealed class WebhookReceiverTests : IDisposable
{
    private const long Timestamp = 1770920772;
    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(Timestamp);

    private readonly InMemoryLandingZone landing = new();
    private readonly FixedTimeProvider clock = new(SignedAt.AddSeconds(30));
    private readonly SnsSigner sns = new();
    private readonly CounterRecorder counters = new();

    public void Dispose() => counters.Dispose();

    private WebhookReceiver Receiver(IOptions<WebhookOptions>? options = null)
    {
        options ??= WebhookTestOptions.Create();
        return new WebhookReceiver(
            [new SendGridWebhookVerifier(options), new MailgunWebhookVerifier(options), new SesWebhookVerifier(options, sns, sns), new PostmarkWebhookVerifier(options)],
            landing, clock, options, TestMetrics.Create(), NullLogger<WebhookReceiver>.Instance);
    }

    [Fact]
    public async Task ASignedDelivery_LandsItsRawBodyUnchanged_UnderTheServiceAndSignedDate()
    {
        var body = SendGridWebhookTests.PublishedExample;

        var receipt = await Receiver().ReceiveAsync("sendgrid", WebhookTestOptions.Request(body, SendGridSigner.Shared.Headers(body, Timestamp)), default);

        Assert.Equal(WebhookOutcome.Landed, receipt.Outcome);
        var (name, content) = Assert.Single(landing.Files);
        Assert.Equal(name, receipt.LandedFile);
        Assert.Equal(Encoding.UTF8.GetBytes(body), content);
        Assert.True(LandedFileName.TryParse(name, out var parsed));
        Assert.Equal(("sendgrid", DateOnly.FromDateTime(SignedAt.UtcDateTime), "events", "json"), (parsed!.Vendor, parsed.RunDate, parsed.Kind, parsed.Extension));
        Assert.Matches(@"\Awh-[0-9a-f]{32}\z", parsed.RunId);
        Assert.Equal(1, counters.Total("emailintegration.webhooks_received", "landed"));
    }

    [Fact]
    public async Task AReplayedDelivery_IsNotLandedAgain_AndIsCounted()
    {
        var body = MailgunSigner.Body(MailgunWebhookTests.Complained, Timestamp, "e0b5477167110d68991efc6b9f89f0a11066af27834600e123");
        var receiver = Receiver();

        var first = await receiver.ReceiveAsync("mailgun", WebhookTestOptions.Request(body), default);
        clock.Now = clock.Now.AddSeconds(5);
        var replay = await receiver.ReceiveAsync("mailgun", WebhookTestOptions.Request(body), default);

        Assert.Equal(WebhookOutcome.Landed, first.Outcome);
        Assert.Equal(WebhookOutcome.Duplicate, replay.Outcome);
        Assert.Equal(first.LandedFile, replay.LandedFile);
        Assert.Single(landing.Files);
        Assert.Equal(1, counters.Total("emailintegration.webhooks_duplicate", "duplicate"));
    }

    [Theory]
    [InlineData(-601)]
    [InlineData(601)]
    public async Task ASignedTimestampOutsideTheWindow_IsUnauthorized_AndNothingLands(int secondsFromNow)
    {
        clock.Now = SignedAt.AddSeconds(-secondsFromNow);
        var body = SendGridWebhookTests.PublishedExample;

        var receipt = await Receiver().ReceiveAsync("sendgrid", WebhookTestOptions.Request(body, SendGridSigner.Shared.Headers(body, Timestamp)), default);

        Assert.Equal(WebhookOutcome.Unauthorized, receipt.Outcome);
        Assert.Contains("600 seconds", receipt.Reason, StringComparison.Ordinal);
        Assert.Empty(landing.Files);
        Assert.Equal(1, counters.Total("emailintegration.webhooks_refused", "Unauthorized"));
    }

    [Fact]
    public async Task AStaleSnsNotification_IsRefused_ButOneInsideTheWindowLands()
    {
        var stale = sns.Notification(SesWebhookTests.ComplaintExample, clock.Now.AddMinutes(-11), messageId: "old");
        var fresh = sns.Notification(SesWebhookTests.ComplaintExample, clock.Now.AddMinutes(-9), messageId: "new");

        Assert.Equal(WebhookOutcome.Unauthorized, (await Receiver().ReceiveAsync("ses", WebhookTestOptions.Request(stale), default)).Outcome);
        Assert.Equal(WebhookOutcome.Landed, (await Receiver().ReceiveAsync("ses", WebhookTestOptions.Request(fresh), default)).Outcome);
        Assert.Single(landing.Files);
    }

    [Fact]
    public async Task ABadSignature_IsUnauthorized_AndNothingLands()
    {
        var body = SendGridWebhookTests.PublishedExample;
        var headers = new SendGridSigner().Headers(body, Timestamp);

        var receipt = await Receiver().ReceiveAsync("sendgrid", WebhookTestOptions.Request(body, headers), default);

        Assert.Equal(WebhookOutcome.Unauthorized, receipt.Outcome);
        Assert.Empty(landing.Files);
    }

    [Fact]
    public async Task ASubscriptionConfirmation_IsAHandshake_AndNothingLands()
    {
        var body = sns.SubscriptionConfirmation("https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&Token=abc", clock.Now);

        var receipt = await Receiver().ReceiveAsync("ses", WebhookTestOptions.Request(body), default);

        Assert.Equal(WebhookOutcome.Handshake, receipt.Outcome);
        Assert.Single(sns.Confirmed);
        Assert.Empty(landing.Files);
    }

    [Fact]
    public async Task AnUnknownOrUnconfiguredService_IsNotServed()
    {
        var options = WebhookTestOptions.Create();
        options.Value.Postmark.Enabled = false;
        var receiver = Receiver(options);

        Assert.Equal(WebhookOutcome.UnknownService, (await receiver.ReceiveAsync("sparkpost", WebhookTestOptions.Request("{}"), default)).Outcome);
        Assert.Equal(WebhookOutcome.UnknownService, (await receiver.ReceiveAsync("postmark", WebhookTestOptions.Request("{}"), default)).Outcome);
        Assert.Null(receiver.MaxBodyBytes("postmark"));
        Assert.Equal(4 * 1024 * 1024, receiver.MaxBodyBytes("sendgrid"));
        Assert.Empty(landing.Files);
    }

    [Fact]
    public async Task ABodyOverTheServicesLimit_IsRefused_BeforeItIsVerified()
    {
        var body = new byte[new MailgunWebhookVerifier(WebhookTestOptions.Create()).MaxBodyBytes + 1];

        var receipt = await Receiver().ReceiveAsync("mailgun", WebhookTestOptions.Request(body), default);

        Assert.Equal(WebhookOutcome.TooLarge, receipt.Outcome);
        Assert.Empty(landing.Files);
    }

    [Fact]
    public async Task APostmarkDelivery_HasNoSignedTime_SoItLandsUnderTheReceiptDate_Once()
    {
        var headers = ("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(WebhookTestOptions.PostmarkUser + ":" + WebhookTestOptions.PostmarkPassword)));
        var receiver = Receiver();

        var first = await receiver.ReceiveAsync("postmark", WebhookTestOptions.Request(PostmarkWebhookTests.SpamComplaintExample, headers), default);
        var again = await receiver.ReceiveAsync("postmark", WebhookTestOptions.Request(PostmarkWebhookTests.SpamComplaintExample, headers), default);

        Assert.Equal((WebhookOutcome.Landed, WebhookOutcome.Duplicate), (first.Outcome, again.Outcome));
        Assert.StartsWith($"postmark/{clock.Now:yyyy}/{clock.Now:MM}/{clock.Now:dd}/wh-", first.LandedFile, StringComparison.Ordinal);
    }
}
