using System.Text;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Vendors.RealMagnet;

namespace EmailIntegration.UnitTests.Vendors.RealMagnet;

public class RealMagnetTrackingParserTests
{
    private const string Vendor = "realmagnet";

    // 2026-11-28T14:30:00Z, written by a server at -0500.
    private static readonly DateTimeOffset At = new(2026, 11, 28, 14, 30, 0, TimeSpan.Zero);
    private static readonly string AtWcf = $@"\/Date({At.ToUnixTimeMilliseconds()}-0500)\/";

    private readonly InMemoryVendorDirectory directory = new();

    public RealMagnetTrackingParserTests()
    {
        directory.SaveMailingsAsync(Vendor, [new MailingInfo("480123", "Newsletter November 28", "Newsletter")], default).Wait();
        directory.SaveRecipientsAsync(Vendor, [new VendorRecipient("2744000101", "IND-000101")], default).Wait();
    }

    private static LandedFileName File(string kind, int page = 1) =>
        new(Vendor, new DateOnly(2026, 11, 30), "20261130T021500Z-1a2b3c4d", kind, page, "json");

    private async Task<List<ParsedRecord>> ParseAsync(string json, string kind, int chunk = int.MaxValue)
    {
        var parser = new RealMagnetTrackingParser(directory);
        var result = new List<ParsedRecord>();
        await using var stream = new TrickleStream(Encoding.UTF8.GetBytes(json), chunk);
        await foreach (var record in parser.ParseAsync(stream, File(kind), CancellationToken.None))
        {
            result.Add(record);
        }

        return result;
    }

    /// <summary>
    /// A <c>recp_track</c> in the WSDL's names (MagnetMail SOAP WSDL, copy in MemberJunction/MJ at
    /// packages/Integration/connectors-registry/magnetmail/scripts/wsdl.xml): recipient{id, email, fax, Custom_Id}, ResultDate,
    /// remarks, Status, OpenDate, MMId, faxStatus. The recipient id is an xs:string there.
    /// </summary>
    private static string Track(string status = "Delivered", string recipient = "\"2744000101\"", string customId = "\"IND-000101\"",
        string date = "", string openDate = @"\/Date(-62135596800000)\/", string faxStatus = "Inprogress", string fax = "null",
        string remarks = "null") =>
        $$"""{"recipient":{"id":{{recipient}},"email":"ann@example.org","first_name":"Ann","last_name":null,"fax":{{fax}},"Custom_Id":{{customId}}},"ResultDate":"{{(date.Length == 0 ? AtWcf : date)}}","remarks":{{remarks}},"Status":"{{status}}","OpenDate":"{{openDate}}","MMId":77,"faxStatus":"{{faxStatus}}"}""";

    private static string Details(params string[] rows) =>
        $$"""{"totalRecords":{{rows.Length}},"page":1,"recordsPerPage":2000,"RecipientDetails":[{{string.Join(",", rows)}}]}""";

    [Fact]
    public async Task Delivered_report_gives_delivered_events_with_mailing_and_individual_and_the_message_id_from_the_file_kind()
    {
        var records = await ParseAsync(Details(Track(), Track(recipient: "\"2744000101\"", customId: "null")), "delivered480123");

        Assert.Equal(2, records.Count);
        var delivered = records[0].Event!;
        Assert.Equal(TrackingEventKind.Delivered, delivered.Kind);
        Assert.Equal(Vendor, delivered.Vendor);
        Assert.Equal("IND-000101", delivered.IndividualId);
        Assert.Equal("480123", delivered.MailingId);
        Assert.Equal("Newsletter November 28", delivered.MailingName);
        Assert.Equal("Newsletter", delivered.MailingType);
        Assert.Equal(At, delivered.OccurredAt);
        Assert.Equal("Delivered", delivered.Status);
        Assert.Null(delivered.RecipientEmailHash);
        Assert.Equal(EventIdentity.For(Vendor, "480123", "2744000101", TrackingEventKind.Delivered, At), delivered.EventId);
        Assert.Equal("IND-000101", records[1].Event!.IndividualId); // no Custom_Id: found in the directory
    }

