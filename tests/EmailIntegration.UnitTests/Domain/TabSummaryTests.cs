using System.Text.Json;
using CsCheck;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;
using Xunit;
using static EmailIntegration.UnitTests.Domain.TrackingEvents;

namespace EmailIntegration.UnitTests.Domain;

/// <summary>
/// The tab's newest-documents read answers a form's first page exactly or not at all (then the form is queried), whatever
/// the order and batching of events and however many documents the read takes; the summary only records which types exist.
/// </summary>
public sealed class TabSummaryTests
{
    private const string Individual = "ind-7";

    /// <summary>Applies each batch onto what the previous ones saved (read back through JSON, as from a store).</summary>
    private static Dictionary<string, IndividualDocument> ApplyInBatches(IEnumerable<TrackingEvent[]> batches)
    {
        var saved = new Dictionary<string, IndividualDocument>(StringComparer.Ordinal);
        foreach (var batch in batches)
        {
            var current = saved.Values
                .Select(d => JsonSerializer.Deserialize<IndividualDocument>(JsonSerializer.Serialize(d))!)
                .ToDictionary(d => d.Id, StringComparer.Ordinal);
            foreach (var changed in IndividualProjection.Apply(Individual, current, batch).Changed)
            {
                saved[changed.Id] = changed;
            }
        }

        return saved;
    }

    private static List<string> Truth(Dictionary<string, IndividualDocument> saved, Func<IndividualDocument, bool> ofType) =>
        saved.Values.Where(d => TabSummaryDocument.Keeps(d) && ofType(d)).OrderBy(RowKey.Of).Select(d => d.Id).ToList();

    /// <summary>Mailings with a delivery and opens (an open may come before its delivery, moving the row later), shuffled into batches.</summary>
    private static readonly Gen<TrackingEvent[][]> GenNight =
        from mailings in Gen.Int[1, 90]
        from seed in Gen.Int
        from batchSize in Gen.Int[1, 15]
        select Night(mailings, seed, batchSize);

    private static TrackingEvent[][] Night(int mailings, int seed, int batchSize)
    {
        var random = new Random(seed);
        var events = Enumerable.Range(0, mailings).SelectMany(m =>
        {
            var at = T0.AddMinutes(random.Next(0, 5_000));
            var list = new List<TrackingEvent> { Opened(Individual, "m-" + m, at.AddMinutes(random.Next(-120, 120))) };
            if (random.Next(4) > 0)
            {
                list.Add(Delivered(Individual, "m-" + m, at));
            }

            if (random.Next(5) == 0)
            {
                list.Add(Clicked(Individual, "m-" + m, "https://example.org/" + random.Next(3), at.AddMinutes(random.Next(1, 60))));
            }

            if (random.Next(9) == 0)
            {
                list.Add(Make(TrackingEventKind.Bounced, Individual, "m-" + m, at.AddSeconds(random.Next(1, 60))));
            }

            return list;
        }).OrderBy(_ => random.Next()).ToList();
        return events.Chunk(batchSize).ToArray();
    }

    /// <summary>What one newest-first read of <paramref name="take"/> documents returns, and whether nothing followed.</summary>
    private static (List<IndividualDocument> Newest, bool Complete) NewestRead(Dictionary<string, IndividualDocument> saved, int take)
    {
        var ordered = saved.Values.Where(d => d is not ChangeDocument).OrderBy(RowKey.Of).ToList();
        return (ordered.Take(take).ToList(), ordered.Count <= take);
    }

    private static readonly (string Type, Func<IndividualDocument, bool> OfType)[] Forms =
    [
        (DocumentTypes.Tracking, d => d is MailingTrackingDocument),
        (DocumentTypes.LinkTracking, d => d is LinkTrackingDocument),
        (DocumentTypes.Bounce, d => d is BounceDocument),
        (DocumentTypes.Unsubscribe, d => d is UnsubscribeDocument),
    ];

