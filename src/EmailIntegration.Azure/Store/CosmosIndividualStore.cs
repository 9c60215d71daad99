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
public sealed partial class CosmosIndividualStore(Container container) : IIndividualDocumentStore
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
        if (documents.FirstOrDefault(d => d.IndividualId != individualId) is { } stranger)
        {
            throw new ArgumentException($"Document {stranger.Id} belongs to another partition.", nameof(documents));
        }

        // The rows are independent (each conditional on its own version), so they are written at once; the tab summary
        // describes them, so it follows them (see TabSummaryDocument).
        var rows = documents.Where(d => d is not TabSummaryDocument).ToList();
        var writes = rows.Select(d => WriteAsync(d, partitionKey, snapshot, cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(writes);
        }
        catch (ConcurrencyConflictException) when (OtherError(writes) is { } error)
        {
            // A lost race is retried by the caller; any other error beside it is what the caller must see.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }

        foreach (var summary in documents.OfType<TabSummaryDocument>())
        {
            await WriteAsync(summary, partitionKey, snapshot, cancellationToken);
        }
    }

    private static Exception? OtherError(IEnumerable<Task> writes) =>
        writes.Where(w => w.IsFaulted).SelectMany(w => w.Exception!.InnerExceptions).FirstOrDefault(e => e is not ConcurrencyConflictException);

    private async Task WriteAsync(IndividualDocument document, PartitionKey partitionKey, DocumentSnapshot snapshot, CancellationToken cancellationToken)
    {
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

    public async Task<DocumentPage> QueryAsync(string individualId, FormQuery query, CancellationToken cancellationToken)
    {
        // Values reach Cosmos only as parameters, never spliced into the text.
        var anyType = query.DocumentType == FormQuery.AnyDocumentType;
        var filters = new List<string>();
        var parameters = new List<(string Name, object Value)>();
        void Filter(string clause, params (string Name, object Value)[] values)
        {
            filters.Add(clause);
            parameters.AddRange(values);
        }

        if (query.DocumentType == FormQuery.NewestDocuments)
        {
            Filter("ARRAY_CONTAINS(@types, c.type)", ("@types", FormQuery.NewestDocumentTypes.ToArray()));
        }
        else if (!anyType)
        {
            Filter("c.type = @type", ("@type", query.DocumentType));
        }

        if (query.RequiredTime is not null)
        {
            // Property names cannot be parameters; this one is a registered constant (checked here all the same).
            if (!RequiredTimePattern().IsMatch(query.RequiredTime))
            {
                throw new ArgumentException("RequiredTime must be a camelCase property name.", nameof(query));
            }

            Filter($"IS_STRING(c.{query.RequiredTime})");
        }

        if (query.Vendor is not null)
        {
            Filter("c.vendor = @vendor", ("@vendor", query.Vendor));
        }

        if (query.From is { } from)
        {
            Filter("c.sortAt >= @from", ("@from", DocumentJson.Format(from)));
        }

        if (query.To is { } to)
        {
            Filter("c.sortAt < @to", ("@to", DocumentJson.Format(to)));
        }

        if (query.After is { } after)
        {
            // Keyset paging: the rows after the previous page's last one in (sortAt DESC, id DESC) order.
            Filter("(c.sortAt < @afterSortAt OR (c.sortAt = @afterSortAt AND c.id < @afterId))",
                ("@afterSortAt", DocumentJson.Format(after.SortAt)), ("@afterId", after.Id));
        }

        var definition = new QueryDefinition(anyType && filters.Count == 0
            ? "SELECT * FROM c"
            : $"SELECT * FROM c WHERE {string.Join(" AND ", filters)}{(anyType ? "" : " ORDER BY c.sortAt DESC, c.id DESC")}");
        foreach (var (name, value) in parameters)
        {
            definition = definition.WithParameter(name, value);
        }

        using var iterator = container.GetItemQueryStreamIterator(definition, requestOptions: new QueryRequestOptions
        {
            PartitionKey = new PartitionKey(individualId),
            MaxItemCount = query.PageSize,
        });

        // The service may answer a page with fewer items than asked while more remain: read on until the page is full.
        var documents = new List<IndividualDocument>(query.PageSize);
        while (documents.Count < query.PageSize && iterator.HasMoreResults)
        {
            using var response = await iterator.ReadNextAsync(cancellationToken);
            EnsureSuccess(response, "query");
            documents.AddRange((await ParseDocumentsAsync(response.Content, cancellationToken)).Select(d => d.Document));
        }

        return new DocumentPage(documents.Take(query.PageSize).ToList(), documents.Count > query.PageSize || iterator.HasMoreResults);
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

    [System.Text.RegularExpressions.GeneratedRegex(@"\A[a-z][A-Za-z]{0,40}\z")]
    private static partial System.Text.RegularExpressions.Regex RequiredTimePattern();
}
