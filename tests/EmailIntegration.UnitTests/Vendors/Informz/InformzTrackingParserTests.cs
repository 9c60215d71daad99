using System.Diagnostics;
using System.Text;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.UnitTests.Vendors.RealMagnet;
using EmailIntegration.Vendors.Informz;
using Microsoft.Extensions.Options;
using static EmailIntegration.UnitTests.Vendors.Informz.InformzHarness;

namespace EmailIntegration.UnitTests.Vendors.Informz;

public class InformzTrackingParserTests
{
    private const string Vendor = "informz";

    // The mailing instance was sent 2026-11-25 14:05:09 UTC: the activity kind carries it.
    private static readonly DateTimeOffset SentAt = new(2026, 11, 25, 14, 5, 9, TimeSpan.Zero);
    private static readonly string ActivityKind = InformzTrackingSource.Kinds.Activity(SentAt);

    private readonly InMemoryVendorDirectory directory = new();

    public InformzTrackingParserTests()
    {
        directory.SaveMailingsAsync(Vendor, [new MailingInfo("3101234", "Newsletter November 25", "Newsletter")], default).Wait();
        // What the source saves from the subscriber grid: e-mail hash → remote (AMS) id.
        directory.SaveRecipientsAsync(Vendor,
        [
            new VendorRecipient(EmailHash.Of("dev.khan@example.org")!, "IND-000200"),
            new VendorRecipient(EmailHash.Of("ann.smith0@example.org")!, "IND-000101"),
            new VendorRecipient(EmailHash.Of("bob.chen1@example.org")!, "IND-000102"),
            new VendorRecipient(EmailHash.Of("carla.rossi2@example.org")!, "IND-000103"),
        ], default).Wait();
    }

    private static LandedFileName File(string kind, int page = 1) =>
        new(Vendor, new DateOnly(2026, 11, 30), "20261130T021500Z-1a2b3c4d", kind, page, "xml");

    private async Task<List<ParsedRecord>> ParseAsync(string content, string kind, InformzOptions? options = null, List<ParsedRecord>? sink = null)
    {
        var parser = new InformzTrackingParser(directory, Options.Create(options ?? new InformzOptions()));
        var result = sink ?? [];
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        await foreach (var record in parser.ParseAsync(stream, File(kind), CancellationToken.None))
        {
            result.Add(record);
        }

        return result;
    }

    private static (string, string?)[] Activity(string email, string? userId, string delivered, string opened, string clicked = "0",
        string? mailing = "3101234") =>
        [("was_clicked", clicked), ("was_delivered", delivered), ("email", email), ("mailing_instance_id", mailing),
            ("was_opened", opened), ("user_id", userId)];

    [Fact]
    public void Activity_kind_round_trips_the_send_time() =>
        Assert.Equal("activity20261125T140509Z", ActivityKind);

    [Fact]
    public async Task Activity_flags_give_one_delivered_and_one_opened_event_at_the_send_time()
    {
        // user_id is "Informz user ID" (GridRequests - Subscriber Mailing Activity, 360032692492): Informz's numbers, not AMS ids.
        var xml = Envelope(Grid("mailing_activity_subscriber_actions",
            Activity("ann.smith0@example.org", "500901001", "1", "1", clicked: "1"),
            Activity("bob.chen1@example.org", "500901002", "1", "0"),
            Activity("carla.rossi2@example.org", "500901003", "0", "0")));

        var records = await ParseAsync(xml, ActivityKind);

        Assert.All(records, r => Assert.Null(r.Bad));
        var events = records.Select(r => r.Event!).ToList();
        Assert.Equal(
            [(TrackingEventKind.Delivered, "IND-000101"), (TrackingEventKind.Opened, "IND-000101"), (TrackingEventKind.Delivered, "IND-000102")],
            events.Select(e => (e.Kind, e.IndividualId!)));
        Assert.DoesNotContain(events, e => e.Kind == TrackingEventKind.LinkClicked); // no per-link click data: nothing invented
        var opened = events[1];
        Assert.Equal(Vendor, opened.Vendor);
        Assert.Equal("3101234", opened.MailingId);
        Assert.Equal("Newsletter November 25", opened.MailingName);
        Assert.Equal("Newsletter", opened.MailingType);
        Assert.Equal(SentAt, opened.OccurredAt);
        Assert.Equal(TimeSpan.Zero, opened.OccurredAt.Offset);
        Assert.Equal(EmailHash.Of("ann.smith0@example.org"), opened.RecipientEmailHash);
        Assert.Equal(EventIdentity.For(Vendor, "3101234", EmailHash.Of("ann.smith0@example.org")!, TrackingEventKind.Opened, SentAt), opened.EventId);
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
    }

