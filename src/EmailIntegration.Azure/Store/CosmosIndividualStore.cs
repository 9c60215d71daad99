using System.Net;
using System.Text.Json;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Pipeline.Apply;
using Microsoft.Azure.Cosmos;

namespace EmailIntegration.Azure.Store;

/// <summary>
/// The individual's documents in a container partitioned by <c>/individualId</c>. Rows are stored folded: every row of
/// one vendor's mailing is one item (see <see cref="MailingFold"/> and <see cref="MailingFoldJson"/>), so the documents
/// one message changes are one write per mailing; the profile and change records are items of their own. Stream APIs
/// throughout: the documents are (de)serialized with <see cref="DocumentJson"/>, and status codes (404, 409, 412) are
/// read rather than thrown.
/// </summary>
public sealed partial class CosmosIndividualStore(Container container) : IIndividualDocumentStore
{
    private static readonly string[] NewestItemTypes = [DocumentTypes.Profile, MailingFold.StoredType];

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
        var folds = new HashSet<string>(StringComparer.Ordinal);
        var storedIds = ids.Select(MailingFold.IdOf).Distinct(StringComparer.Ordinal).ToArray();
        var query = new QueryDefinition("SELECT * FROM c WHERE ARRAY_CONTAINS(@ids, c.id)").WithParameter("@ids", storedIds);
        using var iterator = container.GetItemQueryStreamIterator(query, requestOptions: new QueryRequestOptions
        {
            PartitionKey = new PartitionKey(individualId),
            MaxItemCount = -1,
        });
        while (iterator.HasMoreResults)
        {
            using var response = await iterator.ReadNextAsync(cancellationToken);
            EnsureSuccess(response, "read");
            foreach (var item in await ParseItemsAsync(response.Content, null, cancellationToken))
            {
                versions[item.Id] = item.ETag;
                if (item.IsFold)
                {
                    folds.Add(item.Id);
                }

                foreach (var document in item.Documents)
                {
                    documents[document.Id] = document;
                    versions[document.Id] = item.ETag;
                }
            }
        }

        return new DocumentSnapshot(documents, versions, folds);
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

        // Every item is built (and measured) before any is written, so an item over its limit writes nothing.
        var items = StoredItemsOf(documents, snapshot);

        // The items are independent (each conditional on its own version), so they are written at once.
        var writes = items.Select(i => WriteAsync(i.Id, i.Body, partitionKey, snapshot.VersionOf(i.Id), cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(writes);
        }
        catch (ConcurrencyConflictException) when (OtherError(writes) is { } error)
        {
            // A lost race is retried by the caller; any other error beside it is what the caller must see.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }
    }

    public void EnsureStorable(IReadOnlyList<IndividualDocument> documents, DocumentSnapshot snapshot) =>
        StoredItemsOf(documents, snapshot);

    /// <summary>The items the documents are stored in, each within its size limit (else <see cref="DocumentTooLargeException"/>).</summary>
    private static List<(string Id, byte[] Body)> StoredItemsOf(IReadOnlyList<IndividualDocument> documents, DocumentSnapshot snapshot)
    {
        var items = documents.GroupBy(d => MailingFold.IdOf(d.Id), StringComparer.Ordinal)
            .Select(group => StoredItemOf(group.Key, group.ToList(), snapshot))
            .ToList();
        foreach (var (id, body) in items.Where(i => i.Body.Length > MailingFold.MaxStoredBytes))
        {
            throw new DocumentTooLargeException(id, body.Length, MailingFold.MaxStoredBytes);
        }

        return items;
    }

    /// <summary>
    /// The item a group of changed documents is stored in: a fold holds the mailing's rows as read (changed in place by
    /// the caller) with the changed and new ones over them; anything else is itself.
    /// </summary>
    private static (string Id, byte[] Body) StoredItemOf(string storedId, List<IndividualDocument> changed, DocumentSnapshot snapshot)
    {
        if (!FirstRows.IsRow(changed[0]))
        {
            return (storedId, JsonSerializer.SerializeToUtf8Bytes(changed[0], DocumentJson.Options));
        }

        var rows = snapshot.Documents.Values.Where(d => FirstRows.IsRow(d) && MailingFold.IdOf(d.Id) == storedId)
            .ToDictionary(d => d.Id, StringComparer.Ordinal);
        foreach (var row in changed)
        {
            rows[row.Id] = row;
        }

        return (storedId, MailingFoldJson.Serialize(storedId, rows.Values.Cast<MailingRowDocument>().ToList()));
    }

    private static Exception? OtherError(IEnumerable<Task> writes) =>
        writes.Where(w => w.IsFaulted).SelectMany(w => w.Exception!.InnerExceptions).FirstOrDefault(e => e is not ConcurrencyConflictException);

    private async Task WriteAsync(string id, byte[] body, PartitionKey partitionKey, string? version, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(body);
        using var response = version is null
            ? await container.CreateItemStreamAsync(stream, partitionKey, cancellationToken: cancellationToken)
            : await container.ReplaceItemStreamAsync(stream, id, partitionKey,
                new ItemRequestOptions { IfMatchEtag = version }, cancellationToken);

        if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed)
        {
            throw new ConcurrencyConflictException(id);
        }

        EnsureSuccess(response, "write");
    }