    [Fact]
    public void WhenTheNewestDocumentsAnswer_ItIsTheFormsFirstPage_AndTheyAnswerWhenTheReadIsWhole()
    {
        GenNight.Sample(batches =>
        {
            var saved = ApplyInBatches(batches);
            var summary = saved.GetValueOrDefault(TabSummaryDocument.DocumentId) as TabSummaryDocument;
            foreach (var take in new[] { 3, 12, 52, 400 })
            {
                var (newest, complete) = NewestRead(saved, take);
                foreach (var (type, ofType) in Forms)
                {
                    var truth = Truth(saved, ofType);
                    foreach (var count in new[] { 1, 10, 25 })
                    {
                        var rows = TabSummaryDocument.FirstRows(newest, complete, summary, type, count, _ => true, out var more);
                        if (complete || (truth.Count == 0 && summary is not null))
                        {
                            Assert.NotNull(rows); // a whole read, or a type the summary says is absent: always answered
                        }

                        if (rows is not null)
                        {
                            Assert.Equal(truth.Take(count), rows.Select(r => r.Id));
                            Assert.True(more || truth.Count <= count);
                        }
                    }
                }
            }
        }, iter: 200);
    }

    [Fact]
    public void TheSummary_IsTheSame_WhateverTheOrderAndBatching()
    {
        GenNight.Sample(batches =>
        {
            var events = batches.SelectMany(b => b).ToList();
            var reversed = ApplyInBatches(events.AsEnumerable().Reverse().Chunk(3));
            var forward = ApplyInBatches(batches);

            Assert.Equal(
                JsonSerializer.Serialize(forward.GetValueOrDefault(TabSummaryDocument.DocumentId)),
                JsonSerializer.Serialize(reversed.GetValueOrDefault(TabSummaryDocument.DocumentId)));
        }, iter: 100);
    }

    [Fact]
    public void ANightOfNewMailings_WritesTheSummaryOnlyForTheFirstRowOfAType()
    {
        var saved = new Dictionary<string, IndividualDocument>(StringComparer.Ordinal);
        var summaryWrites = 0;
        for (var m = 0; m < 200; m++)
        {
            var batch = new List<TrackingEvent> { Delivered(Individual, "m-" + m, T0.AddHours(m)), Opened(Individual, "m-" + m, T0.AddHours(m).AddMinutes(5)) };
            if (m % 10 == 3)
            {
                batch.Add(Clicked(Individual, "m-" + m, "https://example.org/a", T0.AddHours(m).AddMinutes(9)));
            }

            var changed = IndividualProjection.Apply(Individual, saved, batch).Changed;
            summaryWrites += changed.Count(d => d is TabSummaryDocument);
            foreach (var document in changed)
            {
                saved[document.Id] = document;
            }
        }

        Assert.Equal(2, summaryWrites); // the first tracking row, the first link row
        Assert.Equal([DocumentTypes.LinkTracking, DocumentTypes.Tracking], ((TabSummaryDocument)saved[TabSummaryDocument.DocumentId]).Types);
        var (newest, complete) = NewestRead(saved, 52);
        Assert.False(complete);
        var page = TabSummaryDocument.FirstRows(newest, complete, (TabSummaryDocument)saved[TabSummaryDocument.DocumentId],
            DocumentTypes.Tracking, 25, _ => true, out var more);
        Assert.Equal(Truth(saved, d => d is MailingTrackingDocument).Take(25), page!.Select(r => r.Id));
        Assert.True(more);
        Assert.Empty(TabSummaryDocument.FirstRows(newest, complete, (TabSummaryDocument)saved[TabSummaryDocument.DocumentId],
            DocumentTypes.Bounce, 25, _ => true, out more)!); // no bounce at all: known from the summary
        Assert.False(more);
        Assert.Null(TabSummaryDocument.FirstRows(newest, complete, (TabSummaryDocument)saved[TabSummaryDocument.DocumentId],
            DocumentTypes.LinkTracking, 25, _ => true, out _)); // 20 link rows, mostly older than what was read: ask the store
    }

