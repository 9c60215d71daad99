using System.Text.Json;
using CsCheck;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;
using Xunit;
using static EmailIntegration.UnitTests.Domain.TrackingEvents;

namespace EmailIntegration.UnitTests.Domain;

/// <summary>The tab summary answers a form's first page exactly or not at all, whatever the order and batching of events.</summary>
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

            return list;
        }).OrderBy(_ => random.Next()).ToList();
        return events.Chunk(batchSize).ToArray();
    }

    [Fact]
    public void WhenTheSummaryAnswers_ItIsTheFormsFirstPage_AndItAnswersWhenItHoldsEveryRow()
    {
        GenNight.Sample(batches =>
        {
            var saved = ApplyInBatches(batches);
            var summary = Assert.IsType<TabSummaryDocument>(saved[TabSummaryDocument.DocumentId]);
            foreach (var (type, ofType) in new (string, Func<IndividualDocument, bool>)[]
                     {
                         (DocumentTypes.Tracking, d => d is MailingTrackingDocument),
                         (DocumentTypes.LinkTracking, d => d is LinkTrackingDocument),
                     })
            {
                var truth = Truth(saved, ofType);
                foreach (var count in new[] { 1, 10, 25, TabSummaryDocument.RowsPerType })
                {
                    var rows = summary.FirstRows(type, count, _ => true, out var more);
                    if (truth.Count <= TabSummaryDocument.RowsPerType)
                    {
                        Assert.NotNull(rows); // every row is held: always answered
                    }

                    if (rows is not null)
                    {
                        Assert.Equal(truth.Take(count), rows.Select(r => r.Id));
                        Assert.True(more || truth.Count <= count);
                    }
                }
            }
        }, iter: 300);
    }

    [Fact]
    public void ANightOfNewMailings_KeepsTheFirstPageAnswered_AsOlderRowsLeave()
    {
        var batches = Enumerable.Range(0, 200)
            .Select(m => new[] { Delivered(Individual, "m-" + m, T0.AddHours(m)), Opened(Individual, "m-" + m, T0.AddHours(m).AddMinutes(5)) })
            .Chunk(7).Select(c => c.SelectMany(e => e).ToArray());

        var saved = ApplyInBatches(batches);
        var summary = (TabSummaryDocument)saved[TabSummaryDocument.DocumentId];

        var rows = summary.FirstRows(DocumentTypes.Tracking, 25, _ => true, out var more);
        Assert.Equal(Truth(saved, d => d is MailingTrackingDocument).Take(25), rows!.Select(r => r.Id));
        Assert.True(more);
        Assert.Equal(TabSummaryDocument.RowsPerType, summary.Types[DocumentTypes.Tracking].Rows.Count);
        Assert.All(summary.Types[DocumentTypes.Tracking].Rows, r => Assert.Empty(r.AppliedEventIds));
    }

    [Fact]
    public void ARowThatMovesBehindRowsItDoesNotHold_MakesTheSummaryStepAside_NotAnswerWrongly()
    {
        // 40 delivered mailings; then one of the newest gets an earlier delivery time (vendor correction), behind the held ones.
        var deliveries = Enumerable.Range(0, 40).Select(m => Delivered(Individual, "m-" + m, T0.AddHours(m))).ToArray();
        var saved = ApplyInBatches([deliveries, [Delivered(Individual, "m-39", T0.AddHours(-10)) with { EventId = "correction" }]]);
        var summary = (TabSummaryDocument)saved[TabSummaryDocument.DocumentId];

        var truth = Truth(saved, d => d is MailingTrackingDocument);
        var page = summary.FirstRows(DocumentTypes.Tracking, 25, _ => true, out _);
        var full = summary.FirstRows(DocumentTypes.Tracking, TabSummaryDocument.RowsPerType, _ => true, out _);

        Assert.Equal(truth.Take(25), page!.Select(r => r.Id));
        Assert.Null(full); // the moved row now sorts among rows it never held: it cannot say what comes there
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
