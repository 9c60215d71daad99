using Azure;
using Azure.Data.Tables;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Pipeline.AmsWebhook;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.Changes;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Azure.Checkpoints;

/// <summary>
/// The AMS webhook push's checkpoint beside the vendors' watermarks (same table): partition <c>ams-webhook</c>, row
/// <c>cursor</c> (the feed position last delivered or parked, moved only with the ETag read), and one entity per parked
/// delivery in partition <c>ams-webhook-parked</c> (row = delivery id): its place in the feed and its reason, never its body.
/// </summary>
public sealed class TableAmsDeliveryStore(TableServiceClient tables, IOptions<EmailIntegrationOptions> options) : IAmsDeliveryStore
{
    private const string CursorPartition = "ams-webhook";
    private const string CursorRow = "cursor";
    private const string ParkedPartition = "ams-webhook-parked";
    private readonly TableClient table = tables.GetTableClient(options.Value.WatermarkTable);

    public async Task<PushCursor> ReadCursorAsync(CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(CursorPartition, CursorRow, cancellationToken: cancellationToken);
        return response.HasValue ? new PushCursor(PositionOf(response.Value!), response.Value!.ETag.ToString()) : PushCursor.Start;
    }

    public async Task<PushCursor> MoveCursorAsync(ChangePosition position, PushCursor expected, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(CursorPartition, CursorRow) { ["CommitSecond"] = position.CommitSecond, ["SortKey"] = position.SortKey };
        try
        {
            var response = expected.Version is null
                ? await table.AddEntityAsync(entity, cancellationToken)
                : await table.UpdateEntityAsync(entity, new ETag(expected.Version), TableUpdateMode.Replace, cancellationToken);
            return new PushCursor(position, response.Headers.ETag?.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw new ConcurrencyConflictException("ams-webhook cursor");
        }
    }

    public async Task SaveAsync(ParkedDelivery delivery, CancellationToken cancellationToken) =>
        await table.UpsertEntityAsync(ToEntity(delivery), TableUpdateMode.Replace, cancellationToken);

    public async Task<ParkedDelivery?> GetAsync(string deliveryId, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(ParkedPartition, deliveryId, cancellationToken: cancellationToken);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    public async Task<IReadOnlyList<ParkedDelivery>> ListParkedAsync(int max, CancellationToken cancellationToken)
    {
        var parked = new List<ParkedDelivery>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ParkedPartition} and State eq {nameof(ParkedState.Parked)}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            parked.Add(FromEntity(entity));
        }

        return parked.OrderBy(p => p.FirstAttemptAt).Take(max).ToList();
    }

    private static ChangePosition? PositionOf(TableEntity e) =>
        e.GetInt64("CommitSecond") is { } second && e.GetString("SortKey") is { } sortKey ? new ChangePosition(second, sortKey) : null;

    private static TableEntity ToEntity(ParkedDelivery d) => WithoutNulls(new TableEntity(ParkedPartition, d.DeliveryId)
    {
        ["CommitSecond"] = d.After?.CommitSecond,
        ["SortKey"] = d.After?.SortKey,
        ["Count"] = d.Count,
        ["State"] = d.State.ToString(),
        ["Status"] = d.Status,
        ["Reason"] = d.Reason,
        ["Attempts"] = d.Attempts,
        ["FirstAttemptAt"] = d.FirstAttemptAt,
        ["LastAttemptAt"] = d.LastAttemptAt,
        ["DeliveredAt"] = d.DeliveredAt,
    });

    private static TableEntity WithoutNulls(TableEntity entity)
    {
        foreach (var key in entity.Keys.Where(k => entity[k] is null).ToList())
        {
            entity.Remove(key);
        }

        return entity;
    }

    private static ParkedDelivery FromEntity(TableEntity e) => new(
        e.RowKey,
        PositionOf(e),
        e.GetInt32("Count") ?? 0,
        Enum.TryParse<ParkedState>(e.GetString("State"), out var state) ? state : ParkedState.Parked,
        e.GetInt32("Status"),
        e.GetString("Reason") ?? string.Empty,
        e.GetInt32("Attempts") ?? 0,
        e.GetDateTimeOffset("FirstAttemptAt") ?? DateTimeOffset.MinValue,
        e.GetDateTimeOffset("LastAttemptAt") ?? DateTimeOffset.MinValue,
        e.GetDateTimeOffset("DeliveredAt"));
}
