using System.Text;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Vendors.RealMagnet;

namespace EmailIntegration.UnitTests.Vendors.RealMagnet;

/// <summary>
/// Link-click rows are read straight from the JSON reader; these pin the field look-up rules of <c>RealMagnetJson.TryGet</c>
/// (exact alias first with the last duplicate winning, then case-insensitive in document order) and the UTF-8 behaviour.
/// </summary>
public class RealMagnetRowReaderTests
{
    private const string Date = @"\/Date(1764340200000-0500)\/";

    private static async Task<List<ParsedRecord>> ParseAsync(byte[] json, string kind = "links")
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

    private static Task<List<ParsedRecord>> ParseAsync(string json, string kind = "links") => ParseAsync(Encoding.UTF8.GetBytes(json), kind);

    [Fact]
    public async Task The_last_of_duplicate_exact_names_wins_and_a_null_there_falls_to_the_next_alias()
    {
        var records = await ParseAsync($$"""
            [{"MessageID":1,"MessageID":2,"RecipientID":5,"Date":"{{Date}}","LinkURL":"https://x/a"},
             {"messageID":3,"MessageID":null,"MESSAGEID":4,"RecipientID":5,"Date":"{{Date}}","LinkURL":"https://x/a"},
             {"Message\u0049D":6,"RecipientID":5,"Date":"{{Date}}","LinkURL":"https://x/a"}]
            """);

        Assert.Equal(["2", "3", "6"], records.Select(r => r.Event!.MailingId));
    }

    [Fact]
    public async Task Values_are_read_as_the_element_parser_read_them()
    {
        var records = await ParseAsync($$"""
            [{"MessageID":"7","RecipientID":"5","Date":"{{Date}}","linkurl":" https://x/a "},
             {"MessageID":7,"RecipientID":5,"ActivityDate":"2026-01-01T10:00:00+02:00","LinkURL":"https://x/b"}]
            """);

        var click = records[0].Event!;
        Assert.Equal((TrackingEventKind.LinkClicked, "7", "https://x/a"), (click.Kind, click.MailingId, click.Url));
        Assert.Equal(new DateTimeOffset(2025, 11, 28, 14, 30, 0, TimeSpan.Zero), click.OccurredAt);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero), records[1].Event!.OccurredAt);
    }

    [Fact]
    public async Task Reasons_are_unchanged()
    {
        var records = await ParseAsync($$"""
            [[1,{"a":2}], "x", {"MessageID":1.5,"RecipientID":5,"Date":"{{Date}}","LinkURL":"https://x/a"},
             {"MessageID":"abcdefghijklmnopqrstuvwxyz0123456789","RecipientID":5,"Date":"{{Date}}","LinkURL":"https://x/a"},
             {"MessageID":1,"RecipientID":[5],"Date":"{{Date}}","LinkURL":"https://x/a"},
             {"MessageID":1,"RecipientID":5,"Date":123,"LinkURL":"https://x/a"},
             {"MessageID":1,"RecipientID":5,"Date":"\/Date(1764340200000+1599)\/","LinkURL":"https://x/a"}]
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
        // The URL is read; an unused value is never decoded; a name is scanned when MessageID is looked for.
        Text("[{\"MessageID\":1,\"RecipientID\":1,\"Date\":\"" + Date + "\",\"LinkURL\":\"https://x/");
        json.Add(0xff);
        Text("\"},{\"MessageID\":1,\"RecipientID\":2,\"Date\":\"" + Date + "\",\"LinkURL\":\"https://x/a\",\"Unused\":\"");
        json.Add(0xff);
        Text("\"},{\"RecipientID\":3,\"Date\":\"" + Date + "\",\"LinkURL\":\"https://x/a\",\"X");
        json.Add(0xff);
        Text("\":1}]");

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
            """);

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
