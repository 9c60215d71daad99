using EmailIntegration.Pipeline.Outbound;
using Microsoft.Extensions.Options;
using Moq;

namespace EmailIntegration.UnitTests.Outbound;

internal static class OutboundTestSupport
{
    public static IOptions<OutboundOptions> Options(Action<OutboundOptions>? configure = null)
    {
        var options = new OutboundOptions();
        configure?.Invoke(options);
        return Microsoft.Extensions.Options.Options.Create(options);
    }

    public static Mock<IOutboundVendor> Vendor(string name, bool enabled = true)
    {
        var vendor = new Mock<IOutboundVendor>();
        vendor.SetupGet(v => v.Vendor).Returns(name);
        vendor.SetupGet(v => v.IsEnabled).Returns(enabled);
        return vendor;
    }

    public static BlastRecipient Recipient(string id, string? email = null, string? firstName = null) =>
        new(id, new Dictionary<string, string?> { ["Email"] = email ?? $"{id}@example.org", ["FirstName"] = firstName ?? "First " + id });

    public static BlastRequest Blast(string vendor = "realmagnet", int recipients = 2, string? blastId = null) =>
        new(blastId, vendor, "Newsletter", Enumerable.Range(1, recipients).Select(i => Recipient($"ind-{i}")).ToList());
}

/// <summary>The ledger's contract (first decisions win) in memory.</summary>
internal sealed class InMemorySuppressionLedger : ISuppressionLedger
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, BlastDecisions> decisions = new(StringComparer.Ordinal);

    public int Recorded { get; private set; }

    public Task<BlastDecisions> RecordOnceAsync(BlastDecisions candidate, CancellationToken cancellationToken)
    {
        var kept = decisions.GetOrAdd(candidate.BlastId, candidate);
        if (ReferenceEquals(kept, candidate))
        {
            Recorded++;
        }

        return Task.FromResult(kept);
    }

    public Task<BlastDecisions?> ReadAsync(string blastId, CancellationToken cancellationToken) =>
        Task.FromResult(decisions.GetValueOrDefault(blastId));
}
