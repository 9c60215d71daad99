using System.Text.Json;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;
using EmailIntegration.FaultTests.Infrastructure;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Observability;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace EmailIntegration.FaultTests.Faults;

/// <summary>The host's 8 parallel queue handlers on 1,000 messages for 10 individuals: every count exact.</summary>
[Collection(FaultCollection.Name)]
public sealed class ConcurrencyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task EightParallelHandlers_ThousandMessagesForTenIndividuals_LoseNoUpdate()
    {
        const int individuals = 10, messages = 1000, mailings = 3;
        await using var pipeline = await FaultPipeline.StartAsync();
        var at = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var expected = new Dictionary<(string, string), (int Opens, int Clicks)>();
        var bodies = Enumerable.Range(0, messages).Select(m =>
        {
            var individualId = $"IND-C{m % individuals:D2}";
            var mailing = $"M{m / individuals % mailings}";
            var open = Event(individualId, mailing, TrackingEventKind.Opened, at.AddMinutes(m), null);
            var click = Event(individualId, mailing, TrackingEventKind.LinkClicked, at.AddMinutes(m), "https://news.example.org/a");
            var key = (individualId, mailing);
            var (o, c) = expected.GetValueOrDefault(key);
            expected[key] = (o + 1, c + 1);
            return new BinaryData(JsonSerializer.SerializeToUtf8Bytes(new TrackingMessage(individualId, "concurrency", m, [open, click]), TrackingMessage.Json));
        }).ToList();
        await Parallel.ForEachAsync(bodies, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (body, ct) => await pipeline.Queue.SendMessageAsync(body, cancellationToken: ct));
        var metrics = pipeline.Services.GetRequiredService<PipelineMetrics>();
        using var retries = new System.Diagnostics.Metrics.MeterListener();
        long conflicts = 0;
        retries.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument, metrics.ConcurrencyRetries))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        retries.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref conflicts, value));
        retries.Start();

        var started = System.Diagnostics.Stopwatch.StartNew();
        var (processed, poisoned) = await pipeline.Host.DrainQueueAsync(default);
        var elapsed = started.Elapsed;

        Assert.Equal((messages, 0), (processed, poisoned));
        var store = pipeline.Services.GetRequiredService<IIndividualDocumentStore>();
        int lost = 0, doubled = 0;
        foreach (var ((individualId, mailing), (opens, clicks)) in expected)
        {
            var trackingId = DocumentKeys.Tracking("highroad", mailing);
            var snapshot = await store.ReadAsync(individualId, [trackingId], default);
            var row = Assert.IsType<MailingTrackingDocument>(snapshot.Documents[trackingId]);
            lost += Math.Max(0, opens - row.OpenCount);
            doubled += Math.Max(0, row.OpenCount - opens);
            Assert.Equal(opens, row.OpenCount);
        }

        foreach (var individual in expected.Keys.Select(k => k.Item1).Distinct())
        {
            var (_, clicks) = TabJson.Counts(await pipeline.TabAsync(individual));
            Assert.Equal(expected.Where(e => e.Key.Item1 == individual).Sum(e => e.Value.Clicks), clicks);
        }

        Figures.Report(output, nameof(EightParallelHandlers_ThousandMessagesForTenIndividuals_LoseNoUpdate),
            $"messages {messages} ({2 * messages} events) for {individuals} individuals, applied {processed}, poisoned {poisoned}, "
            + $"ETag conflicts retried {conflicts}, lost {lost}, doubled {doubled}, drain {elapsed.TotalSeconds:F1} s");
    }

    private static TrackingEvent Event(string individualId, string mailing, TrackingEventKind kind, DateTimeOffset at, string? url) => new()
    {
        EventId = EventIdentity.For("highroad", mailing, individualId, kind, at, url),
        Vendor = "highroad",
        Kind = kind,
        IndividualId = individualId,
        MailingId = mailing,
        MailingName = "Mailing " + mailing,
        OccurredAt = at,
        Url = url,
    };
}
