using System.Text;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.Webhooks;
using EmailIntegration.UnitTests.Vendors.RealMagnet;
using EmailIntegration.Vendors.Postmark;

namespace EmailIntegration.UnitTests.Webhooks;

/// <summary>
/// Postmark's Basic-authenticated webhooks. Payloads follow Postmark's published examples (the Bounce example of
/// https://postmarkapp.com/email-webhooks and the Spam complaint / Delivery webhook pages under
/// https://postmarkapp.com/developer/webhooks/webhooks-overview), with our <c>ams_id</c> in Metadata.
/// </summary>
public sealed class PostmarkWebhookTests
{
    public const string SpamComplaintExample = """
        {"RecordType":"SpamComplaint","MessageStream":"outbound","ID":42,"Type":"SpamComplaint","TypeCode":512,"Name":"Spam complaint",
         "Tag":"Test","MessageID":"00000000-0000-0000-0000-000000000000","Metadata":{"a_key":"a_value","ams_id":"IND-P"},"ServerID":1234,
         "Description":"","Details":"Test spam complaint details","Email":"john@example.com","From":"sender@example.com",
         "BouncedAt":"2019-11-05T16:33:54.9070259Z","DumpAvailable":true,"Inactive":true,"CanActivate":false,"Subject":"Test subject",
         "Content":"<Abuse report dump>"}
        """;

    private const string BounceExample = """
        {"RecordType":"Bounce","ID":42,"Type":"HardBounce","TypeCode":1,"Name":"Hard bounce","Tag":"Test",
         "MessageID":"883953f4-6105-42a2-a16a-77a8eac79483",
         "Description":"The server was unable to deliver your message (ex: unknown user, mailbox not found).",
         "Details":"Test bounce details","Email":"john@example.com","BouncedAt":"2014-08-01T13:28:10.2735393-04:00",
         "DumpAvailable":true,"Inactive":true,"CanActivate":true,"Subject":"Test subject","Metadata":{"user_id":43}}
        """;

    private const string DeliveryExample = """
        {"RecordType":"Delivery","ServerID":23,"MessageStream":"outbound","MessageID":"00000000-0000-0000-0000-000000000000",
         "Recipient":"john@example.com","Tag":"welcome-email","DeliveredAt":"2019-11-05T16:33:54.9070259Z",
         "Details":"Test delivery webhook details","Metadata":{"example":"value","ams_id":"IND-P","mailing_id":"WELCOME"}}
        """;

    private readonly PostmarkWebhookVerifier verifier = new(WebhookTestOptions.Create());

