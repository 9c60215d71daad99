using System.Text.Json;
using Azure.Data.Tables;
using EmailIntegration.Pipeline.Erasure;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Azure.Erasure;

/// <summary>
/// Erasure records in one partition (<c>erasure</c>, row = erasure id): the status, the times, and the counts per store
/// as JSON (the stores are the erasers', not a fixed list). Nothing in it is the individual's id. The tombstone set is
/// read whole (erasures are rare) and kept for the age a caller accepts; this process's own erasures join it at once.
/// </summary>
public sealed class TableErasureLedger(TableServiceClient tables, IOptions<ErasureStorageOptions> options, TimeProvider time) : IErasureLedger
{
    private const string Partition = "erasure";
    private readonly TableClient table = tables.GetTableClient(options.Value.ErasureTable);
    private readonly Lock gate = new();
    private (HashSet<string> Ids, DateTimeOffset ReadAt)? cached;

    public async Task<ErasureRecord?> FindAsync(string erasureId, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(Partition, erasureId, cancellationToken: cancellationToken);
        if (!response.HasValue)
        {
            return null;
        }

        var e = response.Value!;
        return new ErasureRecord(
            e.RowKey,
            Enum.TryParse<ErasureStatus>(e.GetString("Status"), out var status) ? status : ErasureStatus.Erasing,
            e.GetDateTimeOffset("RequestedAt") ?? DateTimeOffset.MinValue,
            e.GetDateTimeOffset("CompletedAt"),
            JsonSerializer.Deserialize<Dictionary<string, int>>(e.GetString("Removed") ?? "{}") ?? [],
            e.GetInt32("Passes") ?? 0);
    }

    public async Task SaveAsync(ErasureRecord record, CancellationToken cancellationToken)
    {
        await table.UpsertEntityAsync(new TableEntity(Partition, record.ErasureId)
        {
            ["Status"] = record.Status.ToString(),
            ["RequestedAt"] = record.RequestedAt,
            ["CompletedAt"] = record.CompletedAt,
            ["Removed"] = JsonSerializer.Serialize(record.Removed),
            ["Passes"] = record.Passes,
        }, TableUpdateMode.Replace, cancellationToken);
        lock (gate)
        {
            cached?.Ids.Add(record.ErasureId);
        }
    }

    public async Task<ErasedIndividuals> ReadTombstonesAsync(TimeSpan maxAge, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            if (maxAge > TimeSpan.Zero && cached is { } fresh && now - fresh.ReadAt <= maxAge)
            {
                return new ErasedIndividuals(fresh.Ids);
            }
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var e in table.QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            ids.Add(e.RowKey);
        }

        lock (gate)
        {
            cached = (ids, now);
        }

        return new ErasedIndividuals(ids);
    }
}
