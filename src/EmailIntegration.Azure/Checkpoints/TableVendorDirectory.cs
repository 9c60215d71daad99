using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Pipeline.FanOut;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Azure.Checkpoints;

/// <summary>
/// Vendor recipient → AMS individual and vendor mailing → name/type, in one table
/// (partition <c>{vendor}|recipient</c> or <c>{vendor}|mailing</c>). Lookups are cached for the
/// process's life: a recipient's AMS id and a sent mailing's name do not change.
/// </summary>
public sealed class TableVendorDirectory(TableServiceClient tables, IOptions<EmailIntegrationOptions> options) : IVendorDirectory
{
    private const int MaxBatch = 100;
    private readonly TableClient table = tables.GetTableClient(options.Value.VendorDirectoryTable);
    private readonly ConcurrentDictionary<(string, string), string?> individuals = new();
    private readonly ConcurrentDictionary<(string, string), MailingInfo?> mailings = new();

    public async Task SaveRecipientsAsync(string vendor, IReadOnlyCollection<VendorRecipient> recipients, CancellationToken cancellationToken)
    {
        await UpsertAsync(recipients.Select(r =>
            new TableEntity(vendor + "|recipient", r.RecipientId) { ["IndividualId"] = r.IndividualId }), cancellationToken);
        foreach (var recipient in recipients)
        {
            individuals[(vendor, recipient.RecipientId)] = recipient.IndividualId;
        }
    }

    public async Task SaveMailingsAsync(string vendor, IReadOnlyCollection<MailingInfo> mailingInfos, CancellationToken cancellationToken)
    {
        await UpsertAsync(mailingInfos.Select(m =>
            new TableEntity(vendor + "|mailing", m.MailingId) { ["Name"] = m.Name, ["MailingType"] = m.MailingType }), cancellationToken);
        foreach (var mailing in mailingInfos)
        {
            mailings[(vendor, mailing.MailingId)] = mailing;
        }
    }

    public async Task<string?> FindIndividualAsync(string vendor, string recipientId, CancellationToken cancellationToken)
    {
        if (individuals.TryGetValue((vendor, recipientId), out var cached) && cached is not null)
        {
            return cached;
        }

        var entity = await FindAsync(vendor + "|recipient", recipientId, cancellationToken);
        var individualId = entity?.GetString("IndividualId");
        if (individualId is not null)
        {
            individuals[(vendor, recipientId)] = individualId;
        }

        return individualId;
    }

    public async Task<MailingInfo?> FindMailingAsync(string vendor, string mailingId, CancellationToken cancellationToken)
    {
        if (mailings.TryGetValue((vendor, mailingId), out var cached) && cached is not null)
        {
            return cached;
        }

        var entity = await FindAsync(vendor + "|mailing", mailingId, cancellationToken);
        var mailing = entity is null ? null : new MailingInfo(mailingId, entity.GetString("Name"), entity.GetString("MailingType"));
        if (mailing is not null)
        {
            mailings[(vendor, mailingId)] = mailing;
        }

        return mailing;
    }

    private async Task<TableEntity?> FindAsync(string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        if (!IsValidKey(rowKey))
        {
            return null;
        }

        var response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    private async Task UpsertAsync(IEnumerable<TableEntity> entities, CancellationToken cancellationToken)
    {
        // One transaction per 100 entities of a partition: a night's directory is a few calls, not thousands.
        foreach (var chunk in entities.Where(e => IsValidKey(e.RowKey)).DistinctBy(e => e.RowKey).Chunk(MaxBatch))
        {
            var actions = chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e));
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
            }
            catch (TableTransactionFailedException)
            {
                foreach (var entity in chunk)
                {
                    await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
                }
            }
        }

    }

    private static bool IsValidKey(string key) =>
        key.Length is > 0 and <= 512 && key.IndexOfAny(['/', '\\', '#', '?']) < 0 && !key.Any(char.IsControl);
}