    /// <summary>Every value of the WSDL's EmailStatus, and what it must do (docs/vendors.md, "Status codes").</summary>
    [Theory]
    [InlineData("Delivered", TrackingEventKind.Delivered, null, false)]
    [InlineData("SB", TrackingEventKind.Bounced, BounceSeverity.Soft, false)]
    [InlineData("HB", TrackingEventKind.Bounced, BounceSeverity.Hard, false)]
    [InlineData("UNF", TrackingEventKind.Bounced, BounceSeverity.Hard, true)]
    [InlineData("TU", TrackingEventKind.Bounced, BounceSeverity.Soft, false)]
    [InlineData("MF", TrackingEventKind.Bounced, BounceSeverity.Soft, false)]
    [InlineData("BD", TrackingEventKind.Bounced, BounceSeverity.Hard, false)]
    [InlineData("Failed", TrackingEventKind.Bounced, BounceSeverity.Hard, false)]
    [InlineData("unf", TrackingEventKind.Bounced, BounceSeverity.Hard, true)]
    public async Task Every_send_status_is_mapped_on_purpose(string status, TrackingEventKind kind, BounceSeverity? bounce, bool userUnknown)
    {
        var e = Assert.Single(await ParseAsync(Details(Track(status, remarks: "\"550 5.1.1 no such user\"")), "bounced480123")).Event!;

        Assert.Equal((kind, bounce, userUnknown, status), (e.Kind, e.Bounce, e.UserUnknown, e.Status));
        if (kind == TrackingEventKind.Bounced)
        {
            Assert.Equal(EmailHash.Of("ann@example.org"), e.RecipientEmailHash);
            Assert.Equal("550 5.1.1 no such user", e.Reason);
        }
    }

