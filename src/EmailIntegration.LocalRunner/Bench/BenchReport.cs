using System.Globalization;
using Spectre.Console;

namespace EmailIntegration.LocalRunner.Bench;

/// <summary>The bench's numbers, printed as a table and as plain "key: value" lines (for docs/benchmarks.md).</summary>
public sealed class BenchReport(int events)
{
    public BenchWorkload Workload { get; set; } = null!;
    public long LandedBytes { get; set; }
    public int Files { get; set; }
    public int Processed { get; set; }
    public int Poisoned { get; set; }
    public TimeSpan Landing { get; set; }
    public TimeSpan FanOut { get; set; }

    /// <summary>The queue drains after each file's fan-out, summed (the stages overlap per file, as on the host).</summary>
    public TimeSpan Apply { get; set; }

    public CounterSnapshot Counters { get; set; } = null!;
    public long Published { get; set; }
    public long Applied { get; set; }
    public long Duplicates { get; set; }
    public long NotProjected { get; set; }
    public long BadRecords { get; set; }
    public long Retries { get; set; }
    public int RawUpserts { get; set; }
    public TimeSpan RawUpsert { get; set; }
    public List<TabResult> Tabs { get; } = [];

    /// <summary>Stored bytes per item type ("mailing" folds, "profile") over a sample of the night's individuals: what RU per write scales with.</summary>
    public IReadOnlyDictionary<string, StoredSizes> StoredSizes { get; set; } = new Dictionary<string, StoredSizes>();

    public void Print()
    {
        var endToEnd = Landing + FanOut + Apply;
        var rawRate = RawUpserts / RawUpsert.TotalSeconds;
        var e2eRate = events / endToEnd.TotalSeconds;
        var (p50, p99, max) = Workload.EventsPerIndividual();
        var c = Counters;
        var lines = new List<(string Key, string Value)>
        {
            ("events", $"{events:N0} ({string.Join(", ", Workload.Kinds.OrderByDescending(k => k.Value).Select(k => $"{k.Key} {k.Value:N0}"))})"),
            ("shape", $"{Workload.Individuals:N0} individuals × {Workload.Mailings} mailings; events per individual p50 {p50}, p99 {p99}, max {max}"),
            ("landed", $"{Files} files, {LandedBytes / 1e6:N1} MB ({LandedBytes / (double)events:N0} B/event)"),
            ("stage landing", Rate(events, Landing)),
            ("stage fan-out", Rate(events, FanOut)),
            ("stage apply", Rate(events, Apply)),
            ("end to end", $"{Rate(events, endToEnd)}"),
            ("messages", $"{c.Messages:N0} = {c.Messages / (double)events:N3} per event; {Workload.FileIndividuals:N0} (file, individual) pairs"),
            ("bytes per message", $"{c.MessageBytes / Math.Max(1.0, c.Messages):N0} avg, {c.MaxMessageBytes:N0} max; {c.MessageBytes / (double)events:N0} B/event"),
            ("cosmos reads", $"{c.ReadCalls:N0} reads by id (one single-partition query each) = {c.ReadCalls / (double)events:N3} per event ({c.ReadIds / Math.Max(1.0, c.ReadCalls):N1} ids and {c.ReadDocuments / Math.Max(1.0, c.ReadCalls):N1} documents per call; {c.ReadIds / (double)events:N3} ids per event)"),
            ("cosmos writes", $"{c.Writes:N0} = {c.Writes / (double)events:N3} per event, in {c.SaveCalls:N0} saves; {c.Conflicts:N0} conflicts, {Retries:N0} retries"),
            ("store latency", $"read {c.ReadTime.TotalMilliseconds / Math.Max(1, c.ReadCalls):N1} ms per call; save {c.SaveTime.TotalMilliseconds / Math.Max(1, c.SaveCalls):N1} ms per call = {c.SaveTime.TotalMilliseconds / Math.Max(1, c.Writes):N2} ms per item written (the items of a save concurrently)"),
            ("writes per (file, individual, mailing)", $"{c.Writes / (double)Workload.FileIndividualMailings:N2} avg over {Workload.FileIndividualMailings:N0}; at most {c.MaxRowsPerWrite} changed rows in one write"),
            ("applied", $"{Applied:N0} applied, {Duplicates:N0} duplicates, {NotProjected:N0} not projected, {BadRecords:N0} bad; {Processed:N0} messages, {Poisoned} poisoned"),
            ("stored items", string.Join("; ", StoredSizes.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s =>
                $"{s.Key} {s.Value.Count:N0} sampled, avg {s.Value.Average:N0} B, p95 {s.Value.P95:N0} B, max {s.Value.Max:N0} B"))),
            ("raw upserts", $"{RawUpserts:N0} in {RawUpsert.TotalSeconds:N1} s = {rawRate:N0}/s ({BenchCommand.Concurrency} concurrent)"),
            ("ratio end to end / raw upserts", $"{e2eRate / rawRate:N2} (target ≥ 1.5)"),
        };
        foreach (var tab in Tabs)
        {
            lines.Add(($"tab {tab.Rows:N0} rows",
                $"p50 {tab.Tab.P50:N1} ms, p95 {tab.Tab.P95:N1} ms; {tab.Tab.Queries:N1} form queries + {tab.Tab.Reads:N1} reads by id per GET (each one store call)"));
            lines.Add(($"page {tab.Rows:N0} rows",
                $"p50 {tab.Page.P50:N1} ms, p95 {tab.Page.P95:N1} ms; {tab.Page.Queries:N1} form queries + {tab.Page.Reads:N1} reads by id per GET"));
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("measure").AddColumn("value");
        foreach (var (key, value) in lines)
        {
            table.AddRow(Markup.Escape(key), Markup.Escape(value));
        }

        AnsiConsole.Write(table);
        Console.WriteLine();
        foreach (var (key, value) in lines)
        {
            Console.WriteLine($"bench | {key} | {value}");
        }
    }

    private static string Rate(int events, TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:N1} s = {events / elapsed.TotalSeconds:N0} events/s");
}

/// <summary>Sizes of stored items of one type, as Cosmos returns them (with its own properties).</summary>
public sealed record StoredSizes(int Count, double Average, int P95, int Max);
