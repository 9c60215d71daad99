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
        Gen.Select(Gen.Int[0, 7], Gen.Int[0, Mailings.Length - 1], Gen.Int[0, 1], Gen.Int[0, 3], Gen.Int[0, 2], Gen.Int[0, 120])
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
                    6 => TrackingEvents.Resubscribed(Individual, mailingId, Groups[choice], at),
                    _ => TrackingEvents.Make(TrackingEventKind.LinkClicked, Individual, mailingId, at), // no URL: no row
                };
            });

    /// <summary>Links of one mailing, some on the AMS host (scored) and with interest codes, for machine activity.</summary>
    private static readonly string[] ActivityUrls =
        ["https://www.example-association.org/events/a", "https://www.example-association.org/b", "https://example.org/c", "https://example.org/d"];

    private static readonly EffectRules Rules = new(
        ["Newsletter", "Events"], ["www.example-association.org"],
        [new InterestCodeRule("https://www.example-association.org/events/*", ["EVENTS", "MEETINGS"])], 3);

    /// <summary>
    /// Deliveries, opens and clicks of two mailings seconds apart, some flagged by the vendor: scanner bursts, opens and
    /// clicks near the delivery, and a person's click later, in every combination the classification has.
    /// </summary>
    private static readonly Gen<TrackingEvent> GenActivity =
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 1], Gen.Int[0, ActivityUrls.Length - 1], Gen.Int[0, 40], Gen.Int[0, 9])
            .Select((kindIndex, mailing, url, seconds, flag) =>
            {
                var at = TrackingEvents.T0.AddSeconds(seconds);
                var mailingId = "activity-" + mailing;
                var trackingEvent = kindIndex switch
                {
                    0 => TrackingEvents.Delivered(Individual, mailingId, at.AddSeconds(-seconds + (seconds % 3) * 4)),
                    1 => TrackingEvents.Opened(Individual, mailingId, at),
                    _ => TrackingEvents.Clicked(Individual, mailingId, ActivityUrls[url], at),
                };
                return flag == 0 ? trackingEvent with { VendorFlaggedMachine = true } : trackingEvent;
            });

    private static readonly Gen<TrackingEvent> GenAnyEvent = Gen.Frequency((1, GenEvent), (1, GenActivity));

    /// <summary>Events plus some of them again (redeliveries), and the same list in another order.</summary>
    private static readonly Gen<(TrackingEvent[] Original, TrackingEvent[] Shuffled)> GenPermutation =
        from generated in GenAnyEvent.Array[1, 60]
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
            print: sample => string.Join(Environment.NewLine, sample.Original.Select(e => $"{e.Kind} {e.MailingId} {e.Url} {e.OccurredAt:o} {e.EventId}")));
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
                var first = IndividualProjection.Apply(Individual, new Dictionary<string, IndividualDocument>(), events[..split], Rules);
                // What a store would hand back: a deserialized copy, not the same instances.
                var saved = Deserialize(Serialize(first.Changed)).ToDictionary(d => d.Id);
                var second = IndividualProjection.Apply(Individual, saved, events[split..], Rules);
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

    /// <summary>
    /// The applier's way: each message reads only the documents its events touch, then those that follow the mailing's
    /// click classification (<see cref="IndividualProjection.DocumentIdsFollowing"/>), and writes what changed. Any split
    /// of the events into messages, in any order, ends where applying them all at once does: a click applied a night before
    /// its delivery, or before the rest of its scanner's burst, has its scoring withdrawn when they arrive.
    /// </summary>
    [Fact]
    public void ApplyingMessageByMessage_ReadingOnlyWhatTheApplierReads_EqualsApplyingAllAtOnce()
    {
        var gen = from pair in GenPermutation
                  from cuts in Gen.Int[0, pair.Shuffled.Length].Array[0, 6]
                  select (pair.Shuffled, Cuts: cuts.Distinct().Order().ToArray());

        gen.Sample(
            sample =>
            {
                var (events, cuts) = sample;
                var store = new Dictionary<string, IndividualDocument>(StringComparer.Ordinal);
                var bounds = cuts.Prepend(0).Append(events.Length).ToArray();
                for (var i = 0; i + 1 < bounds.Length; i++)
                {
                    var message = events[bounds[i]..bounds[i + 1]];
                    var ids = IndividualProjection.DocumentIdsTouchedBy(message, Rules);
                    var read = Read(store, ids);
                    foreach (var (id, document) in Read(store, IndividualProjection.DocumentIdsFollowing(message, read, Rules)))
                    {
                        read[id] = document;
                    }

                    foreach (var changed in IndividualProjection.Apply(Individual, read, message, Rules).Changed)
                    {
                        store[changed.Id] = Deserialize(Serialize([changed])).Single();
                    }
                }

                Assert.Equal(Serialize(Project(events)), Serialize(store.Values));
            },
            iter: 300,
            print: sample => string.Join(Environment.NewLine, sample.Shuffled.Select(e => $"{e.Kind} {e.MailingId} {e.Url} {e.OccurredAt:o} {e.VendorFlaggedMachine}"))
                + Environment.NewLine + "cuts: " + string.Join(",", sample.Cuts));

        static Dictionary<string, IndividualDocument> Read(Dictionary<string, IndividualDocument> store, IEnumerable<string> ids) =>
            ids.Where(store.ContainsKey).ToDictionary(id => id, id => Deserialize(Serialize([store[id]])).Single(), StringComparer.Ordinal);
    }

    /// <summary>Scoring follows the link's clicks: active exactly when a person clicked, withdrawn with a reason otherwise.</summary>
    [Fact]
    public void ACustomerActionOrInterestActivity_IsActive_ExactlyWhenAPersonClickedItsLink()
    {
        GenPermutation.Sample((_, shuffled) =>
        {
            var documents = Project(shuffled);
            var links = documents.OfType<LinkTrackingDocument>().ToDictionary(l => (l.MailingId, l.Url));
            Assert.All(documents.OfType<LinkTrackingDocument>(), l => Assert.Equal(l.ClickCount, l.PersonClickCount + l.MachineClickCount));
            foreach (var (mailing, url, at, withdrawn, reason) in documents.OfType<CustomerActionDocument>()
                         .Select(a => (a.MailingId, a.Url, a.ActionAt, a.Withdrawn, a.WithdrawnReason))
                         .Concat(documents.OfType<InterestActivityDocument>().Select(a => (a.MailingId, a.Url, a.ActivityAt, a.Withdrawn, a.WithdrawnReason))))
            {
                var link = links[(mailing, url)];
                Assert.Equal(link.PersonClickCount == 0, withdrawn);
                Assert.Equal(withdrawn, at is null);
                Assert.Equal(withdrawn ? link.MachineClickReason : null, reason);
            }
        });
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
        IndividualProjection.Apply(Individual, new Dictionary<string, IndividualDocument>(), events, Rules).Changed;

    private static string Serialize(IEnumerable<IndividualDocument> documents) =>
        JsonSerializer.Serialize(documents.OrderBy(d => d.Id, StringComparer.Ordinal).ToList());

    private static List<IndividualDocument> Deserialize(string json) =>
        JsonSerializer.Deserialize<List<IndividualDocument>>(json)!;
}
