using Azure.Data.Tables;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Pipeline.Outbound;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Azure.Outbound;

/// <summary>
/// AMS individual → vendor recipient id, in the vendor directory table under partition <c>{vendor}|individual</c> (next to
/// the directory's <c>{vendor}|recipient</c> rows, which map the other way).
/// </summary>
public sealed class TableVendorRecipientIndex(TableServiceClient tables, IOptions<EmailIntegrationOptions> options) : IVendorRecipientIndex
{
    private readonly TableClient table = tables.GetTableClient(options.Value.VendorDirectoryTable);

    public async Task SaveAsync(string vendor, IReadOnlyCollection<(string IndividualId, string RecipientId)> entries, CancellationToken cancellationToken)
    {
        foreach (var chunk in entries.Where(e => IsValidKey(e.IndividualId)).DistinctBy(e => e.IndividualId).Chunk(100))
        {
            await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(vendor + "|individual", e.IndividualId) { ["RecipientId"] = e.RecipientId })), cancellationToken);
        }
    }

    public async Task<string?> FindRecipientAsync(string vendor, string individualId, CancellationToken cancellationToken)
    {
        if (!IsValidKey(individualId))
        {
            return null;
        }

        var response = await table.GetEntityIfExistsAsync<TableEntity>(vendor + "|individual", individualId, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value!.GetString("RecipientId") : null;
    }

    private static bool IsValidKey(string key) =>
        key.Length is > 0 and <= 512 && key.IndexOfAny(['/', '\\', '#', '?']) < 0 && !key.Any(char.IsControl);
}
