using System.Net;
using System.Text;
using System.Text.Json;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.Webhooks;
using EmailIntegration.UnitTests.Pipeline;
using EmailIntegration.UnitTests.Vendors.RealMagnet;
using EmailIntegration.Vendors.Ses;

namespace EmailIntegration.UnitTests.Webhooks;

/// <summary>
/// Amazon SES notifications through an SNS https subscription. The SNS envelopes follow the SNS developer guide's examples
/// (https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html), signed with a generated certificate in
/// place of SNS's; the SES messages are the complaint, bounce and delivery examples of "Amazon SNS notification examples
/// for Amazon SES" (https://docs.aws.amazon.com/ses/latest/dg/notification-examples.html), with an <c>ams_id</c> message tag.
/// </summary>
public sealed class SesWebhookTests
{
    private static readonly DateTimeOffset Now = new(2016, 1, 27, 14, 59, 40, TimeSpan.Zero);

    public const string ComplaintExample = """
        {"notificationType":"Complaint",
         "complaint":{"userAgent":"AnyCompany Feedback Loop (V0.01)","complainedRecipients":[{"emailAddress":"richard@example.com"}],
                      "complaintFeedbackType":"abuse","arrivalDate":"2016-01-27T14:59:38.237Z","timestamp":"2016-01-27T14:59:38.237Z",
                      "feedbackId":"000001378603177f-18c07c78-fa81-4a58-9dd1-fedc3cb8f49a-000000"},
         "mail":{"timestamp":"2016-01-27T14:59:38.237Z","messageId":"000001378603177f-7a5433e7-8edb-42ae-af10-f0181f34d6ee-000000",
                 "source":"john@example.com","sourceArn":"arn:aws:ses:us-east-1:888888888888:identity/example.com","sourceIp":"127.0.3.0",
                 "sendingAccountId":"123456789012","destination":["richard@example.com"],
                 "tags":{"ams_id":["IND-5"],"mailing_type":["Newsletter"]},
                 "commonHeaders":{"from":["John Doe <john@example.com>"],"to":["Richard Roe <richard@example.com>"],"subject":"Hello"}}}
        """;

    private const string BounceExample = """
        {"notificationType":"Bounce",
         "bounce":{"bounceType":"Permanent","reportingMTA":"dns; email.example.com",
                   "bouncedRecipients":[{"emailAddress":"jane@example.com","status":"5.1.1","action":"failed","diagnosticCode":"smtp; 550 5.1.1 <jane@example.com>... User"}],
                   "bounceSubType":"General","timestamp":"2016-01-27T14:59:38.237Z","feedbackId":"00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa068a-000000","remoteMtaIp":"127.0.2.0"},
         "mail":{"timestamp":"2016-01-27T14:59:38.237Z","source":"john@example.com","messageId":"00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa0680-000000",
                 "destination":["jane@example.com"]}}
        """;

    private const string DeliveryExample = """
        {"notificationType":"Delivery",
         "mail":{"timestamp":"2016-01-27T14:59:38.237Z","messageId":"0000014644fe5ef6-9a483358-9170-4cb4-a269-f5dcdf415321-000000",
                 "source":"john@example.com","destination":["jane@example.com","mary@example.com"],"tags":{"mailing_id":["M-1"]}},
         "delivery":{"timestamp":"2016-01-27T14:59:38.237Z","recipients":["jane@example.com","mary@example.com"],"processingTimeMillis":546,
                     "reportingMTA":"a8-70.smtp-out.amazonses.com","smtpResponse":"250 ok:  Message 64111812 accepted","remoteMtaIp":"127.0.2.0"}}
        """;

    private readonly SnsSigner sns = new();

    private SesWebhookVerifier Verifier() => new(WebhookTestOptions.Create(), sns, sns);

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public async Task ASignedNotification_IsDelivered_KnownByItsMessageId(string signatureVersion)
    {
        var body = sns.Notification(ComplaintExample, Now, signatureVersion);

        var result = await Verifier().VerifyAsync(WebhookTestOptions.Request(body, ("x-amz-sns-message-type", "Notification")), default);

        Assert.Equal(WebhookVerdict.Deliver, result.Verdict);
        Assert.Equal("sns:22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324", result.DeliveryKey);
        Assert.Equal(Now, result.SignedAt);
    }

