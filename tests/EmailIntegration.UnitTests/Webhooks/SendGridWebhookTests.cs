using System.Diagnostics;
using System.Text;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.Webhooks;
using EmailIntegration.UnitTests.Vendors.RealMagnet;
using EmailIntegration.Vendors.SendGrid;
using Xunit.Abstractions;

namespace EmailIntegration.UnitTests.Webhooks;

/// <summary>
/// SendGrid's Signed Event Webhook and event batch. The events are those of SendGrid's "Event Webhook Reference" example
/// (https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event), with distinct sg_event_ids, a real-shaped
/// sg_message_id, our custom argument <c>ams_id</c> and an Apple MPP open (<c>sg_machine_open</c>).
/// </summary>
public sealed class SendGridWebhookTests(ITestOutputHelper output)
{
    private const long Timestamp = 1513299569;
    private const string Common = "\"email\":\"example@test.com\",\"timestamp\":1513299569,\"smtp-id\":\"<14c5d75ce93.dfd.64b469@ismtpd-555>\",\"category\":\"cat facts\",\"sg_message_id\":\"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0\",\"ams_id\":\"IND-42\"";

    public static readonly string PublishedExample = $$"""
        [
          { {{Common}}, "event":"processed", "sg_event_id":"ev-processed" },
          { {{Common}}, "event":"deferred", "sg_event_id":"ev-deferred", "response":"400 try again later", "attempt":"5" },
          { {{Common}}, "event":"delivered", "sg_event_id":"ev-delivered", "response":"250 OK" },
          { {{Common}}, "event":"open", "sg_event_id":"ev-open", "sg_machine_open":true, "useragent":"Mozilla/4.0 (compatible; MSIE 6.1; Windows XP; .NET CLR 1.1.4322; .NET CLR 2.0.50727)", "ip":"255.255.255.255" },
          { {{Common}}, "event":"click", "sg_event_id":"ev-click", "useragent":"Mozilla/4.0", "ip":"255.255.255.255", "url":"http://www.sendgrid.com/" },
          { {{Common}}, "event":"bounce", "sg_event_id":"ev-bounce", "reason":"500 unknown recipient", "status":"5.0.0", "type":"bounce" },
          { {{Common}}, "event":"dropped", "sg_event_id":"ev-dropped", "reason":"Bounced Address", "status":"5.0.0" },
          { {{Common}}, "event":"spamreport", "sg_event_id":"ev-spam" },
          { {{Common}}, "event":"unsubscribe", "sg_event_id":"ev-unsub" },
          { {{Common}}, "event":"group_unsubscribe", "sg_event_id":"ev-group-unsub", "useragent":"Mozilla/4.0", "ip":"255.255.255.255", "url":"http://www.sendgrid.com/", "asm_group_id":10 },
          { {{Common}}, "event":"group_resubscribe", "sg_event_id":"ev-group-resub", "useragent":"Mozilla/4.0", "ip":"255.255.255.255", "url":"http://www.sendgrid.com/", "asm_group_id":10 }
        ]
        """;

    private readonly SendGridWebhookVerifier verifier = new(WebhookTestOptions.Create());