    private static (string, string) Basic(string user, string password) =>
        ("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));

    [Fact]
    public async Task TheConfiguredCredentials_AreAccepted_AndTheDeliveryIsKnownByItsBytes()
    {
        var result = await verifier.VerifyAsync(
            WebhookTestOptions.Request(SpamComplaintExample, Basic(WebhookTestOptions.PostmarkUser, WebhookTestOptions.PostmarkPassword)), default);

        Assert.Equal(WebhookVerdict.Deliver, result.Verdict);
        Assert.Null(result.SignedAt);
        Assert.Equal(64, result.DeliveryKey!.Length);
    }

    [Theory]
    [InlineData(WebhookTestOptions.PostmarkUser, "wrong")]
    [InlineData("someone", WebhookTestOptions.PostmarkPassword)]
    [InlineData(WebhookTestOptions.PostmarkUser, "")]
    public async Task OtherCredentials_AreUnauthorized(string user, string password)
    {
        var result = await verifier.VerifyAsync(WebhookTestOptions.Request(SpamComplaintExample, Basic(user, password)), default);

        Assert.Equal(WebhookVerdict.Unauthorized, result.Verdict);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer abc")]
    [InlineData("Basic not-base64!")]
    public async Task MissingOrMalformedCredentials_AreUnauthorized(string? authorization)
    {
        var headers = authorization is null ? Array.Empty<(string, string)>() : [("Authorization", authorization)];

        Assert.Equal(WebhookVerdict.Unauthorized, (await verifier.VerifyAsync(WebhookTestOptions.Request(SpamComplaintExample, headers), default)).Verdict);
    }

    [Fact]
    public async Task TheSpamComplaintExample_IsASpamComplaintOfTheIndividualInMetadata()
    {
        var parser = new PostmarkEventParser(new InMemoryVendorDirectory(), WebhookTestOptions.Create());

        var complaint = Assert.Single(await ParseSupport.ParseAsync(parser, SpamComplaintExample)).Event!;

        Assert.Equal(TrackingEventKind.SpamComplaint, complaint.Kind);
        Assert.Equal("IND-P", complaint.IndividualId);
        Assert.Equal(new DateTimeOffset(2019, 11, 5, 16, 33, 54, TimeSpan.Zero).AddTicks(9070259), complaint.OccurredAt);
    }

    [Fact]
    public async Task TheBounceExample_IsAHardUserUnknownBounceInUtc_AndTheDeliveryExampleADelivery()
    {
        var parser = new PostmarkEventParser(new InMemoryVendorDirectory(), WebhookTestOptions.Create());

        var bounce = Assert.Single(await ParseSupport.ParseAsync(parser, BounceExample)).Event!;
        var delivery = Assert.Single(await ParseSupport.ParseAsync(parser, DeliveryExample)).Event!;

        Assert.Equal((TrackingEventKind.Bounced, BounceSeverity.Hard, true, "HardBounce"), (bounce.Kind, bounce.Bounce!.Value, bounce.UserUnknown, bounce.Status));
        Assert.Equal(TimeSpan.Zero, bounce.OccurredAt.Offset);
        Assert.Equal(new DateTimeOffset(2014, 8, 1, 17, 28, 10, TimeSpan.Zero).AddTicks(2735393), bounce.OccurredAt);
        Assert.Null(bounce.IndividualId);
        Assert.Equal((TrackingEventKind.Delivered, "IND-P", "WELCOME"), (delivery.Kind, delivery.IndividualId, delivery.MailingId));
    }

    [Fact]
    public async Task ASubscriptionChange_IsAnUnsubscribeWhenSendingIsSuppressedByHand_AndAResubscribeWhenReactivated()
    {
        var parser = new PostmarkEventParser(new InMemoryVendorDirectory(), WebhookTestOptions.Create());
        const string suppressed = """
            {"RecordType":"SubscriptionChange","MessageID":"m1","ServerID":1,"MessageStream":"broadcast","ChangedAt":"2020-02-01T10:53:34.416071Z",
             "Recipient":"bounced-address@wildbit.com","Origin":"Recipient","SuppressSending":true,"SuppressionReason":"ManualSuppression",
             "Tag":"my-tag","Metadata":{"ams_id":"IND-P","mailing_type":"Events"}}
            """;

        var unsubscribe = Assert.Single(await ParseSupport.ParseAsync(parser, suppressed)).Event!;
        // A reactivation: the same record with SuppressSending false and no SuppressionReason (Subscription change webhook).
        var reactivation = suppressed
            .Replace("\"SuppressSending\":true", "\"SuppressSending\":false", StringComparison.Ordinal)
            .Replace("\"ManualSuppression\"", "null", StringComparison.Ordinal)
            .Replace("2020-02-01T10:53:34", "2020-02-03T08:00:00", StringComparison.Ordinal);
        var resubscribe = Assert.Single(await ParseSupport.ParseAsync(parser, reactivation)).Event!;
        var withoutFlag = await ParseSupport.ParseAsync(parser, suppressed.Replace("\"SuppressSending\":true,", string.Empty, StringComparison.Ordinal));

        Assert.Equal((TrackingEventKind.Unsubscribed, "Events"), (unsubscribe.Kind, unsubscribe.EmailGroup));
        Assert.Equal((TrackingEventKind.Resubscribed, "Events", "IND-P", DateTimeOffset.Parse("2020-02-03T08:00:00.416071Z", System.Globalization.CultureInfo.InvariantCulture)),
            (resubscribe.Kind, resubscribe.EmailGroup, resubscribe.IndividualId, resubscribe.OccurredAt));
        Assert.Equal(EmailHash.Of("bounced-address@wildbit.com"), resubscribe.RecipientEmailHash);
        Assert.Empty(withoutFlag);
    }
}
