using Azure;
using Azure.Data.Tables;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Azure.Outbound;
using EmailIntegration.Pipeline.Erasure;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Azure.Erasure;

/// <summary>
/// The table rows that name the individual: the vendor directory's recipient rows (<c>{vendor}|recipient</c>, whose
/// <c>IndividualId</c> is theirs) and reverse rows (<c>{vendor}|individual</c>, row key = their id), the opt-out status
/// rows, and the run log's issue rows (unknown individual, unmatched e-mail group). Found by a filter on the property or
/// the row key (a scan: erasures are rare), deleted one by one; one already gone is not counted.
/// </summary>
public sealed class TableRowsEraser(
    TableServiceClient tables, IOptions<EmailIntegrationOptions> options, IOptions<OutboundStorageOptions> outbound) : IIndividualDataEraser
{
    public const string VendorDirectoryStore = "vendorDirectoryRows";
    public const string OptOutStatusStore = "optOutStatusRows";
    public const string RunLogStore = "runLogRows";

    public async Task<IReadOnlyDictionary<string, int>> EraseAsync(string individualId, CancellationToken cancellationToken)
    {
        var directory = tables.GetTableClient(options.Value.VendorDirectoryTable);
        var byProperty = TableClient.CreateQueryFilter($"IndividualId eq {individualId}");
        return new Dictionary<string, int>
        {
            [VendorDirectoryStore] = await DeleteAsync(directory, byProperty, cancellationToken)
                + await DeleteAsync(directory, TableClient.CreateQueryFilter($"RowKey eq {individualId}"), cancellationToken, partitionSuffix: "|individual"),
            [OptOutStatusStore] = await DeleteAsync(tables.GetTableClient(outbound.Value.OptOutStatusTable), byProperty, cancellationToken),
            [RunLogStore] = await DeleteAsync(tables.GetTableClient(options.Value.RunLogTable), byProperty, cancellationToken),
        };
    }

    private static async Task<int> DeleteAsync(TableClient table, string filter, CancellationToken cancellationToken, string? partitionSuffix = null)
    {
        var keys = new List<(string, string)>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            if (partitionSuffix is null || e.PartitionKey.EndsWith(partitionSuffix, StringComparison.Ordinal))
            {
                keys.Add((e.PartitionKey, e.RowKey));
            }
        }

        var deleted = 0;
        foreach (var (partitionKey, rowKey) in keys)
        {
            var response = await table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken);
            deleted += response.Status == 404 ? 0 : 1;
        }

        return deleted;
    }
}
