using System.Globalization;
using System.Text;

namespace EmailIntegration.LocalRunner.Bench;

/// <summary>
/// A night of tracking, generated deterministically (seeded) as HighRoad CSV pages with the adapter's default column
/// map: individuals × mailings × deliveries (~1.5 % bounces, a third of them hard "user unknown"), gross opens, clicks
/// and ~0.2 % unsubscribes. Each individual has a Pareto-distributed activity weight (α = 1.2), so the number of events
/// per individual is heavy-tailed (a few individuals open dozens of times). Rows are ordered by mailing, then individual,
/// as a vendor export is; pages are cut every <c>pageRows</c> rows, so an individual's events of one mailing can straddle two
/// files. Exactly <c>events</c> rows are produced; only one page is in memory at a time.
/// </summary>
public sealed class BenchWorkload(int events, int pageRows, int seed = 20260101)
{
    public const string Header = "Individual ID,Email,Mailing ID,Mailing Name,Event,Date,URL,Email Group,Fax Number,Status,Reason";

    private static readonly string[] Groups = ["Newsletter", "Events", "Advocacy"];

    private static readonly string[] Links =
    [
        "https://www.example-association.org/events/annual-conference",
        "https://www.example-association.org/advocacy/action-center",
        "https://www.example-association.org/membership/renew",
        "https://www.example-association.org/news/latest",
        "https://www.linkedin.com/company/example-association",
        "https://www.youtube.com/watch?v=bench",
    ];

    private readonly Dictionary<string, int> kinds = new(StringComparer.Ordinal);
    private int[] perIndividual = [];

    public int Events { get; } = events;

    /// <summary>About 25 events per individual on average.</summary>
    public int Individuals { get; } = Math.Max(20, events / 25);

    public int Mailings { get; private set; }

    public int Pages { get; private set; }

    /// <summary>Distinct (landed file, individual, mailing): the most Cosmos writes the target allows is one each.</summary>
    public long FileIndividualMailings { get; private set; }

    /// <summary>Distinct (landed file, individual): what the fan-out makes one message of (unless it must be split).</summary>
    public long FileIndividuals { get; private set; }

    public IReadOnlyDictionary<string, int> Kinds => kinds;

    public static string IndividualId(int i) => "bench-" + i.ToString("D7", CultureInfo.InvariantCulture);

    /// <summary>Events per individual: (median, 99th percentile, max) once generated.</summary>
    public (int P50, int P99, int Max) EventsPerIndividual()
    {
        var sorted = perIndividual.Where(c => c > 0).Order().ToArray();
        return sorted.Length == 0 ? (0, 0, 0) : (sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)], sorted[^1]);
    }

    /// <summary>The pages, numbered from 1, each a complete CSV file (header included) of at most pageRows rows.</summary>
    public IEnumerable<(int Page, byte[] Content, int Rows)> GeneratePages(DateOnly night)
    {
        var random = new Random(seed);
        var weights = new double[Individuals];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = Math.Min(60, Math.Pow(1 - random.NextDouble(), -1 / 1.2));
        }

        perIndividual = new int[Individuals];
        var start = new DateTimeOffset(night.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(-1);
        var page = new StringBuilder(pageRows * 160);
        var rows = 0;
        var produced = 0;
        var pageNumber = 1;
        (int Individual, int Mailing) lastPair = (-1, -1);
        var individualsOfPage = new HashSet<int>();
        page.Append(Header).Append("\r\n");

        for (var m = 0; produced < Events; m++)
        {
            Mailings = m + 1;
            var mailingId = (50_000 + m).ToString(CultureInfo.InvariantCulture);
            var group = Groups[m % Groups.Length];
            var name = $"{group} {night:yyyy-MM-dd} #{m}";
            var sentAt = start.AddMinutes(17 * (m % 80));
            for (var i = 0; i < Individuals && produced < Events; i++)
            {
                if (random.NextDouble() >= 0.6)
                {
                    continue; // not in this mailing's audience
                }

                var rowsOfRecipient = Recipient(random, weights[i], sentAt);
                foreach (var (kind, at, url, status, reason) in rowsOfRecipient)
                {
                    if (produced == Events)
                    {
                        break;
                    }

                    if (lastPair != (i, m))
                    {
                        FileIndividualMailings++;
                        lastPair = (i, m);
                    }

                    if (individualsOfPage.Add(i))
                    {
                        FileIndividuals++;
                    }

                    var id = IndividualId(i);
                    page.Append(id).Append(',').Append("m").Append(i).Append("@bench.example.org,").Append(mailingId).Append(',')
                        .Append('"').Append(name).Append("\",").Append(kind).Append(',')
                        .Append(at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append(',')
                        .Append(url).Append(',').Append(group).Append(",,").Append(status).Append(',').Append(reason).Append("\r\n");
                    kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
                    perIndividual[i]++;
                    produced++;
                    if (++rows == pageRows)
                    {
                        yield return (pageNumber++, Encoding.UTF8.GetBytes(page.ToString()), rows);
                        page.Clear().Append(Header).Append("\r\n");
                        rows = 0;
                        lastPair = (-1, -1);
                        individualsOfPage.Clear();
                    }
                }
            }
        }

        if (rows > 0)
        {
            yield return (pageNumber++, Encoding.UTF8.GetBytes(page.ToString()), rows);
        }

        Pages = pageNumber - 1;
    }

    /// <summary>One recipient's rows for one mailing, in time order with distinct times (distinct event ids).</summary>
    private static List<(string Kind, DateTimeOffset At, string? Url, string? Status, string? Reason)> Recipient(
        Random random, double weight, DateTimeOffset sentAt)
    {
        var rows = new List<(string, DateTimeOffset, string?, string?, string?)>();
        var at = sentAt.AddSeconds(random.Next(1, 900));
        var roll = random.NextDouble();
        if (roll < 0.005)
        {
            rows.Add(("Hard Bounce", at, null, "Failed", "550 5.1.1 User unknown"));
            return rows;
        }

        if (roll < 0.015)
        {
            rows.Add(("Soft Bounce", at, null, "Deferred", "452 4.2.2 Mailbox full"));
            return rows;
        }

        rows.Add(("Sent", at, null, "Delivered", null));
        if (random.NextDouble() < Math.Min(0.95, 0.3 * weight))
        {
            // Gross opens: geometric with a mean that grows with the individual's weight (image proxies, re-reads).
            var opens = 1;
            var more = Math.Min(0.97, weight / (weight + 2.5));
            while (random.NextDouble() < more && opens < 200)
            {
                opens++;
            }

            for (var o = 0; o < opens; o++)
            {
                at = at.AddSeconds(1 + random.Next(600));
                rows.Add(("Open", at, null, null, null));
            }

            if (random.NextDouble() < 0.25)
            {
                var clicks = 1 + random.Next(Math.Min(Links.Length, 1 + (int)weight));
                for (var c = 0; c < clicks; c++)
                {
                    at = at.AddSeconds(1 + random.Next(300));
                    rows.Add(("Click", at, Links[random.Next(Links.Length)], null, null));
                }
            }
        }

        if (random.NextDouble() < 0.002)
        {
            rows.Add(("Unsubscribe", at.AddSeconds(30), null, null, null));
        }

        return rows;
    }
}
