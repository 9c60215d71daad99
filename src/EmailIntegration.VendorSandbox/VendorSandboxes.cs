using EmailIntegration.VendorSandbox.HighRoad;
using EmailIntegration.VendorSandbox.Informz;
using EmailIntegration.VendorSandbox.RealMagnet;

namespace EmailIntegration.VendorSandbox;

/// <summary>
/// All three vendor sandboxes over one association's generated data (the same AMS ids appear at
/// several vendors), with the settings that point the adapters at them.
/// </summary>
public sealed class VendorSandboxes : IDisposable
{
    private VendorSandboxes(RealMagnetSandbox realMagnet, InformzSandbox informz, HighRoadSandbox highRoad)
    {
        RealMagnet = realMagnet;
        Informz = informz;
        HighRoad = highRoad;
    }

    public RealMagnetSandbox RealMagnet { get; }

    public InformzSandbox Informz { get; }

    public HighRoadSandbox HighRoad { get; }

    /// <summary>Deterministic for a seed and a day, so a replay of the same night sees the same data.</summary>
    public static VendorSandboxes Start(int seed, DateTimeOffset today) => new(
        RealMagnetSandbox.Start(SandboxData.Generate(seed, today)),
        InformzSandbox.Start(InformzSandboxData.Generate(seed, today)),
        HighRoadSandbox.Start(HighRoadSandboxData.Generate(seed, today)));

    public IReadOnlyDictionary<string, string?> AdapterSettings() =>
        RealMagnet.AdapterSettings().Concat(Informz.AdapterSettings()).Concat(HighRoad.AdapterSettings())
            .ToDictionary(p => p.Key, p => p.Value);

    /// <summary>Every AMS individual any vendor knows, with an address (the first vendor's), as the AMS would send them.</summary>
    public IReadOnlyList<(string IndividualId, string Email)> AmsIndividuals() =>
        RealMagnet.Data.Individuals.Where(i => i.IndividualId is not null).Select(i => (i.IndividualId!, i.Email))
            .Concat(Informz.Data.Subscribers.Where(s => s.RemoteId is not null).Select(s => (s.RemoteId!, s.Email)))
            .Concat(HighRoad.Data.Recipients.Where(r => r.IndividualId is not null).Select(r => (r.IndividualId!, r.Email)))
            .DistinctBy(i => i.Item1, StringComparer.Ordinal)
            .OrderBy(i => i.Item1, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// A tab worth looking at: the individual with the most Real Magnet activity among those with
    /// activity at all three vendors (else the most active at Real Magnet).
    /// </summary>
    public string SampleIndividualId()
    {
        var informz = Informz.Data.Activity.Select(a => Informz.Data.Subscriber(a.SubscriberId).RemoteId).OfType<string>().ToHashSet();
        var highRoad = HighRoad.Data.ExpectedCountsByIndividual().Where(e => e.Value.Total > 0).Select(e => e.Key).ToHashSet();
        var byActivity = RealMagnet.Data.ExpectedCountsByIndividual()
            .OrderByDescending(e => e.Value.Total).ThenBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key).ToList();
        return byActivity.FirstOrDefault(id => informz.Contains(id) && highRoad.Contains(id)) ?? byActivity.First();
    }

    public void Dispose()
    {
        RealMagnet.Dispose();
        Informz.Dispose();
        HighRoad.Dispose();
    }
}
