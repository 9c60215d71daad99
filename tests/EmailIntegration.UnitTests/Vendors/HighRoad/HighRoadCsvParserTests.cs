using System.Text;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Vendors.HighRoad;
using static EmailIntegration.UnitTests.Vendors.HighRoad.HighRoadTestSupport;

namespace EmailIntegration.UnitTests.Vendors.HighRoad;

public class HighRoadCsvParserTests
{
    private const string Header = "Individual ID,Email,Mailing ID,Mailing Name,Event,Date,URL,Email Group,Fax Number,Status,Reason";

    [Fact]
    public async Task Reads_a_file_with_a_BOM_and_quoted_fields_holding_newlines_delimiters_and_quotes()
    {
        var csv = Header + "\r\n"
            + "IND-000123,Ann.Smith@Example.org,HR-7001,\"Weekly \"\"Insider\"\", Nov\",sent,2026-11-20 14:05:09,,Newsletter,,Delivered,\r\n"
            + "IND-000123,ann.smith@example.org,HR-7001,\"Dues reminder\r\nsecond notice\",click,2026-11-20 15:00:00,\"https://x.example/a?b=1,2\",Newsletter,,,\r\n"
            + "IND-000124,bob@example.org,HR-7001,Weekly,open,2026-11-21 08:00:00,,Newsletter,,,\r\n";

        var records = await ParseAsync(csv, bom: true);

        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Null(r.Bad));
        var sent = records[0].Event!;
        Assert.Equal(TrackingEventKind.Delivered, sent.Kind);
        Assert.Equal("highroad", sent.Vendor);
        Assert.Equal("IND-000123", sent.IndividualId);
        Assert.Equal("HR-7001", sent.MailingId);
        Assert.Equal("Weekly \"Insider\", Nov", sent.MailingName);
        Assert.Equal("Newsletter", sent.MailingType);
        Assert.Null(sent.EmailGroup);
        Assert.Equal("Delivered", sent.Status);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 14, 5, 9, TimeSpan.Zero), sent.OccurredAt);
        Assert.Null(sent.RecipientEmailHash); // keyed by the AMS id; no effect of a delivery needs the address

        var click = records[1].Event!;
        Assert.Equal(TrackingEventKind.LinkClicked, click.Kind);
        Assert.Equal("Dues reminder\r\nsecond notice", click.MailingName);
        Assert.Equal("https://x.example/a?b=1,2", click.Url);
        Assert.Null(click.RecipientEmailHash);
        Assert.Equal(TrackingEventKind.Opened, records[2].Event!.Kind);
    }

    [Fact]
    public async Task Events_never_carry_the_address_and_ids_are_deterministic()
    {
        var csv = Header + "\n" + ",only.email@example.org,HR-1,M,open,2026-11-20 10:00:00,,,,,\n";

        var first = (await ParseAsync(csv)).Single().Event!;
        var second = (await ParseAsync(csv)).Single().Event!;

        Assert.Null(first.IndividualId); // unmatched, held by the fan-out
        Assert.Equal(first.EventId, second.EventId);
        Assert.Equal(
            EventIdentity.For("highroad", "HR-1", "email:" + EmailHash.Of("only.email@example.org"), TrackingEventKind.Opened,
                new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero)),
            first.EventId);
        Assert.DoesNotContain("only.email", System.Text.Json.JsonSerializer.Serialize(first), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Semicolon_delimited_files_parse_with_the_option()
    {
        var csv = "Individual ID;Email;Mailing ID;Event;Date;URL\n"
            + "IND-1;a@example.org;HR-9;click;2026-11-20 10:00:00;\"https://x.example/?a=1;b=2\"\n"
            + "IND-2;b@example.org;HR-9;open;2026-11-20 11:00:00;\n";

        var records = await ParseAsync(csv, Options(o => o.Delimiter = ";"));

        Assert.Equal(["IND-1", "IND-2"], records.Select(r => r.Event!.IndividualId));
        Assert.Equal("https://x.example/?a=1;b=2", records[0].Event!.Url);
    }

    [Theory]
    [InlineData("tab")]
    [InlineData("\t")]
    [InlineData("\\t")]
    public async Task Tab_delimited_files_parse_with_the_option(string delimiter)
    {
        var csv = "Individual ID\tEmail\tMailing ID\tMailing Name\tEvent\tDate\n"
            + "IND-1\ta@example.org\tHR-9\tName, with comma\tsent\t2026-11-20 10:00:00\n";

        var e = (await ParseAsync(csv, Options(o => o.Delimiter = delimiter))).Single().Event!;

        Assert.Equal("Name, with comma", e.MailingName);
        Assert.Equal(TrackingEventKind.Delivered, e.Kind);
    }

    [Fact]
    public async Task Local_times_across_a_DST_change_convert_to_UTC_with_their_offset()
    {
        // America/New_York: EDT (-4) until 2026-11-01 02:00 local, then EST (-5); 2026-03-08 02:00 jumps to 03:00.
        var csv = "Individual ID,Mailing ID,Event,Date\n"
            + "IND-1,HR-1,open,10/31/2026 11:30:00 PM\n" // EDT
            + "IND-1,HR-1,open,11/01/2026 12:30:00 AM\n" // EDT
            + "IND-1,HR-1,open,11/01/2026 01:30:00 AM\n" // happens twice: the earlier (EDT) instant
            + "IND-1,HR-1,open,11/01/2026 03:00:00 AM\n" // EST
            + "IND-1,HR-1,open,03/08/2026 02:30:00 AM\n" // does not exist
            + "IND-1,HR-1,open,03/08/2026 03:30:00 AM\n"; // EDT
        var options = Options(o =>
        {
            o.DateFormat = "MM/dd/yyyy hh:mm:ss tt";
            o.TimeZone = "America/New_York";
        });

        var records = await ParseAsync(csv, options);

        DateTimeOffset Utc(int month, int day, int hour, int minute) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);
        Assert.Equal(Utc(11, 1, 3, 30), records[0].Event!.OccurredAt);
        Assert.Equal(Utc(11, 1, 4, 30), records[1].Event!.OccurredAt);
        Assert.Equal(Utc(11, 1, 5, 30), records[2].Event!.OccurredAt);
        Assert.Equal(Utc(11, 1, 8, 0), records[3].Event!.OccurredAt);
        Assert.Equal("line 6", records[4].Bad!.Position);
        Assert.Contains("does not exist", records[4].Bad!.Reason, StringComparison.Ordinal);
        Assert.Equal(Utc(3, 8, 7, 30), records[5].Event!.OccurredAt);
        Assert.All(records.Where(r => r.Event is not null), r => Assert.Equal(TimeSpan.Zero, r.Event!.OccurredAt.Offset));
    }

    [Fact]
    public async Task Dates_with_their_own_offset_keep_it_whatever_the_zone()
    {
        var csv = "Individual ID,Mailing ID,Event,Date\nIND-1,HR-1,open,2026-07-01T10:00:00+02:00\n";

        var e = (await ParseAsync(csv, Options(o =>
        {
            o.DateFormat = "yyyy-MM-dd'T'HH:mm:sszzz";
            o.TimeZone = "America/New_York";
        }))).Single().Event!;

        Assert.Equal(new DateTimeOffset(2026, 7, 1, 8, 0, 0, TimeSpan.Zero), e.OccurredAt);
    }

    [Fact]
    public async Task Bad_rows_are_reported_with_their_line_while_good_rows_pass()
    {
        var csv = Header + "\n"
            + "IND-1,a@example.org,HR-1,\"Name\nover two lines\",sent,2026-11-20 10:00:00,,,,,\n" // lines 2-3
            + "IND-2,b@example.org,HR-1,M,sent,20/11/2026,,,,,\n"                                 // line 4: bad date
            + "IND-3,c@example.org,HR-1,M,forwarded,2026-11-20 10:00:00,,,,,\n"                    // line 5: unknown kind
            + "\n"                                                                                 // line 6: blank
            + "IND-4,d@example.org,,M,open,2026-11-20 10:00:00,,,,,\n"                             // line 7: no mailing
            + ",,HR-1,M,open,2026-11-20 10:00:00,,,,,\n"                                           // line 8: no recipient
            + "IND-5,e@example.org,HR-1,M,open,2026-11-20 10:00:00,,,,,\n"                         // line 9: good
            + "IND-6,f@example.org,HR-1,M,x@example.org,2026-11-20 10:00:00,,,,,\n";              // line 10: shifted e-mail

        var records = await ParseAsync(csv);

        Assert.Equal(["IND-1", "IND-5"], records.Where(r => r.Event is not null).Select(r => r.Event!.IndividualId));
        var bad = records.Where(r => r.Bad is not null).Select(r => r.Bad!).ToList();
        Assert.Equal(["line 4", "line 5", "line 7", "line 8", "line 10"], bad.Select(b => b.Position));
        Assert.Contains("20/11/2026", bad[0].Reason, StringComparison.Ordinal);
        Assert.Contains("'forwarded'", bad[1].Reason, StringComparison.Ordinal);
        Assert.Equal("no mailing id", bad[2].Reason);
        Assert.Equal("no individual id and no e-mail address", bad[3].Reason);
        Assert.DoesNotContain("@", string.Join(" ", bad.Select(b => b.Reason)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Mailing ID", "MailingId")]
    [InlineData("Event", "EventKind")]
    [InlineData("Date", "Date")]
    public async Task A_missing_required_column_makes_the_file_unreadable_naming_it(string column, string setting)
    {
        var header = string.Join(',', Header.Split(',').Where(h => h != column));
        var (records, error) = await ParseUntilErrorAsync(header + "\nIND-1,a@example.org,x,y,z,w,v,u,t,s\n");

        var ex = Assert.IsType<UnreadableFileException>(error);
        Assert.Empty(records);
        Assert.Contains($"'{column}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"Columns:{setting}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Header_names_match_case_insensitively_and_a_file_without_any_recipient_column_is_unreadable()
    {
        var ok = await ParseAsync("INDIVIDUAL id,mailing ID,EVENT,date\nIND-1,HR-1,Open,2026-11-20 10:00:00\n");
        Assert.Equal(TrackingEventKind.Opened, ok.Single().Event!.Kind);

        var (_, error) = await ParseUntilErrorAsync("Mailing ID,Event,Date\nHR-1,open,2026-11-20 10:00:00\n");
        var ex = Assert.IsType<UnreadableFileException>(error);
        Assert.Contains("'Individual ID'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'Email'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_quote_at_the_end_is_unreadable_after_the_good_rows()
    {
        var csv = Header + "\n"
            + "IND-1,a@example.org,HR-1,M,sent,2026-11-20 10:00:00,,,,,\n"
            + "IND-2,b@example.org,HR-1,M,open,2026-11-20 11:00:00,,,,,\n"
            + "IND-3,c@example.org,HR-1,\"Unterminated,open,2026-11-20 12:00:00,,,,,\n";

        var (records, error) = await ParseUntilErrorAsync(csv);

        Assert.Equal(["IND-1", "IND-2"], records.Select(r => r.Event!.IndividualId));
        var ex = Assert.IsType<UnreadableFileException>(error);
        Assert.Contains("line 4", ex.Message, StringComparison.Ordinal);
        Assert.Contains("closing quote", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c@example.org", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bounces_faxes_unsubscribes_and_spam_carry_their_details()
    {
        var csv = Header + "\n"
            + "IND-1,a@example.org,HR-1,M,hard bounce,2026-11-20 10:00:00,,Events,,Failed,550 5.1.1 user unknown\n"
            + "IND-2,b@example.org,HR-1,M,soft bounce,2026-11-20 10:00:00,,Events,,Deferred,452 mailbox full\n"
            + "IND-3,c@example.org,HR-2,M,fax,2026-11-20 10:00:00,,Events,+1-202-555-0100,Busy,\n"
            + "IND-4,d@example.org,HR-1,M,Unsubscribe,2026-11-20 10:00:00,,Advocacy,,,\n"
            + "IND-5,e@example.org,HR-1,M,SPAM,2026-11-20 10:00:00,,Events,,,\n";

        var e = (await ParseAsync(csv)).Select(r => r.Event!).ToList();

        Assert.Equal((TrackingEventKind.Bounced, BounceSeverity.Hard, true), (e[0].Kind, e[0].Bounce, e[0].UserUnknown));
        Assert.Equal("550 5.1.1 user unknown", e[0].Reason);
        Assert.Equal((TrackingEventKind.Bounced, BounceSeverity.Soft, false), (e[1].Kind, e[1].Bounce, e[1].UserUnknown));
        Assert.Equal((TrackingEventKind.FaxSent, "+1-202-555-0100", "Busy"), (e[2].Kind, e[2].FaxNumber, e[2].Status));
        Assert.Null(e[2].Bounce);
        Assert.Equal((TrackingEventKind.Unsubscribed, "Advocacy"), (e[3].Kind, e[3].EmailGroup));
        Assert.Equal(TrackingEventKind.SpamComplaint, e[4].Kind);
    }

    [Fact]
    public async Task Empty_and_header_only_files_have_no_records()
    {
        Assert.Empty(await ParseAsync(Array.Empty<byte>()));
        Assert.Empty(await ParseAsync(Header + "\r\n", bom: true));
    }

    [Fact]
    public async Task A_file_that_is_not_csv_is_unreadable()
    {
        var parser = Parser();
        var name = ExportFile with { Extension = "json" };

        await Assert.ThrowsAsync<UnreadableFileException>(async () =>
        {
            await foreach (var _ in parser.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes("[]")), name, default))
            {
            }
        });
    }

    [Theory]
    [InlineData("a,b\n1,2\n", 1)]
    [InlineData("\uFEFFa,b\r\n1,\"x\r\ny\"\r\n\r\n2,3", 2)]
    [InlineData("a,b\r1,2\r3,4\r", 2)]
    [InlineData("a,b\n", 0)]
    [InlineData("", 0)]
    public void The_row_counter_counts_records_not_lines(string csv, long expected)
    {
        var bytes = Encoding.UTF8.GetBytes(csv);
        var counter = new CsvRowCounter();
        foreach (var chunk in bytes.Chunk(3))
        {
            counter.Feed(chunk);
        }

        Assert.Equal(expected, counter.Complete());
        Assert.Equal(expected, CsvRowCounter.Count(bytes));
    }
}