    [Fact]
    public void The_status_table_covers_every_EmailStatus_and_FaxStatus_of_the_WSDL()
    {
        Assert.Equal(["BD", "Delivered", "Failed", "HB", "Inprogress", "MF", "SB", "TU", "UNF"], RealMagnetRecords.EmailStatuses.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["Delivered", "Failed", "Inprogress"], RealMagnetRecords.FaxStatuses.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task In_progress_rows_make_no_event_and_no_bad_record()
    {
        Assert.Empty(await ParseAsync(Details(Track("Inprogress")), "delivered480123"));
        Assert.Empty(await ParseAsync(Details(Track(faxStatus: "Inprogress", fax: "\"+1-202-555-0100\"")), "fax480123"));
    }

    [Fact]
    public async Task Opened_report_gives_an_open_at_its_OpenDate()
    {
        var opened = At.AddHours(3);
        var e = Assert.Single(await ParseAsync(Details(Track(openDate: $@"\/Date({opened.ToUnixTimeMilliseconds()}+0000)\/")), "opened480123")).Event!;

        Assert.Equal((TrackingEventKind.Opened, opened, "480123"), (e.Kind, e.OccurredAt, e.MailingId));
    }

    [Fact]
    public async Task An_open_without_an_OpenDate_is_a_bad_record()
    {
        var bad = Assert.Single(await ParseAsync(Details(Track()), "opened480123")).Bad!;

        Assert.Contains("OpenDate", bad.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Delivered")]
    [InlineData("Failed")]
    public async Task Fax_report_gives_fax_rows_with_the_number_and_the_status(string faxStatus)
    {
        var e = Assert.Single(await ParseAsync(Details(Track(faxStatus: faxStatus, fax: "\"+1-202-555-0100\"")), "fax480123")).Event!;

        Assert.Equal((TrackingEventKind.FaxSent, "+1-202-555-0100", faxStatus, "480123"), (e.Kind, e.FaxNumber, e.Status, e.MailingId));
    }

    [Fact]
    public async Task Field_names_are_read_whatever_their_casing()
    {
        var json = $$"""{"TotalRecords":1,"RecipientDetails":[{"Recipient":{"ID":"2744000101","Custom_ID":"IND-9"},"resultDate":"{{AtWcf}}","status":"HB"}]}""";

        var e = Assert.Single(await ParseAsync(json, "bounced480123")).Event!;

        Assert.Equal((TrackingEventKind.Bounced, "IND-9", BounceSeverity.Hard), (e.Kind, e.IndividualId, e.Bounce));
    }

    [Fact]
    public async Task Unsubscribes_carry_their_email_group_and_message_name()
    {
        var json = $$"""
            [{"recipient":{"id":"2744000101","email":"ann@example.org","Custom_Id":"IND-000101"},"ResultDate":"{{AtWcf}}","message_name":"Newsletter November 28","group_name":"Newsletter","message_CategoryId":3},
             {"recipient":{"id":"2744000101","Custom_Id":"IND-000101"},"ResultDate":"{{AtWcf}}","message_name":null,"group_name":"Events","message_CategoryId":0}]
            """;

        var records = await ParseAsync(json, "unsubscribes");

        var first = records[0].Event!;
        Assert.Equal((TrackingEventKind.Unsubscribed, "Newsletter", "IND-000101", At, "Newsletter November 28"),
            (first.Kind, first.EmailGroup, first.IndividualId, first.OccurredAt, first.MailingName));
        Assert.Equal("Events", records[1].Event!.EmailGroup);
        Assert.NotEqual(first.EventId, records[1].Event!.EventId); // same person and instant, another group
    }

    [Fact]
    public async Task Suppressed_recipients_mark_their_address_and_an_explicit_not_suppressed_is_none()
    {
        var json = $$"""
            [{"id":"2744000101","email":"Ann@Example.org","Custom_Id":"IND-000101","suppressed":true,"suppressed_date":"{{AtWcf}}"},
             {"id":"2744000102","email":"bob@example.org","Custom_Id":"IND-000102","suppressed":false,"suppressed_date":null}]
            """;

        var e = Assert.Single(await ParseAsync(json, "suppressed")).Event!;

        Assert.Equal((TrackingEventKind.Suppressed, "IND-000101", EmailHash.Of("ann@example.org"), At),
            (e.Kind, e.IndividualId, e.RecipientEmailHash, e.OccurredAt));
    }

    [Fact]
    public async Task Spam_complaints_are_read_from_the_SOAP_answer()
    {
        // The shape of getSpamComplaintsResponse in the WSDL: getSpamComplaintsResult holds recp_unsubscribe elements.
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
              <getSpamComplaintsResponse xmlns="http://www.magnetmail.net/"><getSpamComplaintsResult>
                <recp_unsubscribe><recipient><id>2744000101</id><email>ann@example.org</email><Custom_Id>IND-000101</Custom_Id></recipient>
                  <ResultDate>2026-11-28T14:30:00Z</ResultDate><message_name>Newsletter November 28</message_name><group_name>Newsletter</group_name><message_CategoryId>0</message_CategoryId></recp_unsubscribe>
                <recp_unsubscribe><recipient><id>2744000102</id><Custom_Id /></recipient><ResultDate>2026-11-28T10:00:00</ResultDate></recp_unsubscribe>
                <recp_unsubscribe><recipient><id>x</id></recipient><ResultDate>2026-11-28T10:00:00Z</ResultDate></recp_unsubscribe>
              </getSpamComplaintsResult></getSpamComplaintsResponse>
            </soap:Body></soap:Envelope>
            """;

        var records = await ParseAsync(xml, "spam");

        Assert.Equal(3, records.Count);
        Assert.Equal((TrackingEventKind.SpamComplaint, "IND-000101", At), (records[0].Event!.Kind, records[0].Event!.IndividualId, records[0].Event!.OccurredAt));
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero), records[1].Event!.OccurredAt); // no zone: read as UTC
        Assert.Equal(new BadRecord("record 2", "missing recipient id"), records[2].Bad);
    }

    [Theory]
    [InlineData("""<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultstring>no</faultstring></soap:Fault></soap:Body></soap:Envelope>""")]
    [InlineData("""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>""")]
    [InlineData("""<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Bo""")]
    public async Task A_SOAP_answer_that_is_not_the_response_is_unreadable(string xml) =>
        await Assert.ThrowsAsync<UnreadableFileException>(() => ParseAsync(xml, "spam"));

    [Fact]
    public async Task Links_page_gives_clicks_with_url_label_and_individual_from_the_directory()
    {
        var json = $$"""
            [{"Date":"{{AtWcf}}","LinkLabel":"Conference","LinkText":"Register now","LinkURL":"https://www.example-association.org/events","MessageID":480123,"RecipientID":2744000101},
             {"Date":"{{AtWcf}}","LinkLabel":null,"LinkText":"Read the bill","LinkURL":"https://www.congress.gov/bill/1","MessageID":480123,"RecipientID":2744000101},
             {"Date":"{{AtWcf}}","LinkLabel":"","LinkText":"Watch","LinkURL":"https://www.youtube.com/watch?v=1","MessageID":480123,"RecipientID":999}]
            """;

        var records = await ParseAsync(json, "links");

        Assert.Equal(3, records.Count);
        var first = records[0].Event!;
        Assert.Equal(TrackingEventKind.LinkClicked, first.Kind);
        Assert.Equal("https://www.example-association.org/events", first.Url);
        Assert.Equal("Conference", first.LinkLabel);
        Assert.Equal("IND-000101", first.IndividualId);
        Assert.Equal("Newsletter", first.MailingType);
        Assert.Equal(
            EventIdentity.For(Vendor, "480123", "2744000101", TrackingEventKind.LinkClicked, At, "https://www.example-association.org/events"),
            first.EventId);
        Assert.Equal("Read the bill", records[1].Event!.LinkLabel); // LinkLabel null → LinkText
        Assert.NotEqual(first.EventId, records[1].Event!.EventId); // same person and time, another link

        // Unknown recipient: an event without an individual, which the fan-out holds as unmatched.
        var unknown = records[2].Event!;
        Assert.Null(unknown.IndividualId);
        Assert.Equal("Watch", unknown.LinkLabel);
    }

    [Fact]
    public async Task Directory_lookups_are_cached_per_parse()
    {
        var row = $$"""{"Date":"{{AtWcf}}","LinkURL":"https://x.example/a","MessageID":480123,"RecipientID":2744000101}""";

        await ParseAsync($"[{row},{row},{row}]", "links");

        Assert.Equal(1, directory.IndividualLookups);
        Assert.Equal(1, directory.MailingLookups);
    }

    [Fact]
    public async Task Bad_records_are_reported_with_their_position_and_good_ones_pass()
    {
        var json = Details(
            Track(),
            Track(date: "2026-11-28 14:30"),
            """{"ResultDate":"x","Status":"Delivered"}""",
            Track(recipient: "{\"id\":1}"),
            "\"not an object\"",
            Track("Teleported"),
            Track(date: @"\/Date(-62135596800000)\/"),
            Track(),
            """{"recipient":{"id":"1"},"ResultDate":"\/Date(1764340200000)\/"}""");

        var records = await ParseAsync(json, "delivered480123");

        Assert.Equal(9, records.Count);
        Assert.Equal(TrackingEventKind.Delivered, records[0].Event!.Kind);
        Assert.Equal(new BadRecord("record 1", records[1].Bad!.Reason), records[1].Bad);
        Assert.Contains("bad ResultDate", records[1].Bad!.Reason, StringComparison.Ordinal);
        Assert.Equal(new BadRecord("record 2", "missing recipient"), records[2].Bad);
        Assert.Equal(new BadRecord("record 3", "recipient id is not a whole number"), records[3].Bad);
        Assert.Equal("record 4", records[4].Bad!.Position);
        Assert.Equal(new BadRecord("record 5", "unknown Status 'Teleported'"), records[5].Bad);
        Assert.Contains("empty date", records[6].Bad!.Reason, StringComparison.Ordinal);
        Assert.Equal(TrackingEventKind.Delivered, records[7].Event!.Kind);
        Assert.Equal(new BadRecord("record 8", "missing Status"), records[8].Bad);
    }

    [Theory]
    [InlineData("links", int.MaxValue)]
    [InlineData("links", 3)]
    [InlineData("opened480123", int.MaxValue)]
    [InlineData("opened480123", 5)]
    public async Task Truncated_json_is_unreadable_after_the_good_records(string kind, int chunk)
    {
        var good = kind == "links"
            ? $$"""{"Date":"{{AtWcf}}","LinkURL":"https://x.example/a","MessageID":480123,"RecipientID":2744000101}"""
            : Track(openDate: AtWcf);
        var json = (kind == "links" ? "[" : """{"totalRecords":3,"RecipientDetails":[""") + good + "," + good + ",{\"Date\":\"\\/Da";

        var parser = new RealMagnetTrackingParser(directory);
        var yielded = new List<ParsedRecord>();
        await using var stream = new TrickleStream(Encoding.UTF8.GetBytes(json), chunk);
        var ex = await Assert.ThrowsAsync<UnreadableFileException>(async () =>
        {
            await foreach (var record in parser.ParseAsync(stream, File(kind), CancellationToken.None))
            {
                yielded.Add(record);
            }
        });

        Assert.Equal(2, yielded.Count);
        Assert.All(yielded, r => Assert.NotNull(r.Event));
        Assert.Contains("after 2 records", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_syntax_error_names_the_record_and_position()
    {
        var good = $$"""{"Date":"{{AtWcf}}","LinkURL":"https://x.example/a","MessageID":480123,"RecipientID":2744000101}""";
        var json = "[\n" + good + ",\n" + good + ",\n{\"Date\": oops}\n]";

        var parser = new RealMagnetTrackingParser(directory);
        var count = 0;
        var ex = await Assert.ThrowsAsync<UnreadableFileException>(async () =>
        {
            await foreach (var _ in parser.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)), File("links"), CancellationToken.None))
            {
                count++;
            }
        });

        Assert.Equal(2, count);
        Assert.Contains("after 2 records", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 4", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"Message\":\"Invalid session\",\"Status\":0}", "links")] // an error envelope where records were expected
    [InlineData("{\"totalRecords\":1,\"RecipientDetails\":{}}", "delivered480123")]
    [InlineData("", "opened480123")]
    [InlineData("42", "delivered480123")]
    [InlineData("<TrackingDetails/>", "fax480123")] // XML where JSON was asked for
    [InlineData("{}", "unsubscribes")]
    public async Task A_file_that_is_not_a_records_list_is_unreadable(string json, string kind) =>
        await Assert.ThrowsAsync<UnreadableFileException>(() => ParseAsync(json, kind));

    [Fact]
    public async Task Empty_pages_have_no_records()
    {
        Assert.Empty(await ParseAsync("[]", "links"));
        Assert.Empty(await ParseAsync("""{"totalRecords":0,"page":1,"recordsPerPage":50,"RecipientDetails":[]}""", "delivered480123"));
        Assert.Empty(await ParseAsync("""{"totalRecords":0,"page":1,"recordsPerPage":50,"RecipientDetails":null}""", "opened480123"));
        Assert.Empty(await ParseAsync("""{"totalRecords":0,"page":1,"recordsPerPage":50}""", "bounced480123")); // minOccurs="0"
        Assert.Empty(await ParseAsync("[]", "unsubscribes"));
    }

    [Theory]
    [InlineData("groups")]
    [InlineData("messages")]
    [InlineData("linkreport")]
    public async Task Audit_kinds_give_no_events(string kind) =>
        Assert.Empty(await ParseAsync("[{\"anything\":1}]", kind));

    [Fact]
    public async Task Unknown_kind_is_unreadable()
    {
        var ex = await Assert.ThrowsAsync<UnreadableFileException>(() => ParseAsync("[]", "delivered"));
        Assert.Contains("delivered", ex.Message, StringComparison.Ordinal); // a tracking kind without its message id
    }

    [Fact]
    public async Task Large_file_streams_across_buffer_and_chunk_boundaries()
    {
        var sb = new StringBuilder("{\"totalRecords\":5000,\"RecipientDetails\":[");
        for (var i = 0; i < 5000; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append(Track(openDate: AtWcf, recipient: (2744000101 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        sb.Append("]}");

        var records = await ParseAsync(sb.ToString(), "opened480123", chunk: 4093);

        Assert.Equal(5000, records.Count);
        Assert.All(records, r => Assert.NotNull(r.Event));
        Assert.Equal(5000, records.Select(r => r.Event!.EventId).Distinct().Count());
    }

    /// <summary>Hands out at most <c>chunk</c> bytes per read, like a network stream.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, chunk), cancellationToken);
    }
}
