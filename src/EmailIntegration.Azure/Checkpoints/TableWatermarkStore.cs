using Azure;
using Azure.Data.Tables;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Pipeline.Fetch;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Azure.Checkpoints;

/// <summary>One entity per vendor; every move is conditional on the ETag that was read.</summary>
public sealed class TableWatermarkStore(TableServiceClient tables, IOptions<EmailIntegrationOptions> options) : IWatermarkStore
{
    private const string PartitionKey = "watermark";
    private readonly TableClient table = tables.GetTableClient(options.Value.WatermarkTable);

    public async Task<Watermark?> GetAsync(string vendor, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(PartitionKey, vendor, cancellationToken: cancellationToken);
        return response.HasValue && response.Value!.GetDateTimeOffset("LandedUntil") is { } landedUntil
            ? new Watermark(landedUntil.ToUniversalTime(), response.Value.ETag.ToString())
            : null;
    }

    public async Task AdvanceAsync(string vendor, DateTimeOffset landedUntil, Watermark? expected, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(PartitionKey, vendor) { ["LandedUntil"] = landedUntil.ToUniversalTime() };
        try
        {
            if (expected is null)
            {
                await table.AddEntityAsync(entity, cancellationToken);
            }
            else
            {
                await table.UpdateEntityAsync(entity, new ETag(expected.Version), TableUpdateMode.Replace, cancellationToken);
            }
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw new WatermarkConflictException(vendor);
        }
    }
}
