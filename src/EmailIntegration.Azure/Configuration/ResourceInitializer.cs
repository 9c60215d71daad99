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
    IOptions<OutboundStorageOptions> outboundOptions,
    IOptions<Erasure.ErasureStorageOptions> erasureOptions)
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
        foreach (var table in new[] { outbound.BlastStatusTable, outbound.OptOutStatusTable, erasureOptions.Value.ErasureTable })
        {
            await tables.GetTableClient(table).CreateIfNotExistsAsync(cancellationToken);
        }

        var c = cosmosOptions.Value;
        var database = await cosmos.CreateDatabaseIfNotExistsAsync(c.Database, cancellationToken: cancellationToken);
        var expected = IndividualsContainer(c.Container);
        var container = await database.Database.CreateContainerIfNotExistsAsync(expected, cancellationToken: cancellationToken);

        // A container left by an older build keeps its old indexing policy, and a query whose ORDER BY needs a newer
        // composite index then fails: bring the policy up to date (Cosmos re-indexes online).
        if (!HasIndexingOf(container.Resource.IndexingPolicy, expected.IndexingPolicy))
        {
            container.Resource.IndexingPolicy = expected.IndexingPolicy;
            await container.Container.ReplaceContainerAsync(container.Resource, cancellationToken: cancellationToken);
        }
    }

    /// <summary>Whether <paramref name="actual"/> holds every composite index and excluded path of <paramref name="expected"/>.</summary>
    public static bool HasIndexingOf(IndexingPolicy actual, IndexingPolicy expected)
    {
        static string Composite(IEnumerable<CompositePath> paths) => string.Join(",", paths.Select(p => $"{p.Path} {p.Order}"));
        var composites = actual.CompositeIndexes.Select(Composite).ToHashSet(StringComparer.Ordinal);
        var excluded = actual.ExcludedPaths.Select(p => p.Path).ToHashSet(StringComparer.Ordinal);
        return expected.CompositeIndexes.All(index => composites.Contains(Composite(index)))
            && expected.ExcludedPaths.All(path => excluded.Contains(path.Path));
    }

    /// <summary>
    /// The container as infra/core/database/cosmos-sql.bicep defines it, as far as queries depend on it: the form pages'
    /// two-property ORDER BY (sortAt DESC, id DESC) needs its composite index, here and on the service alike.
    /// </summary>
    public static ContainerProperties IndividualsContainer(string name)
    {
        var properties = new ContainerProperties(name, "/individualId");
        properties.IndexingPolicy.CompositeIndexes.Add(
        [
            new CompositePath { Path = "/sortAt", Order = CompositePathSortOrder.Descending },
            new CompositePath { Path = "/id", Order = CompositePathSortOrder.Descending },
        ]);
        // The change feed's order across partitions: the commit time Cosmos stamps, then the change's sort key.
        properties.IndexingPolicy.CompositeIndexes.Add(
        [
            new CompositePath { Path = "/_ts", Order = CompositePathSortOrder.Ascending },
            new CompositePath { Path = "/sortKey", Order = CompositePathSortOrder.Ascending },
        ]);
        properties.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = "/appliedEventIds/*" });
        // A mailing fold's rows are read back with the fold, never filtered on (see MailingFoldJson).
        properties.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = "/rows/*" });
        return properties;
    }
}
