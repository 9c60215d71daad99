using System.Text.Json;
using CsCheck;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;
using Xunit;

namespace EmailIntegration.UnitTests.Domain;

/// <summary>The projection must be commutative and idempotent: redeliveries and reorderings end in the same documents.</summary>
public sealed class IndividualProjectionPropertyTests
{
    private const string Individual = "ind-42";

    private static readonly string[] Mailings = ["m-1", "m-2", "m/3?#"];
    private static readonly string[] Urls = ["https://example.org/a", "https://example.org/b?x=1#top"];
    private static readonly string[] Faxes = ["+1 555 0100", "+1 555 0199"];
    private static readonly string[] Statuses = ["Sent", "Busy", "Failed", "NoAnswer"];
    private static readonly string[] Groups = ["Newsletter", "Events"];
    private static readonly string?[] Names = [null, "Winter appeal", "Spring appeal"];
    private static readonly string?[] Labels = [null, "Donate", "Read more"];

    private static readonly Gen<TrackingEvent> GenEvent =
        Gen.Select(Gen.Int[0, 6], Gen.Int[0, Mailings.Length - 1], Gen.Int[0, 1], Gen.Int[0, 3], Gen.Int[0, 2], Gen.Int[0, 120])
            .Select((kindIndex, mailing, choice, status, name, minutes) =>
            {
                // Few distinct minutes, so equal times (tie-breaks on the event id) happen too.
                var at = TrackingEvents.T0.AddMinutes(minutes);
                var mailingId = Mailings[mailing];
                return kindIndex switch
                {
                    0 => TrackingEvents.Delivered(Individual, mailingId, at, Names[name], name == 0 ? null : "Type " + name),
                    1 => TrackingEvents.Opened(Individual, mailingId, at, Names[name]),
                    2 => TrackingEvents.Clicked(Individual, mailingId, Urls[choice], at, Labels[status % 3], Names[name]),
                    3 => TrackingEvents.Fax(Individual, mailingId, Faxes[choice], at, Statuses[status]),
                    4 => TrackingEvents.Unsubscribed(Individual, mailingId, Groups[choice], at),
                    5 => TrackingEvents.Make(TrackingEventKind.Bounced, Individual, mailingId, at),
                    _ => TrackingEvents.Make(TrackingEventKind.LinkClicked, Individual, mailingId, at), // no URL: no row
                };
            });

    /// <summary>Events plus some of them again (redeliveries), and the same list in another order.</summary>
    private static readonly Gen<(TrackingEvent[] Original, TrackingEvent[] Shuffled)> GenPermutation =
        from generated in GenEvent.Array[1, 60]
        // One id, one content: a vendor record always yields the same event.
        let events = generated.DistinctBy(e => e.EventId).ToArray()
        from repeats in Gen.Int[0, events.Length - 1].Array[0, 10]
        let withDuplicates = events.Concat(repeats.Select(i => events[i])).ToArray()
        from shuffled in Gen.Shuffle(withDuplicates.ToArray())
        select (withDuplicates, shuffled);

    [Fact]
    public void AnyPermutationOfTheEvents_EndsInDocumentsThatSerializeIdentically()
    {
        GenPermutation.Sample(
            sample => Assert.Equal(Serialize(Project(sample.Original)), Serialize(Project(sample.Shuffled))),
            iter: 500,
            print: sample => string.Join(Environment.NewLine, sample.Original.Select(e => $"{e.Kind} {e.MailingId} {e.OccurredAt:o} {e.EventId}")));
    }

    [Fact]
    public void ApplyingInTwoBatchesOntoTheSavedDocuments_EqualsApplyingAllAtOnce()
    {
        var gen = from pair in GenPermutation
                  from split in Gen.Int[0, pair.Shuffled.Length]
                  select (pair.Shuffled, split);

        gen.Sample(
            (events, split) =>
            {
                var first = IndividualProjection.Apply(Individual, new Dictionary<string, IndividualDocument>(), events[..split]);
                // What a store would hand back: a deserialized copy, not the same instances.
                var saved = Deserialize(Serialize(first.Changed)).ToDictionary(d => d.Id);
                var second = IndividualProjection.Apply(Individual, saved, events[split..]);
                var merged = saved.Values.ToDictionary(d => d.Id);
                foreach (var changed in second.Changed)
                {
                    merged[changed.Id] = changed;
                }

                Assert.Equal(Serialize(Project(events)), Serialize(merged.Values));
                Assert.Equal(events.Length, first.Applied + first.Duplicates + first.NotProjected
                    + second.Applied + second.Duplicates + second.NotProjected);
            },
            iter: 300);
    }

    [Fact]
    public void EveryOpenIsCountedOnce_HoweverOftenItIsRedelivered()
    {
        GenPermutation.Sample((original, _) =>
        {
            var distinctOpens = original.Where(e => e.Kind == TrackingEventKind.Opened)
                .DistinctBy(e => e.EventId).GroupBy(e => e.MailingId).ToDictionary(g => g.Key, g => g.Count());

            var documents = Project(original).OfType<MailingTrackingDocument>().ToList();

            foreach (var document in documents)
            {
                Assert.Equal(distinctOpens.GetValueOrDefault(document.MailingId), document.OpenCount);
            }

            Assert.Equal(distinctOpens.Keys.Order(StringComparer.Ordinal),
                documents.Where(d => d.OpenCount > 0).Select(d => d.MailingId).Order(StringComparer.Ordinal));
        });
    }

    private static IReadOnlyList<IndividualDocument> Project(IEnumerable<TrackingEvent> events) =>
        IndividualProjection.Apply(Individual, new Dictionary<string, IndividualDocument>(), events).Changed;

    private static string Serialize(IEnumerable<IndividualDocument> documents) =>
        JsonSerializer.Serialize(documents.OrderBy(d => d.Id, StringComparer.Ordinal).ToList());

    private static List<IndividualDocument> Deserialize(string json) =>
        JsonSerializer.Deserialize<List<IndividualDocument>>(json)!;
}