    [Fact]
    public async Task ASubjectIsPartOfTheSignature()
    {
        var body = sns.Notification(ComplaintExample, Now, subject: "Amazon SES Email Event Notification");
        var altered = body.Replace("Amazon SES Email Event Notification", "Something else", StringComparison.Ordinal);

        Assert.Equal(WebhookVerdict.Deliver, (await Verifier().VerifyAsync(WebhookTestOptions.Request(body), default)).Verdict);
        Assert.Equal(WebhookVerdict.Unauthorized, (await Verifier().VerifyAsync(WebhookTestOptions.Request(altered), default)).Verdict);
    }

    [Fact]
    public async Task AMessageChangedAfterSigning_IsUnauthorized()
    {
        var body = sns.Notification(ComplaintExample, Now).Replace("IND-5", "IND-6", StringComparison.Ordinal);

        Assert.Equal(WebhookVerdict.Unauthorized, (await Verifier().VerifyAsync(WebhookTestOptions.Request(body), default)).Verdict);
    }

    [Theory]
    [InlineData("http://sns.us-west-2.amazonaws.com/SimpleNotificationService-x.pem")]
    [InlineData("https://sns.us-west-2.amazonaws.com.evil.example/SimpleNotificationService-x.pem")]
    [InlineData("https://evil.example/sns.us-west-2.amazonaws.com/x.pem")]
    [InlineData("https://s3.us-west-2.amazonaws.com/SimpleNotificationService-x.pem")]
    [InlineData("https://sns.us-west-2.amazonaws.com:8443/SimpleNotificationService-x.pem")]
    [InlineData("https://user@sns.us-west-2.amazonaws.com/SimpleNotificationService-x.pem")]
    [InlineData("https://sns.us-west-2.amazonaws.com/not-a-certificate")]
    public async Task ACertificateUrlThatIsNotAnSnsHostOverHttps_IsUnauthorized_AndNeverFetched(string certificateUrl)
    {
        var body = sns.Notification(ComplaintExample, Now, certificateUrl: certificateUrl);

        var result = await Verifier().VerifyAsync(WebhookTestOptions.Request(body), default);

        Assert.Equal(WebhookVerdict.Unauthorized, result.Verdict);
        Assert.Empty(sns.CertificatesFetched);
    }

    [Fact]
    public async Task AMessageFromATopicWeDidNotSubscribe_IsUnauthorized_EvenWhenSigned()
    {
        var body = sns.Notification(ComplaintExample, Now, topicArn: "arn:aws:sns:us-west-2:999999999999:SomeoneElses");

        Assert.Equal(WebhookVerdict.Unauthorized, (await Verifier().VerifyAsync(WebhookTestOptions.Request(body), default)).Verdict);
    }

    [Fact]
    public async Task AnUnknownSignatureVersion_IsUnauthorized()
    {
        var body = sns.Notification(ComplaintExample, Now).Replace("\"SignatureVersion\":\"2\"", "\"SignatureVersion\":\"3\"", StringComparison.Ordinal);

        Assert.Equal(WebhookVerdict.Unauthorized, (await Verifier().VerifyAsync(WebhookTestOptions.Request(body), default)).Verdict);
    }

    [Fact]
    public async Task ASubscriptionConfirmation_IsConfirmedByVisitingItsSubscribeUrl_AndLandsNothing()
    {
        const string subscribeUrl = "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:123456789012:MyTopic&Token=2336412f37";
        var body = sns.SubscriptionConfirmation(subscribeUrl, Now);

        var result = await Verifier().VerifyAsync(WebhookTestOptions.Request(body, ("x-amz-sns-message-type", "SubscriptionConfirmation")), default);

        Assert.Equal(WebhookVerdict.Handshake, result.Verdict);
        Assert.Equal(new Uri(subscribeUrl), Assert.Single(sns.Confirmed));
    }

