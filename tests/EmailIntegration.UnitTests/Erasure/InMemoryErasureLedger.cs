using System.Collections.Concurrent;
using EmailIntegration.Pipeline.Erasure;

namespace EmailIntegration.UnitTests.Erasure;

/// <summary>The erasure ledger as a dictionary: what <see cref="IErasureLedger"/> promises, nothing more.</summary>
public sealed class InMemoryErasureLedger : IErasureLedger
{
    public ConcurrentDictionary<string, ErasureRecord> Records { get; } = new(StringComparer.Ordinal);

    public List<ErasureRecord> Saved { get; } = [];

    public InMemoryErasureLedger Erased(params string[] individualIds)
    {
        foreach (var id in individualIds)
        {
            var erasureId = ErasureKey.Of(id);
            Records[erasureId] = new ErasureRecord(erasureId, ErasureStatus.Completed, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
                new Dictionary<string, int>(), 1);
        }

        return this;
    }

    public Task<ErasureRecord?> FindAsync(string erasureId, CancellationToken cancellationToken) =>
        Task.FromResult(Records.GetValueOrDefault(erasureId));

    public Task SaveAsync(ErasureRecord record, CancellationToken cancellationToken)
    {
        lock (Saved)
        {
            Saved.Add(record);
        }

        Records[record.ErasureId] = record;
        return Task.CompletedTask;
    }

    public Task<ErasedIndividuals> ReadTombstonesAsync(TimeSpan maxAge, CancellationToken cancellationToken) =>
        Task.FromResult(new ErasedIndividuals(Records.Keys));
}
