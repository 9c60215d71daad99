namespace EmailIntegration.Pipeline.Erasure;

/// <summary>
/// The erasure records (Table): one per erased individual, keyed by <see cref="ErasureKey"/>. A record is also the
/// individual's tombstone: while it exists, nothing of theirs is applied or pushed again.
/// </summary>
public interface IErasureLedger
{
    Task<ErasureRecord?> FindAsync(string erasureId, CancellationToken cancellationToken);

    Task SaveAsync(ErasureRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Every tombstone, read at most <paramref name="maxAge"/> ago (<see cref="TimeSpan.Zero"/>: read now). Erasures are
    /// rare, so the set is small; checking it costs one hash per individual, not one store call.
    /// </summary>
    Task<ErasedIndividuals> ReadTombstonesAsync(TimeSpan maxAge, CancellationToken cancellationToken);
}

/// <summary>One store's part of an erasure: removes what it holds of the individual and says how much, per store name.</summary>
public interface IIndividualDataEraser
{
    /// <returns>Store name (as reported by <c>GET /api/erasures/{id}</c>) → items removed; a store with nothing reports 0.</returns>
    Task<IReadOnlyDictionary<string, int>> EraseAsync(string individualId, CancellationToken cancellationToken);
}

/// <summary>The AMS change feed's record of an erasure: kept outside the erased partition, carrying only the erasure id.</summary>
public interface IErasureChangeRecorder
{
    Task RecordAsync(string erasureId, DateTimeOffset erasedAt, CancellationToken cancellationToken);
}

/// <summary>The set of tombstones: whether an individual was erased, by hashing the id (never held in clear).</summary>
public sealed class ErasedIndividuals(IEnumerable<string> erasureIds)
{
    public static readonly ErasedIndividuals None = new([]);

    private readonly HashSet<string> ids = erasureIds.ToHashSet(StringComparer.Ordinal);

    public int Count => ids.Count;

    public bool Contains(string individualId) => ids.Count > 0 && ids.Contains(ErasureKey.Of(individualId));
}

public enum ErasureStatus { Erasing, Completed }

/// <param name="Removed">Per store, every item removed by every pass (a second erasure finds nothing, so adds nothing).</param>
/// <param name="Passes">How often the erasure ran (a repeated DELETE runs it again: whatever slipped in meanwhile goes too).</param>
public sealed record ErasureRecord(
    string ErasureId,
    ErasureStatus Status,
    DateTimeOffset RequestedAt,
    DateTimeOffset? CompletedAt,
    IReadOnlyDictionary<string, int> Removed,
    int Passes)
{
    public int Total => Removed.Values.Sum();
}
