using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.Webhooks;
using EmailIntegration.UnitTests.Vendors.RealMagnet;
using EmailIntegration.Vendors.Mailgun;

namespace EmailIntegration.UnitTests.Webhooks;

/// <summary>
/// Mailgun's webhook signature and event payloads. The token and timestamp are those of Mailgun's "Securing Webhooks" example
/// (https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks), signed with a test key; the
/// event-data follow "Webhook Payloads" (https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/webhook-payloads),
/// with our <c>ams_id</c> user variable.
/// </summary>
public sealed class MailgunWebhookTests
{
    private const long Timestamp = 1770920772;
    private const string Token = "e0b5477167110d68991efc6b9f89f0a11066af27834600e123";

    public const string Complained = """
        {"account":{"id":"1234567890303a4bd1f33898"},"domain":{"name":"sample.mailgun.com"},"event":"complained",
         "flags":{"is-test-mode":false},"id":"-Agny091SquKnsrW2NEKUA","log-level":"warn",
         "message":{"headers":{"from":"Sample Sender <sender@sample.mailgun.com>","message-id":"20260203192638.000be97f99f8cea1@sample.mailgun.com",
                               "subject":"Sample webhook payload","to":"recipient@sample.mailgun.com"},"size":341},
         "recipient":"recipient@sample.mailgun.com","recipient-domain":"sample.mailgun.com","tags":[],"timestamp":1770920771.482431,
         "user-variables":{"ams_id":"IND-9"}}
        """;

    private const string FailedPermanent = """
        {"event":"failed","severity":"permanent","reason":"bounce","id":"G9Bn5sl1TC6z-vz4RAdHJg","timestamp":1770920771.5,
         "delivery-status":{"attempt-no":1,"code":550,"message":"5.1.1 The email account that you tried to reach does not exist.","description":""},
         "message":{"headers":{"message-id":"20260203192638.000be97f99f8cea1@sample.mailgun.com"}},
         "recipient":"gone@example.org","user-variables":{"ams_id":"IND-9","mailing_id":"M-77"}}
        """;

    private const string FailedTemporary = """
        {"event":"failed","severity":"temporary","reason":"generic","id":"tmp-1","timestamp":1770920771.5,
         "delivery-status":{"code":452,"message":"4.2.2 Mailbox full","description":""},
         "message":{"headers":{"message-id":"m@x"}},"recipient":"full@example.org"}
        """;

    private readonly MailgunWebhookVerifier verifier = new(WebhookTestOptions.Create());

    [Fact]
    public async Task ASignedBody_IsDelivered_KnownByItsToken_AtTheSignedTime()
    {
        var result = await verifier.VerifyAsync(WebhookTestOptions.Request(MailgunSigner.Body(Complained, Timestamp, Token)), default);

        Assert.Equal(WebhookVerdict.Deliver, result.Verdict);
        Assert.Equal("token:" + Token, result.DeliveryKey);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(Timestamp), result.SignedAt);
    }

    [Fact]
    public async Task ASignatureWithAnotherKey_IsUnauthorized()
    {
        var result = await verifier.VerifyAsync(WebhookTestOptions.Request(MailgunSigner.Body(Complained, Timestamp, Token, key: "key-not-ours")), default);

        Assert.Equal(WebhookVerdict.Unauthorized, result.Verdict);
    }

    [Fact]
    public async Task ATokenSwappedAfterSigning_IsUnauthorized()
    {
        var body = MailgunSigner.Body(Complained, Timestamp, Token).Replace(Token, Token[..^3] + "999", StringComparison.Ordinal);

        Assert.Equal(WebhookVerdict.Unauthorized, (await verifier.VerifyAsync(WebhookTestOptions.Request(body), default)).Verdict);
    }

    [Fact]
    public async Task ABodyWithoutSignature_IsUnauthorized_AndOneThatIsNotJson_IsBadRequest()
    {
        Assert.Equal(WebhookVerdict.Unauthorized, (await verifier.VerifyAsync(WebhookTestOptions.Request($$"""{"event-data":{{Complained}}}"""), default)).Verdict);
        Assert.Equal(WebhookVerdict.BadRequest, (await verifier.VerifyAsync(WebhookTestOptions.Request("token=a&timestamp=1&signature=b"), default)).Verdict);
    }

    [Fact]
    public async Task AComplaint_IsASpamComplaintOfTheIndividualInItsUserVariables()
    {
        var parser = new MailgunEventParser(new InMemoryVendorDirectory(), WebhookTestOptions.Create());

        var complaint = Assert.Single(await ParseSupport.ParseAsync(parser, MailgunSigner.Body(Complained, Timestamp, Token))).Event!;

        Assert.Equal(TrackingEventKind.SpamComplaint, complaint.Kind);
        Assert.Equal("IND-9", complaint.IndividualId);
        Assert.Equal("20260203192638.000be97f99f8cea1@sample.mailgun.com", complaint.MailingId);
        Assert.Equal("Sample webhook payload", complaint.MailingName);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1770920771482), complaint.OccurredAt);
        Assert.Equal(EmailHash.Of("recipient@sample.mailgun.com"), complaint.RecipientEmailHash);
    }

    [Fact]
    public async Task APermanentFailure_IsAHardUserUnknownBounce_AndATemporaryOneSoft()
    {
        var parser = new MailgunEventParser(new InMemoryVendorDirectory(), WebhookTestOptions.Create());

        var hard = Assert.Single(await ParseSupport.ParseAsync(parser, MailgunSigner.Body(FailedPermanent, Timestamp, Token))).Event!;
        var soft = Assert.Single(await ParseSupport.ParseAsync(parser, MailgunSigner.Body(FailedTemporary, Timestamp, Token))).Event!;

        Assert.Equal((TrackingEventKind.Bounced, BounceSeverity.Hard, true, "M-77", "550"), (hard.Kind, hard.Bounce!.Value, hard.UserUnknown, hard.MailingId, hard.Status));
        Assert.Equal((TrackingEventKind.Bounced, BounceSeverity.Soft, false), (soft.Kind, soft.Bounce!.Value, soft.UserUnknown));
        Assert.Null(soft.IndividualId);
    }

    [Fact]
    public async Task AnAcceptedEvent_IsNotImported()
    {
        var parser = new MailgunEventParser(new InMemoryVendorDirectory(), WebhookTestOptions.Create());

        Assert.Empty(await ParseSupport.ParseAsync(parser, MailgunSigner.Body("""{"event":"accepted","timestamp":1770920771,"recipient":"a@b.org"}""", Timestamp, Token)));
    }
}
