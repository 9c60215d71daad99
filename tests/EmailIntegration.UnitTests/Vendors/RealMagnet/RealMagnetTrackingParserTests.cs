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

    private readonly InMemoryVendorDirectory _directory = new();

    public RealMagnetTrackingParserTests()
    {
        _directory.SaveMailingsAsync(Vendor, [new MailingInfo("480123", "Newsletter November 28", "Newsletter")], default).Wait();
        _directory.SaveRecipientsAsync(Vendor, [new VendorRecipient("2744000101", "IND-000101")], default).Wait();
    }

    private static LandedFileName File(string kind, int page = 1) =>
        new(Vendor, new DateOnly(2026, 11, 30), "20261130T021500Z-1a2b3c4d", kind, page, "json");

    private async Task<List<ParsedRecord>> ParseAsync(string json, string kind, int chunk = int.MaxValue)
    {
        var parser = new RealMagnetTrackingParser(_directory);
        var result = new List<ParsedRecord>();
        await using var stream = new TrickleStream(Encoding.UTF8.GetBytes(json), chunk);
        await foreach (var record in parser.ParseAsync(stream, File(kind), CancellationToken.None))
        {
            result.Add(record);
        }

        return result;
    }

    private static string Activity(string code, string subcode, string recipient = "2744000101", string customId = "\"IND-000101\"",
        string date = "", string message = "480123") =>
        $$"""{"MessageID":{{message}},"RecipientID":{{recipient}},"CustomID":{{customId}},"Email":"ann@example.org","ActivityCode":"{{code}}","ActivitySubcode":"{{subcode}}","ActivityDate":"{{(date.Length == 0 ? AtWcf : date)}}"}""";

    [Fact]
    public async Task Delivered_page_gives_delivered_and_bounced_events_with_mailing_and_individual()
    {
        var json = $$"""{"TotalRecords":2,"Records":[{{Activity("Sent", "Delivered")}},{{Activity("Sent", "HardBounce", recipient: "2744000102", customId: "\"IND-000102\"")}}]}""";

        var records = await ParseAsync(json, "delivered");

        Assert.Equal(2, records.Count);
        var delivered = records[0].Event!;
        Assert.Equal(TrackingEventKind.Delivered, delivered.Kind);
        Assert.Equal(Vendor, delivered.Vendor);
        Assert.Equal("IND-000101", delivered.IndividualId);
        Assert.Equal("480123", delivered.MailingId);
        Assert.Equal("Newsletter November 28", delivered.MailingName);
        Assert.Equal("Newsletter", delivered.MailingType);
        Assert.Equal(At, delivered.OccurredAt);
        Assert.Equal(TimeSpan.Zero, delivered.OccurredAt.Offset);
        Assert.Null(delivered.Status);
        Assert.Equal(EventIdentity.For(Vendor, "480123", "2744000101", TrackingEventKind.Delivered, At), delivered.EventId);

        var bounced = records[1].Event!;
        Assert.Equal(TrackingEventKind.Bounced, bounced.Kind);
        Assert.Equal("HardBounce", bounced.Status);
        Assert.Equal("IND-000102", bounced.IndividualId);
        Assert.Equal(EventIdentity.For(Vendor, "480123", "2744000102", TrackingEventKind.Bounced, At), bounced.EventId);
    }

    [Theory]
    [InlineData("SoftBounce")]
    [InlineData("UserNotFound")]
    [InlineData("MailboxFull")]
    public async Task Bounce_subcodes_are_bounced_events_with_the_subcode_as_status(string subcode)
    {
        var records = await ParseAsync($$"""{"Records":[{{Activity("Sent", subcode)}}]}""", "delivered");

        var e = Assert.Single(records).Event!;
        Assert.Equal(TrackingEventKind.Bounced, e.Kind);
        Assert.Equal(subcode, e.Status);
    }

    [Fact]
    public async Task Opened_page_as_a_bare_array_with_field_aliases_gives_opens()
    {
        // Tolerance for the unverified shape: bare array, CustomId / Custom_Id / CustomMemberID, Date instead of ActivityDate.
        var json = $$"""
            [
              {"MessageID":480123,"RecipientID":2744000101,"CustomId":"IND-000101","ActivityCode":"Opened","ActivitySubcode":"Opened","Date":"{{AtWcf}}"},
              {"MessageID":"480123","RecipientID":"2744000103","Custom_Id":"IND-000103","ActivityCode":"Opened","ActivitySubcode":"Opened","ActivityDate":"{{AtWcf}}"},
              {"MessageID":480123,"RecipientID":2744000104,"CustomMemberID":"IND-000104","ActivityCode":"Opened","ActivitySubcode":"Opened","ActivityDate":"/Date({{At.AddMinutes(1).ToUnixTimeMilliseconds()}})/"}
            ]
            """;

        var records = await ParseAsync(json, "opened");

        Assert.All(records, r => Assert.Equal(TrackingEventKind.Opened, r.Event!.Kind));
        Assert.Equal(["IND-000101", "IND-000103", "IND-000104"], records.Select(r => r.Event!.IndividualId));
        Assert.Equal(At.AddMinutes(1), records[2].Event!.OccurredAt);
    }

    [Fact]
    public async Task A_message_id_given_once_in_the_wrapper_applies_to_its_records()
    {
        var json = $$"""{"MessageID":480123,"TotalRecords":1,"Records":[{"RecipientID":2744000101,"CustomID":"","ActivityCode":"Opened","ActivitySubcode":"Opened","ActivityDate":"{{AtWcf}}"}]}""";

        var e = Assert.Single(await ParseAsync(json, "opened")).Event!;

        Assert.Equal("480123", e.MailingId);
        Assert.Equal("IND-000101", e.IndividualId); // empty CustomID: found in the directory
    }

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

        Assert.Equal(1, _directory.IndividualLookups);
        Assert.Equal(1, _directory.MailingLookups);
    }

    [Fact]
    public async Task Bad_records_are_reported_with_their_position_and_good_ones_pass()
    {
        var json = $$"""
            {"TotalRecords":6,"Records":[
              {{Activity("Sent", "Delivered")}},
              {{Activity("Sent", "Delivered", date: "2026-11-28 14:30")}},
              {"MessageID":480123,"CustomID":"IND-1","ActivityCode":"Sent","ActivitySubcode":"Delivered","ActivityDate":"{{AtWcf}}"},
              {{Activity("Sent", "Delivered", recipient: "{\"id\":1}")}},
              "not an object",
              {{Activity("Sent", "Delivered", message: "null")}},
              {{Activity("Sent", "Teleported")}},
              {{Activity("Opened", "Opened")}}
            ]}
            """;

        var records = await ParseAsync(json, "delivered");

        Assert.Equal(8, records.Count);
        Assert.Equal(TrackingEventKind.Delivered, records[0].Event!.Kind);
        Assert.Equal(new BadRecord("record 1", records[1].Bad!.Reason), records[1].Bad);
        Assert.Contains("bad date", records[1].Bad!.Reason, StringComparison.Ordinal);
        Assert.Equal("record 2", records[2].Bad!.Position);
        Assert.Contains("missing RecipientID", records[2].Bad!.Reason, StringComparison.Ordinal);
        Assert.Equal("record 3", records[3].Bad!.Position);
        Assert.Contains("RecipientID is Object", records[3].Bad!.Reason, StringComparison.Ordinal);
        Assert.Equal("record 4", records[4].Bad!.Position);
        Assert.Equal("record 5", records[5].Bad!.Position);
        Assert.Contains("missing MessageID", records[5].Bad!.Reason, StringComparison.Ordinal);
        Assert.Equal("record 6", records[6].Bad!.Position);
        Assert.Contains("unknown activity", records[6].Bad!.Reason, StringComparison.Ordinal);
        Assert.Equal(TrackingEventKind.Opened, records[7].Event!.Kind);
    }

    [Theory]
    [InlineData("links", int.MaxValue)]
    [InlineData("links", 3)]
    [InlineData("opened", int.MaxValue)]
    [InlineData("opened", 5)]
    public async Task Truncated_json_is_unreadable_after_the_good_records(string kind, int chunk)
    {
        var good = kind == "links"
            ? $$"""{"Date":"{{AtWcf}}","LinkURL":"https://x.example/a","MessageID":480123,"RecipientID":2744000101}"""
            : Activity("Opened", "Opened");
        var json = (kind == "links" ? "[" : """{"TotalRecords":3,"Records":[""") + good + "," + good + ",{\"Date\":\"\\/Da";

        var parser = new RealMagnetTrackingParser(_directory);
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

        var parser = new RealMagnetTrackingParser(_directory);
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
    [InlineData("{\"TotalRecords\":0}", "delivered")] // a wrapper without Records
    [InlineData("", "opened")]
    [InlineData("42", "delivered")]
    public async Task A_file_that_is_not_a_records_list_is_unreadable(string json, string kind) =>
        await Assert.ThrowsAsync<UnreadableFileException>(() => ParseAsync(json, kind));

    [Fact]
    public async Task Empty_pages_have_no_records()
    {
        Assert.Empty(await ParseAsync("[]", "links"));
        Assert.Empty(await ParseAsync("""{"TotalRecords":0,"Records":[]}""", "delivered"));
        Assert.Empty(await ParseAsync("""{"TotalRecords":0,"Records":null}""", "opened"));
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
        var ex = await Assert.ThrowsAsync<UnreadableFileException>(() => ParseAsync("[]", "bounces"));
        Assert.Contains("bounces", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Large_file_streams_across_buffer_and_chunk_boundaries()
    {
        var sb = new StringBuilder("{\"TotalRecords\":5000,\"Records\":[");
        for (var i = 0; i < 5000; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append(Activity("Opened", "Opened", recipient: (2744000101 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        sb.Append("]}");

        var records = await ParseAsync(sb.ToString(), "opened", chunk: 4093);

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
