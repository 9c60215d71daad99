using Azure;
using Azure.Data.Tables;
using EmailIntegration.Domain.Rules;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.Outbound;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Azure.Outbound;

/// <summary>Blast status entities: partition = blast id, row <c>status</c>; replaced only with the ETag that was read.</summary>
public sealed class TableBlastStatusStore(TableServiceClient tables, IOptions<OutboundStorageOptions> options) : IBlastStatusStore
{
    private const string Row = "status";
    private readonly TableClient table = tables.GetTableClient(options.Value.BlastStatusTable);

    public async Task<BlastStatus?> GetAsync(string blastId, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(blastId, Row, cancellationToken: cancellationToken);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    public async Task<bool> TryAddAsync(BlastStatus status, CancellationToken cancellationToken)
    {
        try
        {
            await table.AddEntityAsync(ToEntity(status), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    public async Task<BlastStatus> ReplaceAsync(BlastStatus status, CancellationToken cancellationToken)
    {
        try
        {
            var response = await table.UpdateEntityAsync(ToEntity(status), status.ETag is { } etag ? new ETag(etag) : ETag.All,
                TableUpdateMode.Replace, cancellationToken);
            return status with { ETag = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            throw new ConcurrencyConflictException("blast " + status.BlastId);
        }
    }

    private static TableEntity ToEntity(BlastStatus s) => new(s.BlastId, Row)
    {
        ["Vendor"] = s.Vendor,
        ["MailingType"] = s.MailingType,
        ["Status"] = s.Status.ToString(),
        ["Recipients"] = s.Recipients,
        ["Pushed"] = s.Pushed,
        ["Refused"] = s.Refused,
        ["Reason"] = s.Reason,
        ["Attempts"] = s.Attempts,
        ["AcceptedAt"] = s.AcceptedAt,
        ["UpdatedAt"] = s.UpdatedAt,
        ["Kind"] = s.Kind.ToString(),
        ["SuppressedEmailInvalid"] = s.Suppressed.EmailInvalid,
        ["SuppressedDoNotEmail"] = s.Suppressed.DoNotEmail,
        ["SuppressedOptedOut"] = s.Suppressed.OptedOut,
        ["SuppressedErased"] = s.Suppressed.Erased,
        ["UnknownIndividuals"] = s.UnknownIndividuals,
    };

    private static BlastStatus FromEntity(TableEntity e) => new(
        e.PartitionKey,
        e.GetString("Vendor") ?? string.Empty,
        e.GetString("MailingType") ?? string.Empty,
        Enum.TryParse<BlastState>(e.GetString("Status"), out var state) ? state : BlastState.Accepted,
        e.GetInt32("Recipients") ?? 0,
        e.GetInt32("Pushed") ?? 0,
        e.GetInt32("Refused") ?? 0,
        e.GetString("Reason"),
        e.GetInt32("Attempts") ?? 0,
        e.GetDateTimeOffset("AcceptedAt") ?? DateTimeOffset.MinValue,
        e.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue)
    {
        Kind = Enum.TryParse<BlastKind>(e.GetString("Kind"), out var kind) ? kind : BlastKind.Marketing,
        Suppressed = new SuppressedCounts(
            e.GetInt32("SuppressedEmailInvalid") ?? 0, e.GetInt32("SuppressedDoNotEmail") ?? 0, e.GetInt32("SuppressedOptedOut") ?? 0,
            e.GetInt32("SuppressedErased") ?? 0),
        UnknownIndividuals = e.GetInt32("UnknownIndividuals") ?? 0,
        ETag = e.ETag.ToString(),
    };
}