    [Fact]
    public async Task Events_never_carry_the_address()
    {
        var xml = Envelope(Grid("mailing_activity_subscriber_actions", Activity("ann.smith0@example.org", "IND-000101", "1", "1")));

        var records = await ParseAsync(xml, ActivityKind);

        Assert.All(records, r => Assert.DoesNotContain("ann.smith0", System.Text.Json.JsonSerializer.Serialize(r.Event), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Activity_is_filed_under_the_directory_id_of_its_address_never_under_its_user_id()
    {
        // Rows whose user_id happens to look like (or be) another member's AMS id: a join on user_id would file them there.
        var xml = Envelope(Grid("mailing_activity_subscriber_actions",
            Activity("dev.khan@example.org", "IND-000101", "1", "0"),
            Activity("DEV.KHAN@example.org ", "500901777", "1", "0", mailing: "3101235"),
            Activity("nobody@example.org", "IND-000102", "1", "0")));

        var events = (await ParseAsync(xml, ActivityKind)).Select(r => r.Event!).ToList();

        Assert.Equal(["IND-000200", "IND-000200", null], events.Select(e => e.IndividualId));
        Assert.DoesNotContain(events, e => e.IndividualId is "IND-000101" or "IND-000102" or "500901777");
        Assert.Null(events[1].MailingName); // mailing unknown to the directory: still an event

        // The same with IndividualIdField set to the activity's own column name: the setting never applies to activity rows.
        var stillDirectory = (await ParseAsync(xml, ActivityKind, new InformzOptions { IndividualIdField = "user_id" }))
            .Select(r => r.Event!.IndividualId);
        Assert.Equal(["IND-000200", "IND-000200", null], stillDirectory);
    }

    [Fact]
    public async Task Subscriber_and_interest_rows_take_the_remote_id_from_their_row_else_the_directory()
    {
        var fromRow = (await ParseAsync(Envelope(Grid("subscriber",
            [("email", "dev.khan@example.org"), ("user_id", "IND-000300"), ("bounce_date", "2026-11-26T09:30:00")])), "subscribers")).Single();
        var fromDirectory = (await ParseAsync(Envelope(Grid("subscriber",
            [("email", "dev.khan@example.org"), ("user_id", null), ("bounce_date", "2026-11-26T09:30:00")])), "subscribers")).Single();

        Assert.Equal("IND-000300", fromRow.Event!.IndividualId);
        Assert.Equal("IND-000200", fromDirectory.Event!.IndividualId);
    }

    [Fact]
    public async Task Bad_activity_records_are_rejected_with_their_position_and_the_rest_go_through()
    {
        var xml = Envelope(Grid("mailing_activity_subscriber_actions",
            Activity("ann@example.org", "IND-000101", "1", "0"),
            Activity("", "IND-000102", "1", "0"),
            Activity("bob@example.org", "IND-000103", "maybe", "0"),
            Activity("carla@example.org", "IND-000104", "1", "0", mailing: "abc"),
            Activity("dev@example.org", "IND-000105", "Y", "N")));

        var records = await ParseAsync(xml, ActivityKind);

        Assert.Equal(5, records.Count);
        Assert.Equal(new BadRecord("record 1 (row 2)", "missing email"), records[1].Bad);
        Assert.Equal("record 2 (row 3)", records[2].Bad!.Position);
        Assert.Contains("was_delivered", records[2].Bad!.Reason, StringComparison.Ordinal);
        Assert.Equal(new BadRecord("record 3 (row 4)", "mailing_instance_id is not a whole number"), records[3].Bad);
        Assert.Equal(TrackingEventKind.Delivered, records[4].Event!.Kind);
    }

    [Fact]
    public async Task Subscriber_rows_give_bounces_and_unsubscribes()
    {
        var xml = Envelope(Grid("subscriber",
            [("subscriber_id", "500901"), ("email", "ann@example.org"), ("user_id", "IND-000101"), ("bounce_date", "2026-11-26T09:30:00"),
                ("is_repeated_bouncer", "1"), ("is_unsubscriber", "0"), ("cancellation_date", null), ("cancellation_message", null),
                ("cancellation_mailing_instance_id", null), ("modified_date", "2026-11-26T10:00:00")],
            [("subscriber_id", "500902"), ("email", "bob@example.org"), ("user_id", "IND-000102"), ("bounce_date", "2026-11-27T12:00:00Z"),
                ("is_repeated_bouncer", "0"), ("is_unsubscriber", "0"), ("modified_date", "2026-11-27T12:00:00")],
            [("subscriber_id", "500903"), ("email", "carla@example.org"), ("user_id", "IND-000103"), ("bounce_date", null),
                ("is_repeated_bouncer", "0"), ("is_unsubscriber", "1"), ("cancellation_date", "2026-11-28T08:15:00"),
                ("cancellation_message", "Write to me at carla.new@example.net instead"), ("cancellation_mailing_instance_id", "3101234"),
                ("modified_date", "2026-11-28T08:15:00")],
            [("subscriber_id", "500904"), ("email", "dev@example.org"), ("user_id", "IND-000104"), ("is_unsubscriber", "1"),
                ("cancellation_date", null), ("cancellation_mailing_instance_id", null), ("modified_date", "2026-11-28T10:00:00")],
            [("subscriber_id", "500905"), ("email", "emma@example.org"), ("user_id", "IND-000105"), ("is_unsubscriber", "0"),
                ("modified_date", "2026-11-28T10:00:00")]));

        var events = (await ParseAsync(xml, "subscribers")).Select(r => r.Event!).ToList();

        Assert.Equal(4, events.Count);
        var hard = events[0];
        Assert.Equal(TrackingEventKind.Bounced, hard.Kind);
        Assert.Equal(BounceSeverity.Hard, hard.Bounce);
        Assert.Equal(InformzTrackingParser.NoMailing, hard.MailingId);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 14, 30, 0, TimeSpan.Zero), hard.OccurredAt); // 09:30 New York (EST) = 14:30 UTC
        Assert.Equal(EmailHash.Of("ann@example.org"), hard.RecipientEmailHash);
        Assert.Equal(BounceSeverity.Soft, events[1].Bounce);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero), events[1].OccurredAt); // explicit Z kept

