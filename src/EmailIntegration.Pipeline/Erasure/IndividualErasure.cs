using EmailIntegration.Pipeline.Serve;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Pipeline.Erasure;

/// <summary>
/// DELETE /api/individuals/{individualId}: forget an individual everywhere, and keep them forgotten. The tombstone is
/// written first (so an import, replay or webhook from then on drops their records), then every store erases what it
/// holds of them, then the counts are kept and the change feed told, without the id. Idempotent: the erasure id is
/// derived from the individual, a second erasure runs every store again and adds what it found (normally nothing), and
/// an id we never knew is erased with zero counts (its tombstone still keeps later tracking out).
/// </summary>
public sealed class IndividualErasure(
    IErasureLedger ledger,
    IEnumerable<IIndividualDataEraser> erasers,
    IErasureChangeRecorder changes,
    TimeProvider time,
    ILogger<IndividualErasure> logger)
{
    private readonly IReadOnlyList<IIndividualDataEraser> erasers = erasers.ToList();

    /// <exception cref="InvalidRequestException">An id that is not an individual id.</exception>
    public async Task<ErasureRecord> EraseAsync(string individualId, CancellationToken cancellationToken)
    {
        EmailIntegrationTabReader.EnsureValidIndividualId(individualId);
        var erasureId = ErasureKey.Of(individualId);
        var now = time.GetUtcNow();
        var earlier = await ledger.FindAsync(erasureId, cancellationToken);
        var removed = new Dictionary<string, int>(earlier?.Removed ?? new Dictionary<string, int>(), StringComparer.Ordinal);
        var erasing = new ErasureRecord(erasureId, ErasureStatus.Erasing, earlier?.RequestedAt ?? now, earlier?.CompletedAt, removed,
            earlier?.Passes ?? 0);
        await ledger.SaveAsync(erasing, cancellationToken);

        foreach (var eraser in erasers)
        {
            foreach (var (store, count) in await eraser.EraseAsync(individualId, cancellationToken))
            {
                removed[store] = removed.GetValueOrDefault(store) + count;
            }
        }

        var completed = erasing with
        {
            Status = ErasureStatus.Completed,
            CompletedAt = time.GetUtcNow(),
            Removed = removed,
            Passes = erasing.Passes + 1,
        };
        await ledger.SaveAsync(completed, cancellationToken);
        await changes.RecordAsync(erasureId, completed.RequestedAt, cancellationToken);
        logger.LogInformation("Erasure {ErasureId} pass {Pass}: {Total} items removed in total", erasureId, completed.Passes, completed.Total);
        return completed;
    }

    /// <returns>Null for an erasure id that was never used.</returns>
    /// <exception cref="InvalidRequestException">An id that is not an erasure id.</exception>
    public Task<ErasureRecord?> GetAsync(string erasureId, CancellationToken cancellationToken) =>
        ErasureKey.IsErasureId(erasureId)
            ? ledger.FindAsync(erasureId, cancellationToken)
            : throw new InvalidRequestException("erasureId", $"An erasure id is {ErasureKey.ErasureIdRule}.");
}