    public async Task<DocumentPage> QueryAsync(string individualId, FormQuery query, CancellationToken cancellationToken)
    {
        if (query.DocumentType == FormQuery.AnyDocumentType)
        {
            var any = await ReadItemsAsync(individualId, new QueryDefinition("SELECT * FROM c"), query.PageSize, null, _ => true, cancellationToken);
            return new DocumentPage(any.Rows.Settled(true).Concat(any.Others).Take(query.PageSize).ToList(), !any.Ended);
        }

        if (query is { DocumentType: FormQuery.NewestDocuments, RowTypes: { } rowTypes })
        {
            // The newest folds holding a row of any of the types: their rows of those types, settled as below.
            ArgumentOutOfRangeException.ThrowIfZero(rowTypes.Count, nameof(query));
            var holding = string.Join(" OR ", rowTypes.Select(type => $"IS_DEFINED({SpanOf(type)})"));
            var definition = new QueryDefinition(
                    $"SELECT * FROM c WHERE c.type = @fold AND ({holding}) ORDER BY c.sortAt DESC, c.id DESC")
                .WithParameter("@fold", MailingFold.StoredType);
            var typed = await ReadItemsAsync(individualId, definition, query.PageSize,
                row => row.TryGetProperty("type", out var type) && rowTypes.Any(t => type.ValueEquals(t)), _ => true, cancellationToken);
            return new DocumentPage(typed.Rows.Settled(typed.Ended), !typed.Ended);
        }

        if (query.DocumentType == FormQuery.NewestDocuments)
        {
            var definition = new QueryDefinition(
                    "SELECT * FROM c WHERE ARRAY_CONTAINS(@types, c.type) ORDER BY c.sortAt DESC, c.id DESC")
                .WithParameter("@types", NewestItemTypes);
            var newest = await ReadItemsAsync(individualId, definition, query.PageSize, null, _ => true, cancellationToken);

            // The profile sorts first; then the rows whose place the folds read settle.
            return new DocumentPage(newest.Others.Concat(newest.Rows.Settled(newest.Ended)).ToList(), !newest.Ended);
        }

        return await QueryFormAsync(individualId, query, cancellationToken);
    }

    /// <summary>One page of one form's rows: the folds holding rows of its type, newest first, until the page is settled.</summary>
    private async Task<DocumentPage> QueryFormAsync(string individualId, FormQuery query, CancellationToken cancellationToken)
    {
        if (query.RequiredTime is not null && !RequiredTimePattern().IsMatch(query.RequiredTime))
        {
            throw new ArgumentException("RequiredTime must be a camelCase property name.", nameof(query));
        }

        // Values reach Cosmos only as parameters, never spliced into the text. A fold's span of a type is the newest and
        // oldest row of that type it holds, so the filters keep every fold that may hold a row of the page.
        var span = SpanOf(query.DocumentType);
        var filters = new List<string> { "c.type = @fold", $"IS_DEFINED({span})" };
        var parameters = new List<(string Name, object Value)> { ("@fold", MailingFold.StoredType) };
        void Filter(string clause, string name, object value)
        {
            filters.Add(clause);
            parameters.Add((name, value));
        }

        if (query.Vendor is not null)
        {
            Filter("c.vendor = @vendor", "@vendor", query.Vendor);
        }

        if (query.From is { } from)
        {
            Filter($"{span}.newest >= @from", "@from", DocumentJson.Format(from));
        }

        if (query.To is { } to)
        {
            Filter($"{span}.oldest < @to", "@to", DocumentJson.Format(to));
        }

        if (query.After is { } after)
        {
            // Keyset paging by rows: only folds holding a row at or before the previous page's last one.
            Filter($"{span}.oldest <= @afterSortAt", "@afterSortAt", DocumentJson.Format(after.SortAt));
        }

        var definition = new QueryDefinition($"SELECT * FROM c WHERE {string.Join(" AND ", filters)} ORDER BY c.sortAt DESC, c.id DESC");
        foreach (var (name, value) in parameters)
        {
            definition = definition.WithParameter(name, value);
        }

        bool Takes(IndividualDocument row) =>
            (query.From is not { } f || row.SortAt >= f) && (query.To is not { } t || row.SortAt < t)
            && (query.After is not { } a || RowKey.Of(row) > a);
        // A page of folds and one more settles a page of one-row folds in one round trip; folds with more rows settle sooner.
        var read = await ReadItemsAsync(
            individualId, definition, query.PageSize + 1, RowFilter(query.DocumentType, query.RequiredTime),
            rows => rows.SettledCount(false) >= query.PageSize, cancellationToken, Takes);
        var settled = read.Rows.Settled(read.Ended);
        return new DocumentPage(settled.Take(query.PageSize).ToList(), settled.Count > query.PageSize || !read.Ended);
    }