        var unsubscribed = events[2];
        Assert.Equal(TrackingEventKind.Unsubscribed, unsubscribed.Kind);
        Assert.Equal("IND-000103", unsubscribed.IndividualId);
        Assert.Equal("3101234", unsubscribed.MailingId);
        Assert.Equal("Newsletter November 25", unsubscribed.MailingName);
        Assert.Null(unsubscribed.EmailGroup);
        Assert.Equal("Write to me at [e-mail] instead", unsubscribed.Reason);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 13, 15, 0, TimeSpan.Zero), unsubscribed.OccurredAt);

        var noMailing = events[3];
        Assert.Equal(InformzTrackingParser.NoMailing, noMailing.MailingId);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 15, 0, 0, TimeSpan.Zero), noMailing.OccurredAt); // modified_date fallback
    }

    [Fact]
    public async Task A_repeated_bouncer_is_a_new_event_for_the_same_bounce_date()
    {
        (string, string?)[] Row(string repeated) =>
            [("email", "ann@example.org"), ("user_id", "IND-000101"), ("bounce_date", "2026-11-26T09:30:00"), ("is_repeated_bouncer", repeated)];

        var soft = (await ParseAsync(Envelope(Grid("subscriber", Row("0"))), "subscribers")).Single().Event!;
        var hard = (await ParseAsync(Envelope(Grid("subscriber", Row("1"))), "subscribers")).Single().Event!;
        var again = (await ParseAsync(Envelope(Grid("subscriber", Row("1"))), "subscribers")).Single().Event!;

        Assert.NotEqual(soft.EventId, hard.EventId);
        Assert.Equal(hard.EventId, again.EventId);
    }

    [Fact]
    public async Task Bad_subscriber_rows_are_rejected_with_their_position()
    {
        var xml = Envelope(Grid("subscriber",
            [("email", "ann@example.org"), ("bounce_date", "yesterday")],
            [("email", "bob@example.org"), ("is_unsubscriber", "1")],
            [("email", "carla@example.org"), ("is_unsubscriber", "1"), ("cancellation_date", "2026-11-28"), ("cancellation_mailing_instance_id", "x1")],
            [("email", null), ("bounce_date", "2026-11-26")]));

        var bad = (await ParseAsync(xml, "subscribers")).Select(r => r.Bad).ToList();

        Assert.Equal(
        [
            new BadRecord("record 0 (row 1)", "bounce_date is not a date"),
            new BadRecord("record 1 (row 2)", "is_unsubscriber without cancellation_date or modified_date"),
            new BadRecord("record 2 (row 3)", "cancellation_mailing_instance_id is not a whole number"),
            new BadRecord("record 3 (row 4)", "missing email"),
        ], bad);
    }

    [Fact]
    public async Task Interest_cancellations_are_unsubscribes_from_the_email_group()
    {
        var xml = Envelope(Grid("subscriber_interests",
            [("subscriber_to_interest_id", "77001"), ("email", "ann@example.org"), ("interest_id", "901"), ("interest_name", "Events"),
                ("cancellation_date", "2026-11-20T11:00:00"), ("user_id", "IND-000101")],
            [("subscriber_to_interest_id", "77002"), ("email", "bob@example.org"), ("interest_name", null), ("cancellation_date", "2026-11-20")],
            [("subscriber_to_interest_id", "77003"), ("email", "carla@example.org"), ("interest_name", "Events"), ("cancellation_date", null)]));

        var records = await ParseAsync(xml, "interests");

        Assert.Equal(2, records.Count);
        var e = records[0].Event!;
        Assert.Equal(TrackingEventKind.Unsubscribed, e.Kind);
        Assert.Equal("Events", e.EmailGroup);
        Assert.Equal("IND-000101", e.IndividualId);
        Assert.Equal(InformzTrackingParser.NoMailing, e.MailingId);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 16, 0, 0, TimeSpan.Zero), e.OccurredAt);
        Assert.Equal(new BadRecord("record 1 (row 2)", "missing interest_name"), records[1].Bad);
    }

    [Fact]
    public async Task Mailings_directory_and_count_pages_give_no_events_and_unknown_kinds_are_unreadable()
    {
        Assert.Empty(await ParseAsync(Envelope(Grid("mailing_instance", [("mailing_instance_id", "1")])), "mailings"));
        Assert.Empty(await ParseAsync(Envelope(Grid("subscriber", [("email", "a@example.org"), ("user_id", "IND-1")])), "directory"));
        Assert.Empty(await ParseAsync(Envelope(Grid("subscriber", [("count", "12")])), "counts"));
        await Assert.ThrowsAsync<UnreadableFileException>(() => ParseAsync(Envelope(Grid("x")), "clicks"));
        await Assert.ThrowsAsync<UnreadableFileException>(() => ParseAsync(Envelope(Grid("x")), "activity2026"));
    }

    [Fact]
    public async Task A_bare_GridResponse_is_read_as_well()
    {
        var xml = Grid("mailing_activity_subscriber_actions", Activity("ann@example.org", "IND-000101", "1", "0"));

        var records = await ParseAsync(xml.Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal), ActivityKind);

        Assert.Equal(TrackingEventKind.Delivered, Assert.Single(records).Event!.Kind);
    }

    [Fact]
    public async Task A_payload_cut_off_after_good_records_is_unreadable_and_the_good_records_stand()
    {
        var node = GridNode("mailing_activity_subscriber_actions",
            Activity("ann@example.org", "1", "1", "0"),
            Activity("bob@example.org", "2", "1", "0"),
            Activity("carla@example.org", "3", "1", "0"));
        var cut = node[..node.LastIndexOf("<Record", StringComparison.Ordinal)] + "<Record row=\"3\"><Fields><Field element=\"email\">carla@";
        var response = "<GridResponse xmlns=\"http://partner.informz.net/aapi/2009/08/\"><Grids>" + InformzFrame.Encode(cut) + "</Grids></GridResponse>";
        var sink = new List<ParsedRecord>();

        var ex = await Assert.ThrowsAsync<UnreadableFileException>(() => ParseAsync(Envelope(response), ActivityKind, sink: sink));

        Assert.Equal(2, sink.Count);
        Assert.All(sink, r => Assert.NotNull(r.Event));
        Assert.Contains("after 2 records", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("carla@", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unframed_page_is_unreadable_with_the_reason()
    {
        var unframed = Envelope(UnframedGrid("mailing_activity_subscriber_actions", Activity("ann@example.org", "1", "1", "0")));

        var ex = await Assert.ThrowsAsync<UnreadableFileException>(() => ParseAsync(unframed, ActivityKind));

        Assert.Contains("<Grids> holds XML elements, not the framed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_frame_that_does_not_decode_is_unreadable_with_the_reason()
    {
        var framed = Envelope(Grid("mailing_activity_subscriber_actions", Activity("ann@example.org", "1", "1", "0")));
        var start = framed.IndexOf("&lt;Grids&gt;", StringComparison.Ordinal) + "&lt;Grids&gt;".Length;
        var broken = framed[..(start + 40)] + framed[framed.IndexOf("&lt;/Grids&gt;", StringComparison.Ordinal)..];

        var ex = await Assert.ThrowsAsync<UnreadableFileException>(() => ParseAsync(broken, ActivityKind));

        Assert.Contains("is not a readable frame", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_envelope_is_unreadable_after_the_records_it_had()
    {
        var full = Envelope(Grid("mailing_activity_subscriber_actions",
            Activity("ann@example.org", "IND-000101", "1", "0"),
            Activity("bob@example.org", "IND-000102", "1", "0")));
        var sink = new List<ParsedRecord>();

        await Assert.ThrowsAsync<UnreadableFileException>(() =>
            ParseAsync(full[..full.IndexOf("</PostInformzMessageResult>", StringComparison.Ordinal)], ActivityKind, sink: sink));

        Assert.Equal(2, sink.Count);
    }

    private const string Laughs =
        "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
        + "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
        + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
        + "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
        + "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
        + "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
        + "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
        + "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
        + "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]>";

    public static TheoryData<string> HostileDocuments()
    {
        var laughsGrid = Laughs + "<GridResponse xmlns=\"http://partner.informz.net/aapi/2009/08/\"><Grids><Grid type=\"subscriber\"><Record row=\"1\"><Fields>"
                         + "<Field element=\"email\">&lol9;</Field></Fields></Record></Grid></Grids></GridResponse>";
        var externalGrid = "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                           + "<GridResponse xmlns=\"http://partner.informz.net/aapi/2009/08/\"><Grids><Grid type=\"subscriber\"><Record row=\"1\"><Fields>"
                           + "<Field element=\"email\">&xxe;</Field></Fields></Record></Grid></Grids></GridResponse>";
        var laughsEnvelope = Laughs.Replace("lolz", "s:Envelope", StringComparison.Ordinal)
                             + Envelope(Grid("subscriber", [("email", "a@example.org")]))
                                 .Replace("<s:Body>", "<s:Body>&lol9;", StringComparison.Ordinal);
        return new TheoryData<string>
        {
            laughsGrid,                                   // bare document
            Envelope(laughsGrid),                         // the escaped document inside the SOAP result
            externalGrid,
            Envelope(externalGrid),
            laughsEnvelope,                               // the envelope itself
        };
    }

    [Theory]
    [MemberData(nameof(HostileDocuments))]
    public async Task DTDs_are_rejected_without_expanding_or_resolving_entities(string document)
    {
        var watch = Stopwatch.StartNew();
        var sink = new List<ParsedRecord>();

        var ex = await Assert.ThrowsAsync<UnreadableFileException>(() => ParseAsync(document, "subscribers", sink: sink));

        Assert.Empty(sink);
        Assert.Contains("DTD", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("root:", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("lollol", ex.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }
}
