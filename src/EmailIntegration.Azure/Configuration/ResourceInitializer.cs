using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Azure.Outbound;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Azure.Configuration;

/// <summary>
/// Creates the containers, queues, tables and the Cosmos database and container if they are
/// missing. Used by the local runner and the tests; in Azure, infra/ creates them (the managed
/// identity has data-plane rights only).
/// </summary>
public sealed class ResourceInitializer(
    BlobServiceClient blobs,
    QueueServiceClient queues,
    TableServiceClient tables,
    CosmosClient cosmos,
    IOptions<EmailIntegrationOptions> options,
    IOptions<CosmosOptions> cosmosOptions,
    IOptions<OutboundStorageOptions> outboundOptions)
{
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        await blobs.GetBlobContainerClient(o.LandingContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await blobs.GetBlobContainerClient(o.QuarantineContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await queues.GetQueueClient(o.TrackingQueue).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await queues.GetQueueClient(o.TrackingQueue + "-poison").CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        foreach (var table in new[] { o.WatermarkTable, o.RunLogTable, o.VendorDirectoryTable })
        {
            await tables.GetTableClient(table).CreateIfNotExistsAsync(cancellationToken);
        }

        var outbound = outboundOptions.Value;
        await blobs.GetBlobContainerClient(outbound.OutboundContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await queues.GetQueueClient(outbound.OutboundQueue).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await queues.GetQueueClient(outbound.OutboundQueue + "-poison").CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        foreach (var table in new[] { outbound.BlastStatusTable, outbound.OptOutStatusTable })
        {
            await tables.GetTableClient(table).CreateIfNotExistsAsync(cancellationToken);
        }

        var c = cosmosOptions.Value;
        var database = await cosmos.CreateDatabaseIfNotExistsAsync(c.Database, cancellationToken: cancellationToken);
        await database.Database.CreateContainerIfNotExistsAsync(
            new ContainerProperties(c.Container, "/individualId"), cancellationToken: cancellationToken);
    }
}
