using System.Globalization;
using System.Text;
using EmailIntegration.Pipeline.Landing;

namespace EmailIntegration.FaultTests.Infrastructure;

/// <summary>
/// A generated HighRoad CSV export (the default column layout and kind map) with known counts:
/// deliveries, gross opens, clicks, unsubscribes and bounces for <c>IND-F{n}</c> individuals.
/// </summary>
public sealed class HighRoadExport
{
    public const string Header = "Individual ID,Email,Mailing ID,Mailing Name,Event,Date,URL,Email Group,Fax Number,Status,Reason";

    private static readonly DateTime Start = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly string[] Urls =
    [
        "https://www.example-association.org/events/annual", "https://www.example-association.org/advocacy/act",
        "https://www.congress.gov/bill/1", "https://news.example.org/story",
    ];

    public HighRoadExport(int individuals, int events, int seed = 1)
    {
        Individuals = individuals;
        Events = events;
        Seed = seed;
    }

    public int Individuals { get; }

    public int Events { get; }

    public int Seed { get; }

    public static string IndividualId(int n) => $"IND-F{n:D5}";

    public static string Email(int n) => $"person{n:D5}.fault@example.org";

    public static LandedFileName FileName(string runId) => new("highroad", new DateOnly(2026, 11, 30), runId, "export", 1, "csv");

    public IEnumerable<string> Ids() => Enumerable.Range(0, Individuals).Select(IndividualId);

    /// <summary>The rows, generated (never held whole).</summary>
    public IEnumerable<Row> Rows()
    {
        var random = new Random(Seed);
        for (var i = 0; i < Events; i++)
        {
            var mailing = random.Next(1, 9);
            var kind = random.Next(100) switch
            {
                < 35 => "sent",
                < 70 => "open",
                < 92 => "click",
                < 96 => "unsubscribe",
                _ => "soft bounce",
            };
            var url = kind == "click" ? Urls[random.Next(Urls.Length)] : string.Empty;
            yield return new Row(i % Individuals, mailing, kind, Start.AddMinutes(i), url);
        }
    }

    /// <summary>Opens and clicks per individual: what the tab must count, exactly.</summary>
    public Dictionary<string, (int Opens, int Clicks)> ExpectedCounts()
    {
        var counts = Ids().ToDictionary(id => id, _ => (Opens: 0, Clicks: 0), StringComparer.Ordinal);
        foreach (var row in Rows())
        {
            var id = IndividualId(row.Individual);
            var (opens, clicks) = counts[id];
            counts[id] = (opens + (row.Kind == "open" ? 1 : 0), clicks + (row.Kind == "click" ? 1 : 0));
        }

        return counts;
    }

    /// <summary>Writes the export row by row (never held whole), CRLF line ends like the vendor's.</summary>
    public void WriteTo(Stream stream)
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 64 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        writer.WriteLine(Header);
        foreach (var row in Rows())
        {
            var group = row.Mailing % 2 == 0 ? "Events" : "Newsletter";
            var bounce = row.Kind == "soft bounce";
            writer.Write(IndividualId(row.Individual));
            writer.Write(',');
            writer.Write(Email(row.Individual));
            writer.Write(",M");
            writer.Write(row.Mailing);
            writer.Write(",Mailing ");
            writer.Write(row.Mailing);
            writer.Write(',');
            writer.Write(row.Kind);
            writer.Write(',');
            writer.Write(row.At.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(row.Url);
            writer.Write(',');
            writer.Write(group);
            writer.Write(",,");
            writer.Write(bounce ? "452" : string.Empty);
            writer.Write(',');
            writer.WriteLine(bounce ? "mailbox full" : string.Empty);
        }
    }

    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        WriteTo(buffer);
        return buffer.ToArray();
    }
}

public readonly record struct Row(int Individual, int Mailing, string Kind, DateTime At, string Url);
