using System.Diagnostics;
using System.Globalization;
using System.Text;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;
using EmailIntegration.LocalRunner.Hosting;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.Landing;
using Microsoft.Azure.Cosmos;
using Spectre.Console;

namespace EmailIntegration.LocalRunner.Bench;

/// <summary>
/// <c>bench [--events N] [--page-rows R] [--raw-docs D] [--tab-rows 100,1000,10000] [--tab-gets G] [--no-tab] [--seed S]</c>:
/// generates a night of N tracking events, lands it as HighRoad CSV pages through <see cref="ILandingZone"/>, runs the
/// pipeline against the emulators through <see cref="LocalFunctionsHost"/> (blob triggers, queue drain), then measures in
/// the same run the emulator's raw concurrent upsert rate and the tab API's latency, and prints one report. Everything
/// lives in resources of its own (see <see cref="BenchApp"/>) and is deleted at the end.
/// </summary>
public static class BenchCommand
{
    /// <summary>The most messages the local host applies at once (host.json's batch rules); the raw upserts use the same.</summary>
    public static int Concurrency { get; } = LocalSettings.QueueRules(Path.Combine(AppContext.BaseDirectory, "host.json")).MaxInFlight;

    public static async Task<int> RunAsync(string[] args)
    {
        int events, pageRows, rawDocs, tabGets, seed;
        int[] tabRows;
        try
        {
            events = Int(args, "--events", 100_000);
            pageRows = Int(args, "--page-rows", 10_000);
            rawDocs = Int(args, "--raw-docs", Math.Min(events, 20_000));
            tabGets = Int(args, "--tab-gets", 40);
            seed = Int(args, "--seed", 20260101);
            tabRows = args.Contains("--no-tab") ? [] : (Option(args, "--tab-rows") ?? "100,1000,10000")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            if (events < 1 || pageRows < 1 || rawDocs < 1 || tabGets < 2 || tabRows.Any(r => r < 1))
            {
                throw new FormatException("Every number must be positive.");
            }
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine($"bench: {ex.Message}");
            Console.Error.WriteLine("Usage: bench [--events N] [--page-rows R] [--raw-docs D] [--tab-rows 100,1000,10000] [--tab-gets G] [--no-tab] [--seed S]");
            return 2;
        }

        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        var ct = cancellation.Token;

        try
        {
            return await RunAsync(events, pageRows, rawDocs, tabGets, seed, tabRows, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Console.Error.WriteLine("bench: cancelled (its resources were deleted).");
            return 130;
        }
    }

    private static async Task<int> RunAsync(
        int events, int pageRows, int rawDocs, int tabGets, int seed, int[] tabRows, CancellationToken ct)
    {
        using var summary = new ImportSummary();
        var report = new BenchReport(events);
        AnsiConsole.MarkupLine($"[bold]bench[/]: {events:N0} events, pages of {pageRows:N0} rows, queue concurrency {Concurrency}, {Environment.ProcessorCount} cores");
        await using var bench = await BenchApp.StartAsync(ct);
        AnsiConsole.MarkupLine($"Isolated resources: *-{bench.Suffix} (deleted at the end)");

        var workload = new BenchWorkload(events, pageRows, seed);
        var night = DateOnly.FromDateTime(DateTime.UtcNow);
        var runId = "bench-" + bench.Suffix;
        var rules = bench.Services.GetRequiredService<EffectRules>();

        // The AMS has sent every individual: the applier reads the profile anyway; unknown ones would add a run-log row per message.
        await StatusAsync("Seeding AMS profiles", () => SeedProfilesAsync(bench, workload.Individuals, ct));
        bench.Counters.Reset();

        var landing = bench.Services.GetRequiredService<ILandingZone>();
        long landedBytes = 0;
        var total = Stopwatch.StartNew();
        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var landTask = progress.AddTask("landing (events)", maxValue: events);
                var fanTask = progress.AddTask("fan-out (events)", autoStart: false, maxValue: events);
                var applyTask = progress.AddTask("apply (events)", autoStart: false, maxValue: events);

                var watch = Stopwatch.StartNew();
                foreach (var (page, content, rows) in workload.GeneratePages(night))
                {
                    var name = new LandedFileName("highroad", night, runId, "export", page, "csv");
                    await landing.LandAsync(name, content, new Dictionary<string, string>
                    {
                        ["vendor"] = "highroad", ["runId"] = runId, ["records"] = rows.ToString(CultureInfo.InvariantCulture), ["bench"] = "true",
                    }, ct);
                    landedBytes += content.Length;
                    landTask.Increment(rows);
                }

                report.Landing = watch.Elapsed;
                landTask.StopTask();

                // Fan-out and apply overlap per file, as on the host (see LocalFunctionsHost.FanOutAndApplyAsync).
                fanTask.StartTask();
                applyTask.StartTask();
                using (Ticker(() =>
                       {
                           fanTask.Value = summary["events_published"] + summary["bad_records"] + summary["events_unmatched"];
                           applyTask.Value = summary["events_applied"] + summary["events_duplicate"] + summary["events_not_projected"];
                       }))
                {
                    var run = await bench.Host.FanOutAndApplyAsync(runId, ct);
                    (report.Files, report.Processed, report.Poisoned, report.FanOut, report.Apply) = run;
                }

                fanTask.Value = fanTask.MaxValue;
                applyTask.Value = applyTask.MaxValue;
                fanTask.StopTask();
                applyTask.StopTask();
            });
        total.Stop();

