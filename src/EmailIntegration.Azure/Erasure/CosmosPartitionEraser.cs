using System.Net;
using System.Text.Json;
using EmailIntegration.Pipeline.Erasure;
using Microsoft.Azure.Cosmos;

namespace EmailIntegration.Azure.Erasure;

/// <summary>
/// Every document in the individual's partition, whatever its type (profile, rows, summary, change records): one
/// single-partition query for the ids, then a delete each. A document already gone (404) is not counted.
/// </summary>
public sealed class CosmosPartitionEraser(Container container) : IIndividualDataEraser
{
    public const string Store = "cosmosDocuments";

    public async Task<IReadOnlyDictionary<string, int>> EraseAsync(string individualId, CancellationToken cancellationToken)
    {
        var partitionKey = new PartitionKey(individualId);
        var ids = new List<string>();
        using (var iterator = container.GetItemQueryStreamIterator(new QueryDefinition("SELECT c.id FROM c"),
                   requestOptions: new QueryRequestOptions { PartitionKey = partitionKey, MaxItemCount = 1000 }))
        {
            while (iterator.HasMoreResults)
            {
                using var response = await iterator.ReadNextAsync(cancellationToken);
                response.EnsureSuccessStatusCode();
                using var json = await JsonDocument.ParseAsync(response.Content, cancellationToken: cancellationToken);
                ids.AddRange(json.RootElement.GetProperty("Documents").EnumerateArray().Select(d => d.GetProperty("id").GetString()!));
            }
        }

        var deleted = 0;
        foreach (var id in ids)
        {
            using var response = await container.DeleteItemStreamAsync(id, partitionKey, cancellationToken: cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                deleted++;
            }
            else if (response.StatusCode != HttpStatusCode.NotFound)
            {
                response.EnsureSuccessStatusCode();
            }
        }

        return new Dictionary<string, int> { [Store] = deleted };
    }
}