    [Fact]
    public async Task ASignedBatch_IsDelivered_WithTheSignedTime_AndKnownByItsBytes()
    {
        var result = await verifier.VerifyAsync(WebhookTestOptions.Request(PublishedExample, SendGridSigner.Shared.Headers(PublishedExample, Timestamp)), default);

        Assert.Equal(WebhookVerdict.Deliver, result.Verdict);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(Timestamp), result.SignedAt);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(PublishedExample))), result.DeliveryKey);
    }

    [Fact]
    public async Task ABodyChangedAfterSigning_IsUnauthorized()
    {
        var headers = SendGridSigner.Shared.Headers(PublishedExample, Timestamp);
        var result = await verifier.VerifyAsync(WebhookTestOptions.Request(PublishedExample.Replace("IND-42", "IND-43", StringComparison.Ordinal), headers), default);

        Assert.Equal(WebhookVerdict.Unauthorized, result.Verdict);
    }

    [Fact]
    public async Task AnotherTimestampThanTheSignedOne_IsUnauthorized()
    {
        var headers = SendGridSigner.Shared.Headers(PublishedExample, Timestamp);
        headers[1] = (headers[1].Name, (Timestamp + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));

        var result = await verifier.VerifyAsync(WebhookTestOptions.Request(PublishedExample, headers), default);

        Assert.Equal(WebhookVerdict.Unauthorized, result.Verdict);
    }

    [Fact]
    public async Task ASignatureByAnotherKey_IsUnauthorized()
    {
        var result = await verifier.VerifyAsync(WebhookTestOptions.Request(PublishedExample, new SendGridSigner().Headers(PublishedExample, Timestamp)), default);

        Assert.Equal(WebhookVerdict.Unauthorized, result.Verdict);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public async Task AMissingSignatureOrTimestamp_IsUnauthorized(bool withSignature, bool withTimestamp)
    {
        var headers = SendGridSigner.Shared.Headers(PublishedExample, Timestamp)
            .Where(h => (withSignature || !h.Name.EndsWith("Signature", StringComparison.Ordinal)) && (withTimestamp || !h.Name.EndsWith("Timestamp", StringComparison.Ordinal)))
            .ToArray();

        var result = await verifier.VerifyAsync(WebhookTestOptions.Request(PublishedExample, headers), default);

        Assert.Equal(WebhookVerdict.Unauthorized, result.Verdict);
    }

    [Fact]
    public async Task ATimestampThatIsNotUnixSeconds_IsBadRequest()
    {
        var headers = SendGridSigner.Shared.Headers(PublishedExample, Timestamp);
        headers[1] = (headers[1].Name, "2017-12-15T00:59:29Z");

        Assert.Equal(WebhookVerdict.BadRequest, (await verifier.VerifyAsync(WebhookTestOptions.Request(PublishedExample, headers), default)).Verdict);
    }

    [Fact]
    public async Task ThePublishedExample_MapsEachEventOntoOurKinds_AndSkipsTheOnesWeDoNotImport()
    {
        var records = await ParseSupport.ParseAsync(new SendGridEventParser(new InMemoryVendorDirectory(), WebhookTestOptions.Create()), PublishedExample);

        Assert.All(records, r => Assert.Null(r.Bad));
        var events = records.Select(r => r.Event!).ToList();
        Assert.Equal(
            [TrackingEventKind.Delivered, TrackingEventKind.Opened, TrackingEventKind.LinkClicked, TrackingEventKind.Bounced,
             TrackingEventKind.SpamComplaint, TrackingEventKind.Unsubscribed, TrackingEventKind.Unsubscribed, TrackingEventKind.Resubscribed],
            events.Select(e => e.Kind));
        Assert.All(events, e =>
        {
            Assert.Equal("sendgrid", e.Vendor);
            Assert.Equal("IND-42", e.IndividualId);
            Assert.Equal("14c5d75ce93.dfd.64b469", e.MailingId);
            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(Timestamp), e.OccurredAt);
            Assert.Equal(EmailHash.Of("example@test.com"), e.RecipientEmailHash);
        });
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
        Assert.True(events[1].VendorFlaggedMachine);
        Assert.False(events[0].VendorFlaggedMachine);
        Assert.Equal("http://www.sendgrid.com/", events[2].Url);
        Assert.Equal(BounceSeverity.Hard, events[3].Bounce);
        Assert.True(events[3].UserUnknown);
        Assert.Equal("500 unknown recipient", events[3].Reason);
        Assert.Null(events[5].EmailGroup);
        Assert.Equal("10", events[6].EmailGroup);
        Assert.Equal("10", events[7].EmailGroup); // group_resubscribe: the same asm_group_id as its unsubscribe
        Assert.NotEqual(events[6].EventId, events[7].EventId);
    }

    [Fact]
    public async Task AnOpenWithoutTheMachineFlag_HasNone_AndABlockedBounceIsSoft()
    {
        const string body = """
            [{"email":"a@example.org","timestamp":1513299569,"event":"open","sg_event_id":"o1","sg_machine_open":false},
             {"email":"a@example.org","timestamp":1513299569,"event":"open","sg_event_id":"o2"},
             {"email":"a@example.org","timestamp":1513299569,"event":"bounce","type":"blocked","sg_event_id":"b1","reason":"blocked by policy","status":"4.0.0"}]
            """;

        var events = (await ParseSupport.ParseAsync(new SendGridEventParser(new InMemoryVendorDirectory(), WebhookTestOptions.Create()), body))
            .Select(r => r.Event!).ToList();

        Assert.False(events[0].VendorFlaggedMachine);
        Assert.False(events[1].VendorFlaggedMachine);
        Assert.Equal(BounceSeverity.Soft, events[2].Bounce);
        Assert.False(events[2].UserUnknown);
    }

    [Fact]
    public async Task WithoutACustomArgument_TheVendorDirectoryFindsTheIndividual_ElseTheEventIsUnmatched()
    {
        var directory = new InMemoryVendorDirectory();
        await directory.SaveRecipientsAsync("sendgrid", [new("" + EmailHash.Of("known@example.org"), "IND-7")], default);
        const string body = """
            [{"email":"Known@Example.org","timestamp":1513299569,"event":"spamreport","sg_event_id":"s1","mailing_id":"M-1","mailing_type":"Events"},
             {"email":"stranger@example.org","timestamp":1513299569,"event":"spamreport","sg_event_id":"s2"}]
            """;

        var events = (await ParseSupport.ParseAsync(new SendGridEventParser(directory, WebhookTestOptions.Create()), body)).Select(r => r.Event!).ToList();

        Assert.Equal("IND-7", events[0].IndividualId);
        Assert.Equal("M-1", events[0].MailingId);
        Assert.Equal("Events", events[0].MailingType);
        Assert.Null(events[1].IndividualId);
        Assert.Equal("none", events[1].MailingId);
    }

    [Fact]
    public async Task AnUnknownEventOrAnEventWithoutTime_IsABadRecord_AndTheOthersGoThrough()
    {
        const string body = """
            [{"email":"a@example.org","timestamp":1513299569,"event":"teleported","sg_event_id":"x"},
             {"email":"a@example.org","event":"delivered","sg_event_id":"y"},
             7,
             {"email":"a@example.org","timestamp":1513299569,"event":"delivered","sg_event_id":"z"}]
            """;

        var records = await ParseSupport.ParseAsync(new SendGridEventParser(new InMemoryVendorDirectory(), WebhookTestOptions.Create()), body);

        Assert.Equal(["event 0", "event 1", "event 2"], records.Where(r => r.Bad is not null).Select(r => r.Bad!.Position));
        Assert.Equal(TrackingEventKind.Delivered, Assert.Single(records, r => r.Event is not null).Event!.Kind);
    }

    [Fact]
    public async Task ABatchOf1000Events_IsVerifiedAndParsedWhole()
    {
        var events = Enumerable.Range(0, 1000).Select(i =>
            $$"""{"email":"member{{i % 250}}@example.org","timestamp":{{Timestamp + i}},"event":"{{(i % 4) switch { 0 => "delivered", 1 => "open", 2 => "click", _ => "bounce" }}}","url":"https://www.example-association.org/events/{{i % 7}}","sg_event_id":"ev-{{i}}","sg_message_id":"msg{{i % 3}}.filter0001.16648.5515E0B88.0","ams_id":"IND-{{i % 250}}","type":"bounce","reason":"550 5.1.1 user unknown"}""");
        var body = "[" + string.Join(",", events) + "]";
        var parser = new SendGridEventParser(new InMemoryVendorDirectory(), WebhookTestOptions.Create());

        var started = Stopwatch.GetTimestamp();
        var verification = await verifier.VerifyAsync(WebhookTestOptions.Request(body, SendGridSigner.Shared.Headers(body, Timestamp)), default);
        var verified = Stopwatch.GetElapsedTime(started);
        var records = await ParseSupport.ParseAsync(parser, body);
        var total = Stopwatch.GetElapsedTime(started);
        output.WriteLine($"1,000 SendGrid events, {body.Length:N0} bytes: verified in {verified.TotalMilliseconds:F1} ms, verified and parsed in {total.TotalMilliseconds:F1} ms");

        Assert.Equal(WebhookVerdict.Deliver, verification.Verdict);
        Assert.True(body.Length < verifier.MaxBodyBytes);
        Assert.Equal(1000, records.Count(r => r.Event is not null));
        Assert.Equal(1000, records.Select(r => r.Event!.EventId).Distinct().Count());
        Assert.Equal(250, records.Where(r => r.Event!.Kind == TrackingEventKind.Bounced).Count(r => r.Event!.UserUnknown));
    }
}