        report.Workload = workload;
        report.LandedBytes = landedBytes;
        report.Counters = Snapshot(bench.Counters);
        report.Published = summary["events_published"];
        report.Applied = summary["events_applied"];
        report.Duplicates = summary["events_duplicate"];
        report.NotProjected = summary["events_not_projected"];
        report.BadRecords = summary["bad_records"];
        report.Retries = summary["concurrency_retries"];

        report.StoredSizes = await StatusAsync($"Stored item sizes: {StoredSample} individuals",
            () => StoredSizesAsync(bench, workload.Individuals, ct));

        report.RawUpserts = rawDocs;
        report.RawUpsert = await StatusAsync($"Raw upserts: {rawDocs:N0} small documents, {Concurrency} at a time, straight through the SDK",
            () => RawUpsertAsync(bench, rawDocs, ct));

        foreach (var rows in tabRows)
        {
            report.Tabs.Add(await StatusAsync($"Tab latency: individual with {rows:N0} rows",
                () => TabLatencyAsync(bench, rules, rows, tabGets, ct)));
        }

        report.Print();
        return report.Poisoned == 0 && report.Applied + report.Duplicates + report.NotProjected == report.Published ? 0 : 1;
    }

    /// <summary>Pages while <paramref name="update"/> runs every quarter second; disposing stops it.</summary>
    private static IDisposable Ticker(Action update) => new Timer(_ => update(), null, 0, 250);

    private static async Task<T> StatusAsync<T>(string what, Func<Task<T>> action)
    {
        var watch = Stopwatch.StartNew();
        var result = await AnsiConsole.Status().StartAsync(what + "…", _ => action());
        AnsiConsole.MarkupLine($"{Markup.Escape(what)}: done in {watch.Elapsed.TotalSeconds:N1} s");
        return result;
    }

    private static Task StatusAsync(string what, Func<Task> action) => StatusAsync(what, async () =>
    {
        await action();
        return 0;
    });

    private static async Task SeedProfilesAsync(BenchApp bench, int individuals, CancellationToken ct)
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, individuals),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = ct }, async (i, token) =>
            {
                var id = BenchWorkload.IndividualId(i);
                var profile = ProfileDocument.New(id);
                profile.KnownToAms = true;
                await bench.UncountedStore.SaveAsync(id, [profile], DocumentSnapshot.Empty, token);
            });
    }

    private const int StoredSample = 200;

    /// <summary>Reads every item of an even sample of the night's individuals and measures each as stored, by type.</summary>
    private static async Task<IReadOnlyDictionary<string, StoredSizes>> StoredSizesAsync(BenchApp bench, int individuals, CancellationToken ct)
    {
        var container = bench.Services.GetRequiredService<Container>();
        var sizes = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var step = Math.Max(1, individuals / StoredSample);
        for (var i = 0; i < individuals; i += step)
        {
            using var iterator = container.GetItemQueryStreamIterator(new QueryDefinition("SELECT * FROM c"),
                requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(BenchWorkload.IndividualId(i)) });
            while (iterator.HasMoreResults)
            {
                using var response = await iterator.ReadNextAsync(ct);
                using var json = await System.Text.Json.JsonDocument.ParseAsync(response.Content, cancellationToken: ct);
                foreach (var item in json.RootElement.GetProperty("Documents").EnumerateArray())
                {
                    var type = item.TryGetProperty("type", out var t) ? t.GetString() ?? "?" : "?";
                    (sizes.TryGetValue(type, out var list) ? list : sizes[type] = []).Add(Encoding.UTF8.GetByteCount(item.GetRawText()));
                }
            }
        }

        return sizes.ToDictionary(s => s.Key, s =>
        {
            var sorted = s.Value.Order().ToList();
            return new StoredSizes(sorted.Count, sorted.Average(), sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * 0.95))], sorted[^1]);
        }, StringComparer.Ordinal);
    }

    /// <summary>The emulator's own ceiling: N small documents upserted straight through the SDK, <see cref="Concurrency"/> at a time.</summary>
    private static async Task<TimeSpan> RawUpsertAsync(BenchApp bench, int documents, CancellationToken ct)
    {
        var container = bench.Services.GetRequiredService<Container>();
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, documents),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = ct }, async (k, token) =>
            {
                var partition = "raw-" + (k % 1_000).ToString(CultureInfo.InvariantCulture);
                using var body = new MemoryStream(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                    $$"""{"id":"raw-{{k}}","individualId":"{{partition}}","type":"benchRaw","n":{{k}}}""")));
                using var response = await container.UpsertItemStreamAsync(body, new PartitionKey(partition), cancellationToken: token);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"Raw upsert failed with {(int)response.StatusCode}.");
                }
            });
        return watch.Elapsed;
    }

    /// <summary>Seeds one individual with <paramref name="rows"/> child-form rows directly through the store, then times GETs.</summary>
    private static async Task<TabResult> TabLatencyAsync(BenchApp bench, EffectRules rules, int rows, int gets, CancellationToken ct)
    {
        var individualId = "benchtab-" + rows.ToString(CultureInfo.InvariantCulture);
        var events = new List<TrackingEvent>();
        var at = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var k = 0; k < rows; k++)
        {
            // One delivery = one Tracking row (which the Communications form serves too).
            var mailing = (1_000_000 + k).ToString(CultureInfo.InvariantCulture);
            var when = at.AddHours(k);
            events.Add(new TrackingEvent
            {
                EventId = EventIdentity.For("highroad", mailing, individualId, TrackingEventKind.Delivered, when),
                Vendor = "highroad", Kind = TrackingEventKind.Delivered, IndividualId = individualId, MailingId = mailing,
                MailingName = "Mailing " + mailing, MailingType = "Newsletter", OccurredAt = when, Status = "Delivered",
            });
        }

        var profile = ProfileDocument.New(individualId);
        profile.KnownToAms = true;
        var documents = IndividualProjection.Apply(individualId, new Dictionary<string, IndividualDocument>(), events, rules)
            .Changed.Append(profile).ToList();
        await Parallel.ForEachAsync(documents.Chunk(50),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = ct },
            async (chunk, token) => await bench.UncountedStore.SaveAsync(individualId, chunk, DocumentSnapshot.Empty, token));

        using var http = new HttpClient { BaseAddress = new Uri(bench.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", bench.Runner.Tokens.MintWithEveryRole());
        async Task<(double P50, double P95, double Queries, double Reads)> TimeAsync(string path)
        {
            for (var w = 0; w < 3; w++)
            {
                using var warm = await http.GetAsync(path, ct);
                warm.EnsureSuccessStatusCode();
            }

            bench.Counters.Reset();
            var samples = new List<double>(gets);
            for (var g = 0; g < gets; g++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await http.GetAsync(path, ct);
                _ = await response.Content.ReadAsByteArrayAsync(ct);
                response.EnsureSuccessStatusCode();
                samples.Add(watch.Elapsed.TotalMilliseconds);
            }

            samples.Sort();
            return (Percentile(samples, 0.50), Percentile(samples, 0.95),
                bench.Counters.Queries / (double)gets, bench.Counters.ReadCalls / (double)gets);
        }

        var tab = await TimeAsync($"/api/individuals/{individualId}/email-integration");
        var page = await TimeAsync($"/api/individuals/{individualId}/email-integration/tracking");
        return new TabResult(rows, tab, page);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static CounterSnapshot Snapshot(BenchCounters c) => new(
        c.ReadCalls, c.ReadIds, c.ReadDocuments, c.Writes, c.SaveCalls, c.Queries, c.Conflicts,
        c.Messages, c.MessageBytes, c.MaxMessageBytes, c.MaxRowsPerWrite, c.ReadTime, c.SaveTime);

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static int Int(string[] args, string name, int fallback) =>
        Option(args, name) is { } value
            ? int.TryParse(value.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
                ? n
                : throw new FormatException($"{name} needs a whole number, not '{value}'.")
            : fallback;
}

public sealed record CounterSnapshot(
    long ReadCalls, long ReadIds, long ReadDocuments, long Writes, long SaveCalls, long Queries, long Conflicts,
    long Messages, long MessageBytes, long MaxMessageBytes, long MaxRowsPerWrite, TimeSpan ReadTime, TimeSpan SaveTime);

public sealed record TabResult(
    int Rows,
    (double P50, double P95, double Queries, double Reads) Tab,
    (double P50, double P95, double Queries, double Reads) Page);
