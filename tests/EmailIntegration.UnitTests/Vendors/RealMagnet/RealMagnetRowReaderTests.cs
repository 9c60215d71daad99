using System.Text;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Vendors.RealMagnet;

namespace EmailIntegration.UnitTests.Vendors.RealMagnet;

/// <summary>
/// The rows are read straight from the JSON reader; these pin the field look-up rules the JsonElement-based parser had
/// (exact alias first with the last duplicate winning, then case-insensitive in document order) and its UTF-8 behaviour.
/// </summary>
public class RealMagnetRowReaderTests
{
    private const string Date = @"\/Date(1764340200000-0500)\/";

    private static async Task<List<ParsedRecord>> ParseAsync(byte[] json, string kind = "delivered")
    {
        var parser = new RealMagnetTrackingParser(new InMemoryVendorDirectory());
        var file = new LandedFileName("realmagnet", new DateOnly(2026, 11, 30), "run", kind, 1, "json");
        var result = new List<ParsedRecord>();
        foreach (var chunk in new[] { int.MaxValue, 7 })
        {
            var records = new List<ParsedRecord>();
            await using var stream = new ChunkedStream(json, chunk);
            await foreach (var record in parser.ParseAsync(stream, file, CancellationToken.None))
            {
                records.Add(record);
            }

            if (result.Count > 0)
            {
                Assert.Equal(result, records); // the same however the bytes arrive
            }

            result = records;
        }

        return result;
    }

    private static Task<List<ParsedRecord>> ParseAsync(string json, string kind = "delivered") => ParseAsync(Encoding.UTF8.GetBytes(json), kind);

    [Fact]
    public async Task The_last_of_duplicate_exact_names_wins_and_a_null_there_falls_to_the_next_alias()
    {
        var records = await ParseAsync($$"""
            [{"MessageID":1,"MessageID":2,"RecipientID":5,"ActivityDate":"{{Date}}"},
             {"messageID":3,"MessageID":null,"MESSAGEID":4,"RecipientID":5,"ActivityDate":"{{Date}}"},
             {"Message\u0049D":6,"RecipientID":5,"ActivityDate":"{{Date}}"}]
            """);

        Assert.Equal(["2", "3", "6"], records.Select(r => r.Event!.MailingId));
    }

    [Fact]
    public async Task Values_are_read_as_the_element_parser_read_them()
    {
        var records = await ParseAsync($$"""
            [{"MessageID":"7","RecipientID":5,"CustomID":"  IND-1 ","Email":"  Ann@Example.ORG ","activitycode":"SENT","ActivitySubcode":"hardbounce","Date":"{{Date}}"},
             {"MessageID":7,"RecipientID":5,"CustomID":12345,"ActivityDate":"2026-01-01T10:00:00+02:00"}]
            """);

        var bounce = records[0].Event!;
        Assert.Equal(TrackingEventKind.Bounced, bounce.Kind);
        Assert.Equal("hardbounce", bounce.Status);
        Assert.Equal(BounceSeverity.Hard, bounce.Bounce);
        Assert.Equal("IND-1", bounce.IndividualId);
        Assert.Equal(EmailHash.Of("ann@example.org"), bounce.RecipientEmailHash);
        Assert.Equal(new DateTimeOffset(2025, 11, 28, 14, 30, 0, TimeSpan.Zero), bounce.OccurredAt);
        Assert.Equal("12345", records[1].Event!.IndividualId);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero), records[1].Event!.OccurredAt);
    }

    [Fact]
    public async Task Reasons_are_unchanged()
    {
        var records = await ParseAsync($$"""
            [[1,{"a":2}], "x", {"MessageID":1.5,"RecipientID":5,"ActivityDate":"{{Date}}"},
             {"MessageID":"abcdefghijklmnopqrstuvwxyz0123456789","RecipientID":5,"ActivityDate":"{{Date}}"},
             {"MessageID":1,"RecipientID":[5],"ActivityDate":"{{Date}}"},
             {"MessageID":1,"RecipientID":5,"ActivityDate":123},
             {"MessageID":1,"RecipientID":5,"ActivityDate":"\/Date(1764340200000+1599)\/"}]
            """);

        Assert.Equal(
            [
                "expected a JSON object, found Array",
                "expected a JSON object, found String",
                "MessageID is Number, not a whole number",
                "MessageID is 'abcdefghijklmnopqrstuvwxyz012345', not a whole number",
                "RecipientID is Array, not a whole number",
                "bad date: is Number, not a date string",
                "bad date: '/Date(1764340200000+1599)/' is a WCF JSON date with an invalid UTC offset (expected ±hhmm).",
            ],
            records.Select(r => r.Bad!.Reason));
        Assert.Equal("record 6", records[6].Bad!.Position);
    }

    [Fact]
    public async Task Invalid_utf8_fails_a_row_only_where_a_read_value_or_a_scanned_name_has_it()
    {
        var json = new List<byte>();
        void Text(string s) => json.AddRange(Encoding.UTF8.GetBytes(s));
        // A bounce reads its address (for the profile's address health); other kinds never read it.
        Text("{\"MessageID\":1,\"Records\":[{\"RecipientID\":1,\"ActivityCode\":\"Bounced\",\"ActivityDate\":\"" + Date + "\",\"Email\":\"a");
        json.Add(0xff);
        Text("@x\"},{\"RecipientID\":2,\"ActivityDate\":\"" + Date + "\",\"Unused\":\"");
        json.Add(0xff);
        Text("\"},{\"RecipientID\":3,\"ActivityDate\":\"" + Date + "\",\"X");
        json.Add(0xff);
        Text("\":1}]}");

        var records = await ParseAsync(json.ToArray());

        Assert.Equal("the record is not valid UTF-8", records[0].Bad!.Reason);
        Assert.NotNull(records[1].Event);
        Assert.Equal("the record is not valid UTF-8", records[2].Bad!.Reason); // MessageID is looked for by name in the row first
    }

    [Fact]
    public async Task Click_rows_keep_their_url_and_label_rules()
    {
        var records = await ParseAsync($$"""
            [{"Date":"{{Date}}","LinkLabel":"  ","LinkText":" Read ","url":"  https://x/a ","MessageID":1,"RecipientID":2},
             {"Date":"{{Date}}","LinkURL":5,"Url":"https://q","MessageID":1,"RecipientID":2},
             {"Date":"{{Date}}","LinkURL":"   ","MessageID":1,"RecipientID":2}]
            """, "links");

        Assert.Equal("https://x/a", records[0].Event!.Url);
        Assert.Equal("Read", records[0].Event!.LinkLabel);
        Assert.Equal("missing LinkURL", records[1].Bad!.Reason);
        Assert.Equal("missing LinkURL", records[2].Bad!.Reason);
    }

    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
