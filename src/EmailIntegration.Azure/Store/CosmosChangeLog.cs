using System.Net;
using System.Text.Json;
using EmailIntegration.Domain.Changes;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Pipeline.Changes;
using Microsoft.Azure.Cosmos;

namespace EmailIntegration.Azure.Store;

/// <summary>
/// Change records as documents of type <c>change</c> in the individual's partition (id = change id, so a second write
/// is a 409 and changes nothing), read with one query across partitions ordered by the commit time Cosmos stamps on
/// every document (<c>_ts</c>) and then the record's sort key: keyset paging, no OFFSET, nothing the emulator lacks.
/// </summary>
/// <remarks>
/// Not the Cosmos change feed: the local emulator (@vercel/cosmosdb-server 1.0.1) answers an incremental read with
/// every current document and a constant continuation ("1"), then 304 Not Modified to any If-None-Match however much
/// changed, ignores the partition key of a change-feed read, and has no <c>_lsn</c>. And in latest-version mode the real
/// feed keeps only a document's newest version, so a flag set and cleared between two reads would be lost.
/// </remarks>
public sealed class CosmosChangeLog(Container container) : IChangeLog
{
    public async Task AppendAsync(string individualId, IReadOnlyList<IndividualChange> changes, CancellationToken cancellationToken)
    {
        var partitionKey = new PartitionKey(individualId);
        foreach (var change in changes)
        {
            if (change.IndividualId != individualId)
            {
                throw new ArgumentException($"Change {change.ChangeId} belongs to another partition.", nameof(changes));
            }

            using var body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes<IndividualDocument>(ChangeDocument.Of(change), DocumentJson.Options));
            using var response = await container.CreateItemStreamAsync(body, partitionKey, cancellationToken: cancellationToken);
            if (response.StatusCode != HttpStatusCode.Conflict && !response.IsSuccessStatusCode)
            {
                throw new CosmosException($"Cosmos change write failed with {(int)response.StatusCode}.",
                    response.StatusCode, 0, response.Headers.ActivityId, response.Headers.RequestCharge);
            }
        }
    }

    public async Task<ChangeLogPage> ReadAsync(ChangePosition? after, int pageSize, DateTimeOffset settledAt, CancellationToken cancellationToken)
    {
        var text = "SELECT * FROM c WHERE c.type = @type AND c._ts <= @settled"
            + (after is null ? string.Empty : " AND (c._ts > @afterTs OR (c._ts = @afterTs AND c.sortKey > @afterKey))")
            + " ORDER BY c._ts ASC, c.sortKey ASC";
        var query = new QueryDefinition(text)
            .WithParameter("@type", DocumentTypes.Change)
            .WithParameter("@settled", settledAt.ToUnixTimeSeconds());
        if (after is not null)
        {
            query = query.WithParameter("@afterTs", after.CommitSecond).WithParameter("@afterKey", after.SortKey);
        }

        var items = new List<(IndividualChange, ChangePosition)>(pageSize + 1);
        using var iterator = container.GetItemQueryStreamIterator(query, requestOptions: new QueryRequestOptions { MaxItemCount = pageSize + 1 });
        while (items.Count <= pageSize && iterator.HasMoreResults)
        {
            using var response = await iterator.ReadNextAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new CosmosException($"Cosmos change query failed with {(int)response.StatusCode}.",
                    response.StatusCode, 0, response.Headers.ActivityId, response.Headers.RequestCharge);
            }

            using var json = await JsonDocument.ParseAsync(response.Content, cancellationToken: cancellationToken);
            foreach (var element in json.RootElement.GetProperty("Documents").EnumerateArray())
            {
                if (element.Deserialize<IndividualDocument>(DocumentJson.Options) is ChangeDocument document)
                {
                    items.Add((document.Change, new ChangePosition(element.GetProperty("_ts").GetInt64(), document.SortKey)));
                }
            }
        }

        return new ChangeLogPage(items.Take(pageSize).ToList(), items.Count > pageSize || iterator.HasMoreResults);
    }
}