    [Fact]
    public void ARowThatMovesBehindRowsNotRead_IsStillPlacedExactly()
    {
        // 40 delivered mailings; then one of the newest gets an earlier delivery time (vendor correction), behind the others.
        var deliveries = Enumerable.Range(0, 40).Select(m => Delivered(Individual, "m-" + m, T0.AddHours(m))).ToArray();
        var saved = ApplyInBatches([deliveries, [Delivered(Individual, "m-39", T0.AddHours(-10)) with { EventId = "correction" }]]);
        var truth = Truth(saved, d => d is MailingTrackingDocument);

        var (newest, complete) = NewestRead(saved, 27);
        var page = TabSummaryDocument.FirstRows(newest, complete, null, DocumentTypes.Tracking, 25, _ => true, out _);

        Assert.Equal(truth.Take(25), page!.Select(r => r.Id));
        Assert.DoesNotContain(DocumentKeys.Tracking(Vendor, "m-39"), page!.Select(r => r.Id));
    }

    [Fact]
    public void AReplay_ChangesNothing_AndARedelivery_RepairsASummaryWhoseWriteWasLost()
    {
        var batch = new[] { Delivered(Individual, "m-1", T0), Opened(Individual, "m-1", T0.AddHours(1)), Clicked(Individual, "m-1", "https://example.org/a", T0.AddHours(2)) };
        var first = IndividualProjection.Apply(Individual, new Dictionary<string, IndividualDocument>(), batch);
        var rows = first.Changed.Where(TabSummaryDocument.Keeps).ToDictionary(d => d.Id, d => d);

        var replay = IndividualProjection.Apply(Individual, first.Changed.ToDictionary(d => d.Id), batch);
        var repaired = IndividualProjection.Apply(Individual, rows, batch); // the rows were written, the summary was not

        Assert.Empty(replay.Changed);
        Assert.Equal(3, replay.Duplicates);
        var summary = Assert.IsType<TabSummaryDocument>(Assert.Single(repaired.Changed));
        Assert.Equal(JsonSerializer.Serialize(first.Changed[^1]), JsonSerializer.Serialize<IndividualDocument>(summary));
    }

    [Fact]
    public void TheProfileAndTheSummary_SortBeforeEveryRow()
    {
        var profile = ProfileDocument.New(Individual);
        var summary = TabSummaryDocument.New(Individual);
        var row = Assert.Single(IndividualProjection.Apply(Individual, new Dictionary<string, IndividualDocument>(),
            [Delivered(Individual, "m-1", DateTimeOffset.MaxValue.AddDays(-1))]).Changed.OfType<MailingTrackingDocument>());

        Assert.True(RowKey.Of(profile) < RowKey.Of(row));
        Assert.True(RowKey.Of(summary) < RowKey.Of(row));
    }

    [Fact]
    public void ProfileOnlyEvents_TouchNoSummary()
    {
        var result = IndividualProjection.Apply(Individual, new Dictionary<string, IndividualDocument>(),
            [Make(TrackingEventKind.SpamComplaint, Individual, "m-1", T0)]);

        Assert.IsType<ProfileDocument>(Assert.Single(result.Changed));
        Assert.DoesNotContain(TabSummaryDocument.DocumentId,
            IndividualProjection.DocumentIdsTouchedBy([Make(TrackingEventKind.SpamComplaint, Individual, "m-1", T0)]));
    }

    [Fact]
    public void EveryStoredType_IsNamedAsItsJsonDiscriminator()
    {
        var derived = typeof(IndividualDocument).GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonDerivedTypeAttribute), false)
            .Cast<System.Text.Json.Serialization.JsonDerivedTypeAttribute>().ToList();

        Assert.Equal(10, derived.Count); // the nine forms and summaries, and the change feed's records
        Assert.All(derived, d => Assert.Equal(d.TypeDiscriminator,
            DocumentTypes.Of((IndividualDocument)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(d.DerivedType))));
    }
}