    [Fact]
    public async Task ASubscriptionConfirmationWhoseSubscribeUrlIsNotSns_IsRefused_AndNotVisited()
    {
        var body = sns.SubscriptionConfirmation("https://attacker.example/?Action=ConfirmSubscription", Now);

        var result = await Verifier().VerifyAsync(WebhookTestOptions.Request(body), default);

        Assert.Equal(WebhookVerdict.BadRequest, result.Verdict);
        Assert.Empty(sns.Confirmed);
    }

    [Fact]
    public async Task AMessageTypeHeaderThatDisagreesWithTheBody_IsBadRequest()
    {
        var body = sns.Notification(ComplaintExample, Now);

        Assert.Equal(WebhookVerdict.BadRequest,
            (await Verifier().VerifyAsync(WebhookTestOptions.Request(body, ("x-amz-sns-message-type", "SubscriptionConfirmation")), default)).Verdict);
    }

    [Fact]
    public async Task TheComplaintExample_IsASpamComplaintOfTheTaggedIndividual()
    {
        var parser = new SesEventParser(new InMemoryVendorDirectory(), WebhookTestOptions.Create());

        var complaint = Assert.Single(await ParseSupport.ParseAsync(parser, sns.Notification(ComplaintExample, Now))).Event!;

        Assert.Equal(TrackingEventKind.SpamComplaint, complaint.Kind);
        Assert.Equal("IND-5", complaint.IndividualId);
        Assert.Equal("Newsletter", complaint.MailingType);
        Assert.Equal("000001378603177f-7a5433e7-8edb-42ae-af10-f0181f34d6ee-000000", complaint.MailingId);
        Assert.Equal(new DateTimeOffset(2016, 1, 27, 14, 59, 38, 237, TimeSpan.Zero), complaint.OccurredAt);
        Assert.Equal(EmailHash.Of("richard@example.com"), complaint.RecipientEmailHash);
    }

    [Fact]
    public async Task TheBounceExample_IsAHardUserUnknownBounce_AndTheDeliveryExampleOneDeliveryPerRecipient()
    {
        var directory = new InMemoryVendorDirectory();
        await directory.SaveRecipientsAsync("ses", [new(EmailHash.Of("mary@example.com")!, "IND-M")], default);
        var parser = new SesEventParser(directory, WebhookTestOptions.Create());

        var bounce = Assert.Single(await ParseSupport.ParseAsync(parser, sns.Notification(BounceExample, Now))).Event!;
        var deliveries = (await ParseSupport.ParseAsync(parser, sns.Notification(DeliveryExample, Now))).Select(r => r.Event!).ToList();

        Assert.Equal((TrackingEventKind.Bounced, BounceSeverity.Hard, true, "5.1.1"), (bounce.Kind, bounce.Bounce!.Value, bounce.UserUnknown, bounce.Status));
        Assert.DoesNotContain("@", bounce.Reason, StringComparison.Ordinal);
        Assert.Equal([TrackingEventKind.Delivered, TrackingEventKind.Delivered], deliveries.Select(d => d.Kind));
        Assert.Equal([null, "IND-M"], deliveries.Select(d => d.IndividualId));
        Assert.All(deliveries, d => Assert.Equal("M-1", d.MailingId));
    }

    [Fact]
    public async Task TheCertificateSource_FetchesACertificateOnce_AndServesItFromItsCache()
    {
        var handler = new CountingHandler(sns.Certificate.ExportCertificatePem());
        var source = new HttpSnsCertificateSource(new SingleClientFactory(handler), new FixedTimeProvider(DateTimeOffset.UtcNow));

        var first = await source.GetAsync(new Uri(SnsSigner.CertificateUrl), default);
        var second = await source.GetAsync(new Uri(SnsSigner.CertificateUrl), default);

        Assert.Equal(sns.Certificate.Thumbprint, first.Thumbprint);
        Assert.Same(first, second);
        Assert.Equal(1, handler.Requests);
        await Assert.ThrowsAsync<ArgumentException>(() => source.GetAsync(new Uri("https://evil.example/x.pem"), default));
        Assert.Equal(1, handler.Requests);
    }

    private sealed class CountingHandler(string pem) : HttpMessageHandler
    {
        public int Requests;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(pem, Encoding.ASCII) });
        }
    }

    private sealed class SingleClientFactory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
