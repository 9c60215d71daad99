using Azure.Data.Tables;
using EmailIntegration.Pipeline.Outbound;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Azure.Outbound;

/// <summary>Per-vendor opt-out results: partition = opt-out id, row = vendor.</summary>
public sealed class TableOptOutResultStore(TableServiceClient tables, IOptions<OutboundStorageOptions> options) : IOptOutResultStore
{
    private readonly TableClient table = tables.GetTableClient(options.Value.OptOutStatusTable);

    public async Task<IReadOnlyDictionary<string, VendorPushResult>> GetAsync(string optOutId, CancellationToken cancellationToken)
    {
        var results = new Dictionary<string, VendorPushResult>(StringComparer.Ordinal);
        await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == optOutId, cancellationToken: cancellationToken))
        {
            results[e.RowKey] = new VendorPushResult(
                e.RowKey,
                Enum.TryParse<VendorPushState>(e.GetString("State"), out var state) ? state : VendorPushState.Failed,
                e.GetString("Reason"),
                e.GetInt32("Attempts") ?? 0,
                e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue,
                e.GetString("IndividualId") ?? string.Empty,
                e.GetString("MailingType") ?? string.Empty);
        }

        return results;
    }

    public Task SaveAsync(string optOutId, VendorPushResult result, CancellationToken cancellationToken) =>
        table.UpsertEntityAsync(new TableEntity(optOutId, result.Vendor)
        {
            ["State"] = result.State.ToString(),
            ["Reason"] = result.Reason,
            ["Attempts"] = result.Attempts,
            ["At"] = result.At,
            ["IndividualId"] = result.IndividualId,
            ["MailingType"] = result.MailingType,
        }, TableUpdateMode.Replace, cancellationToken);
}