    /// <summary>The stored path of a fold's span of a row type. Property names cannot be parameters: only the registered types pass.</summary>
    private static string SpanOf(string rowType) => MailingFold.RowTypes.Contains(rowType)
        ? $"c.{MailingFoldJson.Spans}.{rowType}"
        : throw new ArgumentException($"{rowType} is not a child-form row type.", nameof(rowType));

    /// <summary>Only the rows of one type (and with the required time set), decided on the stored JSON before deserializing.</summary>
    private static Func<JsonElement, bool> RowFilter(string type, string? requiredTime) => row =>
        row.TryGetProperty("type", out var t) && t.ValueEquals(type)
        && (requiredTime is null || (row.TryGetProperty(requiredTime, out var time) && time.ValueKind == JsonValueKind.String));

    /// <summary>
    /// Reads a query's items, <paramref name="pageItems"/> per round trip, until <paramref name="enough"/> says the rows
    /// read settle what the caller needs (or none are left).
    /// </summary>
    private async Task<ItemsRead> ReadItemsAsync(
        string individualId, QueryDefinition definition, int pageItems, Func<JsonElement, bool>? rowFilter,
        Func<NewestFirstRows, bool> enough, CancellationToken cancellationToken, Func<IndividualDocument, bool>? takes = null)
    {
        using var iterator = container.GetItemQueryStreamIterator(definition, requestOptions: new QueryRequestOptions
        {
            PartitionKey = new PartitionKey(individualId),
            MaxItemCount = pageItems,
        });

        // The service may answer a page with fewer items than asked while more remain: read on until enough are read.
        var rows = new NewestFirstRows();
        var others = new List<IndividualDocument>();
        var items = 0;
        while (iterator.HasMoreResults && (items < pageItems || !enough(rows)))
        {
            using var response = await iterator.ReadNextAsync(cancellationToken);
            EnsureSuccess(response, "query");
            foreach (var item in await ParseItemsAsync(response.Content, rowFilter, cancellationToken))
            {
                items++;
                if (item.IsFold)
                {
                    rows.Add(item.SortAt, takes is null ? item.Documents : item.Documents.Where(takes));
                }
                else
                {
                    others.AddRange(item.Documents);
                }
            }
        }

        return new ItemsRead(rows, others, !iterator.HasMoreResults);
    }

    private sealed record ItemsRead(NewestFirstRows Rows, List<IndividualDocument> Others, bool Ended);

    private static async Task<List<StoredItem>> ParseItemsAsync(Stream content, Func<JsonElement, bool>? rowFilter, CancellationToken cancellationToken)
    {
        using var json = await JsonDocument.ParseAsync(content, cancellationToken: cancellationToken);
        var result = new List<StoredItem>();
        foreach (var element in json.RootElement.GetProperty("Documents").EnumerateArray())
        {
            var id = element.GetProperty("id").GetString() ?? throw new InvalidDataException("A stored item has no id.");
            var etag = element.TryGetProperty("_etag", out var value) ? value.GetString() ?? string.Empty : string.Empty;
            if (MailingFoldJson.IsFold(element))
            {
                result.Add(new StoredItem(id, etag, true, MailingFoldJson.SortAtOf(element), MailingFoldJson.RowsOf(element, rowFilter)));
                continue;
            }

            var document = element.Deserialize<IndividualDocument>(DocumentJson.Options)
                ?? throw new InvalidDataException("A stored document is empty.");
            result.Add(new StoredItem(id, etag, false, document.SortAt, [document]));
        }

        return result;
    }

    private sealed record StoredItem(string Id, string ETag, bool IsFold, DateTimeOffset SortAt, IReadOnlyList<IndividualDocument> Documents);

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
