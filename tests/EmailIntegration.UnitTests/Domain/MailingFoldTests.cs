using System.Text.Json;
using CsCheck;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;
using Xunit;
using static EmailIntegration.UnitTests.Domain.TrackingEvents;

namespace EmailIntegration.UnitTests.Domain;

/// <summary>
/// Rows stored folded per mailing (<see cref="MailingFold"/>): reading folds newest first settles a prefix of the rows in
/// <see cref="RowKey"/> order (<see cref="NewestFirstRows"/>), and the tab's newest read answers a form's first page
/// exactly or not at all (<see cref="FirstRows"/>), whatever the order and batching of events and however many stored
/// items the read takes.
/// </summary>
public sealed class MailingFoldTests
{
    private const string Individual = "ind-7";

    /// <summary>Applies each batch onto what the previous ones saved (read back through JSON, as from a store).</summary>
    private static Dictionary<string, IndividualDocument> ApplyInBatches(IEnumerable<TrackingEvent[]> batches)
    {
        var saved = new Dictionary<string, IndividualDocument>(StringComparer.Ordinal) { [ProfileDocument.DocumentId] = ProfileDocument.New(Individual) };
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
        saved.Values.Where(d => FirstRows.IsRow(d) && ofType(d)).OrderBy(RowKey.Of).Select(d => d.Id).ToList();

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

    /// <summary>
    /// What one newest-first read of <paramref name="take"/> stored items returns, as the store builds it: the profile, then
    /// the folds by their newest row (then id, descending), their rows merged; and whether nothing followed.
    /// </summary>
    private static (List<IndividualDocument> Newest, bool Complete) NewestRead(Dictionary<string, IndividualDocument> saved, int take)
    {
        var folds = saved.Values.Where(FirstRows.IsRow).GroupBy(d => MailingFold.IdOf(d.Id))
            .Select(g => (Id: g.Key, SortAt: MailingFold.SortAtOf(g), Rows: g.ToList()))
            .OrderBy(f => new RowKey(f.SortAt, f.Id)).ToList();
        var profile = saved.Values.OfType<ProfileDocument>().ToList();
        var read = folds.Take(Math.Max(0, take - profile.Count)).ToList();
        var complete = profile.Count + folds.Count <= take;
        var rows = new NewestFirstRows();
        foreach (var fold in read)
        {
            rows.Add(fold.SortAt, fold.Rows);
        }

        return ([.. profile.Take(take), .. rows.Settled(complete)], complete);
    }

    private static readonly (string Type, Func<IndividualDocument, bool> OfType)[] Forms =
    [
        (DocumentTypes.Tracking, d => d is MailingTrackingDocument),
        (DocumentTypes.LinkTracking, d => d is LinkTrackingDocument),
        (DocumentTypes.Bounce, d => d is BounceDocument),
        (DocumentTypes.Unsubscribe, d => d is UnsubscribeDocument),
    ];

    [Fact]
    public void ReadingFoldsNewestFirst_SettlesAPrefixOfTheRows_AndTheFirstPageWhenItAnswers()
    {
        GenNight.Sample(batches =>
        {
            var saved = ApplyInBatches(batches);
            var all = saved.Values.Where(FirstRows.IsRow).OrderBy(RowKey.Of).Select(d => d.Id).ToList();
            foreach (var take in new[] { 1, 3, 12, 52, 400 })
            {
                var (newest, complete) = NewestRead(saved, take);
                var settled = newest.Where(FirstRows.IsRow).Select(d => d.Id).ToList();
                Assert.Equal(all.Take(settled.Count), settled); // a prefix, in order
                Assert.True(!complete || settled.Count == all.Count);
                foreach (var (type, ofType) in Forms)
                {
                    var truth = Truth(saved, ofType);
                    foreach (var count in new[] { 1, 10, 25 })
                    {
                        var rows = FirstRows.Of(newest, complete, type, count, _ => true, out var more);
                        if (complete)
                        {
                            Assert.NotNull(rows); // a whole read always answers
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
    public void EveryRowOfAMailing_IsInOneFold_AndNothingElseIs()
    {
        var events = new[]
        {
            Delivered(Individual, "m-1", T0), Opened(Individual, "m-1", T0.AddHours(1)),
            Clicked(Individual, "m-1", "https://ams.example.org/events", T0.AddHours(2)),
            Make(TrackingEventKind.Bounced, Individual, "m-1", T0.AddHours(3)), Fax(Individual, "m-1", "+15550100", T0, "Sent"),
            Unsubscribed(Individual, "m-1", "Newsletters", T0.AddHours(4)), Delivered(Individual, "m-2", T0),
        };
        var rules = new EffectRules([], ["ams.example.org"], [new InterestCodeRule("https://ams.example.org/events*", ["EVT"])], 3);
        var changed = IndividualProjection.Apply(Individual, new Dictionary<string, IndividualDocument>(), events, rules).Changed;

        var rows = changed.OfType<MailingRowDocument>().ToList();
        Assert.Equal(8, rows.Count); // tracking, link, action, interest, bounce, fax, unsubscribe of m-1; tracking of m-2
        Assert.All(rows, r => Assert.Equal(DocumentKeys.Mailing(r.Vendor, r.MailingId), MailingFold.IdOf(r.Id)));
        Assert.Equal(2, rows.Select(r => MailingFold.IdOf(r.Id)).Distinct().Count());
        Assert.Equal(ProfileDocument.DocumentId, MailingFold.IdOf(ProfileDocument.DocumentId));
        Assert.Equal("change|x", MailingFold.IdOf("change|x"));
        Assert.Equal(MailingFold.RowTypes.Order(StringComparer.Ordinal), rows.Select(DocumentTypes.Of).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void NewestFirstRows_RefusesFoldsOutOfOrder_AndHoldsBackRowsAtTheFrontier()
    {
        var rows = new NewestFirstRows();
        var (newer, tied) = (Row("m-2", T0.AddHours(2)), Row("m-1", T0.AddHours(1)));
        rows.Add(T0.AddHours(2), [newer, tied]);
        rows.Add(T0.AddHours(1), []);

        Assert.Equal([newer.Id], rows.Settled(readEnded: false).Select(r => r.Id)); // a later fold may hold a row of the same instant
        Assert.Equal([newer.Id, tied.Id], rows.Settled(readEnded: true).Select(r => r.Id));
        Assert.Equal(1, rows.SettledCount(false));
        Assert.Throws<ArgumentException>(() => rows.Add(T0.AddHours(3), []));
    }

    private static MailingTrackingDocument Row(string mailingId, DateTimeOffset at) =>
        (MailingTrackingDocument)IndividualProjection.Apply(Individual, new Dictionary<string, IndividualDocument>(),
            [Delivered(Individual, mailingId, at)]).Changed.Single();

    [Fact]
    public void ANightOfNewMailings_WritesOnlyTheRowsItTouches()
    {
        var saved = new Dictionary<string, IndividualDocument>(StringComparer.Ordinal);
        for (var m = 0; m < 200; m++)
        {
            var batch = new List<TrackingEvent> { Delivered(Individual, "m-" + m, T0.AddHours(m)), Opened(Individual, "m-" + m, T0.AddHours(m).AddMinutes(5)) };
            if (m % 10 == 3)
            {
                batch.Add(Clicked(Individual, "m-" + m, "https://example.org/a", T0.AddHours(m).AddMinutes(9)));
            }

            var changed = IndividualProjection.Apply(Individual, saved, batch).Changed;
            Assert.All(changed, d => Assert.Equal(DocumentKeys.Mailing(Vendor, "m-" + m), MailingFold.IdOf(d.Id))); // one fold: one write
            foreach (var document in changed)
            {
                saved[document.Id] = document;
            }
        }

        var (newest, complete) = NewestRead(saved, 52);
        Assert.False(complete);
        var page = FirstRows.Of(newest, complete, DocumentTypes.Tracking, 25, _ => true, out var more);
        Assert.Equal(Truth(saved, d => d is MailingTrackingDocument).Take(25), page!.Select(r => r.Id));
        Assert.True(more);
        Assert.Null(FirstRows.Of(newest, complete, DocumentTypes.Bounce, 25, _ => true, out _)); // none read: ask the store
        Assert.Null(FirstRows.Of(newest, complete, DocumentTypes.LinkTracking, 25, _ => true, out _)); // 5 read, 20 exist: ask
    }

    [Fact]
    public void ARowThatMovesBehindRowsNotRead_IsStillPlacedExactly()
    {
        // 40 delivered mailings; then one of the newest gets an earlier delivery time (vendor correction), behind the others.
        var deliveries = Enumerable.Range(0, 40).Select(m => Delivered(Individual, "m-" + m, T0.AddHours(m))).ToArray();
        var saved = ApplyInBatches([deliveries, [Delivered(Individual, "m-39", T0.AddHours(-10)) with { EventId = "correction" }]]);
        var truth = Truth(saved, d => d is MailingTrackingDocument);

        var (newest, complete) = NewestRead(saved, 28);
        var page = FirstRows.Of(newest, complete, DocumentTypes.Tracking, 25, _ => true, out _);

        Assert.Equal(truth.Take(25), page!.Select(r => r.Id));
        Assert.DoesNotContain(DocumentKeys.Tracking(Vendor, "m-39"), page!.Select(r => r.Id));
    }

    [Fact]
    public void AReplay_ChangesNothing()
    {
        var batch = new[] { Delivered(Individual, "m-1", T0), Opened(Individual, "m-1", T0.AddHours(1)), Clicked(Individual, "m-1", "https://example.org/a", T0.AddHours(2)) };
        var first = IndividualProjection.Apply(Individual, new Dictionary<string, IndividualDocument>(), batch);

        var replay = IndividualProjection.Apply(Individual, first.Changed.ToDictionary(d => d.Id), batch);

        Assert.Empty(replay.Changed);
        Assert.Equal(3, replay.Duplicates);
    }

    [Fact]
    public void TheProfile_SortsBeforeEveryRow()
    {
        var profile = ProfileDocument.New(Individual);
        var row = Row("m-1", DateTimeOffset.MaxValue.AddDays(-1));

        Assert.True(RowKey.Of(profile) < RowKey.Of(row));
    }

    [Fact]
    public void EveryStoredType_IsNamedAsItsJsonDiscriminator()
    {
        var derived = typeof(IndividualDocument).GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonDerivedTypeAttribute), false)
            .Cast<System.Text.Json.Serialization.JsonDerivedTypeAttribute>().ToList();

        Assert.Equal(9, derived.Count); // the seven row types, the profile, and the change feed's records
        Assert.All(derived, d => Assert.Equal(d.TypeDiscriminator,
            DocumentTypes.Of((IndividualDocument)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(d.DerivedType))));
    }
}
