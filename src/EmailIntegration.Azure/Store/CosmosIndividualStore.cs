using System.Net;
using System.Text.Json;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Pipeline.Apply;
using Microsoft.Azure.Cosmos;

namespace EmailIntegration.Azure.Store;

/// <summary>
/// The individual's documents in a container partitioned by <c>/individualId</c>. Stream APIs
/// throughout: the documents are (de)serialized with <see cref="DocumentJson"/>, and status codes
/// (404, 409, 412) are read rather than thrown.
/// </summary>
public sealed class CosmosIndividualStore(Container container) : IIndividualDocumentStore
{
    public async Task<DocumentSnapshot> ReadAsync(
        string individualId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return DocumentSnapshot.Empty;
        }

        // One single-partition query of fixed text: what ReadMany does per partition on the service, but scoped
        // by the partition key header so the emulator does not scan the container, and its plan is reused.
        var documents = new Dictionary<string, IndividualDocument>(StringComparer.Ordinal);
        var versions = new Dictionary<string, string>(StringComparer.Ordinal);
        var query = new QueryDefinition("SELECT * FROM c WHERE ARRAY_CONTAINS(@ids, c.id)").WithParameter("@ids", ids.ToArray());
        using var iterator = container.GetItemQueryStreamIterator(query, requestOptions: new QueryRequestOptions
        {
            PartitionKey = new PartitionKey(individualId),
            MaxItemCount = -1,
        });
        while (iterator.HasMoreResults)
        {
            using var response = await iterator.ReadNextAsync(cancellationToken);
            EnsureSuccess(response, "read");
            foreach (var (document, etag) in await ParseDocumentsAsync(response.Content, cancellationToken))
            {
                documents[document.Id] = document;
                versions[document.Id] = etag;
            }
        }

        return new DocumentSnapshot(documents, versions);
    }

    public async Task SaveAsync(
        string individualId, IReadOnlyList<IndividualDocument> documents, DocumentSnapshot snapshot,
        CancellationToken cancellationToken)
    {
        var partitionKey = new PartitionKey(individualId);
        foreach (var document in documents)
        {
            if (document.IndividualId != individualId)
            {
                throw new ArgumentException($"Document {document.Id} belongs to another partition.", nameof(documents));
            }

            using var body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(document, DocumentJson.Options));
            var version = snapshot.VersionOf(document.Id);
            using var response = version is null
                ? await container.CreateItemStreamAsync(body, partitionKey, cancellationToken: cancellationToken)
                : await container.ReplaceItemStreamAsync(body, document.Id, partitionKey,
                    new ItemRequestOptions { IfMatchEtag = version }, cancellationToken);

            if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed)
            {
                throw new ConcurrencyConflictException(document.Id);
            }

            EnsureSuccess(response, "write");
        }
    }

    public async Task<DocumentPage> QueryAsync(string individualId, FormQuery query, CancellationToken cancellationToken)
    {
        // Values reach Cosmos only as parameters, never spliced into the text.
        var anyType = query.DocumentType == FormQuery.AnyDocumentType;
        var filters = new List<(string Clause, string Name, object Value)>();
        if (!anyType)
        {
            filters.Add(("c.type = @type", "@type", query.DocumentType));
        }

        if (query.Vendor is not null)
        {
            filters.Add(("c.vendor = @vendor", "@vendor", query.Vendor));
        }

        if (query.From is { } from)
        {
            filters.Add(("c.sortAt >= @from", "@from", DocumentJson.Format(from)));
        }

        if (query.To is { } to)
        {
            filters.Add(("c.sortAt < @to", "@to", DocumentJson.Format(to)));
        }

        var definition = new QueryDefinition(anyType && filters.Count == 0
            ? "SELECT * FROM c"
            : $"SELECT * FROM c WHERE {string.Join(" AND ", filters.Select(f => f.Clause))}{(anyType ? "" : " ORDER BY c.sortAt DESC")}");
        foreach (var (_, name, value) in filters)
        {
            definition = definition.WithParameter(name, value);
        }

        using var iterator = container.GetItemQueryStreamIterator(definition, query.ContinuationToken, new QueryRequestOptions
        {
            PartitionKey = new PartitionKey(individualId),
            MaxItemCount = query.PageSize,
        });
        using var response = await iterator.ReadNextAsync(cancellationToken);
        if (response.StatusCode == HttpStatusCode.BadRequest && query.ContinuationToken is not null)
        {
            throw new Pipeline.Serve.InvalidRequestException("continuationToken", "The continuation token is not valid for this list.");
        }

        EnsureSuccess(response, "query");
        var documents = (await ParseDocumentsAsync(response.Content, cancellationToken)).Select(d => d.Document).ToList();
        return new DocumentPage(documents, response.ContinuationToken);
    }

    private static async Task<List<(IndividualDocument Document, string ETag)>> ParseDocumentsAsync(
        Stream content, CancellationToken cancellationToken)
    {
        using var json = await JsonDocument.ParseAsync(content, cancellationToken: cancellationToken);
        var result = new List<(IndividualDocument, string)>();
        foreach (var element in json.RootElement.GetProperty("Documents").EnumerateArray())
        {
            var document = element.Deserialize<IndividualDocument>(DocumentJson.Options)
                ?? throw new InvalidDataException("A stored document is empty.");
            var etag = element.TryGetProperty("_etag", out var value) ? value.GetString() ?? string.Empty : string.Empty;
            result.Add((document, etag));
        }

        return result;
    }

    private static void EnsureSuccess(ResponseMessage response, string operation)
    {
        if (!response.IsSuccessStatusCode)
        {
            // Transient (429, 503, timeouts) or not, let it throw: the trigger retries, then poisons.
            throw new CosmosException(
                $"Cosmos {operation} failed with {(int)response.StatusCode}.",
                response.StatusCode, 0, response.Headers.ActivityId, response.Headers.RequestCharge);
        }
    }
}
