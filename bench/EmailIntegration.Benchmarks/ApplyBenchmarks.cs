using BenchmarkDotNet.Attributes;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.Benchmarks;

/// <summary>
/// <see cref="IndividualProjection.Apply"/> on one individual's documents in memory, per event (OperationsPerInvoke):
/// <c>FirstNight</c> folds the events into no documents (every row is created), <c>Replay</c> applies the same events again to
/// the documents they produced (all duplicates: the redelivery / replay path).
/// </summary>
[MemoryDiagnoser]
public class ApplyBenchmarks
{
    public const int EventsPerIndividual = 200;

    private static readonly EffectRules WithInterestCodes = new(
        ["Newsletter", "Events", "Advocacy"],
        ["www.example-association.org"],
        [new InterestCodeRule("https://www.example-association.org/events/*", ["EVENTS"]),
         new InterestCodeRule("https://www.example-association.org/advocacy/*", ["ADVOCACY"])],
        3);

    private static readonly EffectRules WithoutInterestCodes = new(
        ["Newsletter", "Events", "Advocacy"], ["www.example-association.org"], [], 3);

    private const string IndividualId = "ind-000042";
    private List<TrackingEvent> events = null!;
    private Dictionary<string, IndividualDocument> applied = null!;

    /// <summary>
    /// With the sample's interest-code rules (a glob regex per click, 100 ms match timeout) or without them: on a loaded
    /// 2-core machine the regex timeout has fired inside FirstNight (RegexMatchTimeoutException), see docs/benchmarks.md.
    /// </summary>
    [Params(true, false)]
    public bool InterestCodes { get; set; }

    private EffectRules Rules => InterestCodes ? WithInterestCodes : WithoutInterestCodes;

    [GlobalSetup]
    public void Setup()
    {
        events = IndividualEvents.Generate(IndividualId, EventsPerIndividual, Inputs.Seed);
        var first = IndividualProjection.Apply(IndividualId, new Dictionary<string, IndividualDocument>(), events, Rules);
        applied = first.Changed.ToDictionary(d => d.Id);
        if (first.Applied != EventsPerIndividual)
        {
            throw new InvalidOperationException($"Applied {first.Applied} of {EventsPerIndividual} events.");
        }
    }

    [Benchmark(OperationsPerInvoke = EventsPerIndividual)]
    public int FirstNight() =>
        IndividualProjection.Apply(IndividualId, new Dictionary<string, IndividualDocument>(), events, Rules).Changed.Count;

    [Benchmark(OperationsPerInvoke = EventsPerIndividual)]
    public int Replay() => IndividualProjection.Apply(IndividualId, applied, events, Rules).Duplicates;

    /// <summary>What the applier does before the read: the ids of every document the events touch.</summary>
    [Benchmark(OperationsPerInvoke = EventsPerIndividual)]
    public int DocumentIds() => IndividualProjection.DocumentIdsTouchedBy(events, Rules).Count;
}
