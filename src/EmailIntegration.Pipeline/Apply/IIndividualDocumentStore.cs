using EmailIntegration.Domain.Changes;
using EmailIntegration.Domain.Documents;

namespace EmailIntegration.Pipeline.Apply;

/// <summary>The individual's documents, one partition per individual.</summary>
public interface IIndividualDocumentStore
{
    /// <summary>
    /// Reads the documents that exist among <paramref name="ids"/>, with their versions. A store that keeps rows together
    /// (see <see cref="MailingFold"/>) returns every row stored with them too (<see cref="DocumentSnapshot.Covers"/>).
    /// </summary>
    Task<DocumentSnapshot> ReadAsync(string individualId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the documents, each conditional on the version in <paramref name="snapshot"/> (or on not
    /// existing yet). Throws <see cref="ConcurrencyConflictException"/> when another writer got there first, and
    /// <see cref="DocumentTooLargeException"/> (writing nothing) when a stored item would pass its size limit.
    /// </summary>
    Task SaveAsync(string individualId, IReadOnlyList<IndividualDocument> documents, DocumentSnapshot snapshot, CancellationToken cancellationToken);

    /// <summary>
    /// Throws <see cref="DocumentTooLargeException"/> when <see cref="SaveAsync"/> would refuse these documents for their
    /// size; writes nothing. For a caller that records something ahead of the save (see <see cref="Changes.ChangeCapturingStore"/>).
    /// </summary>
    void EnsureStorable(IReadOnlyList<IndividualDocument> documents, DocumentSnapshot snapshot);

    /// <summary>One page of one child form in <see cref="RowKey"/> order (newest first), as one single-partition query.</summary>
    Task<DocumentPage> QueryAsync(string individualId, FormQuery query, CancellationToken cancellationToken);
}

/// <param name="foldsRead">The folds (see <see cref="MailingFold"/>) the read returned whole: a row of one is absent if not among the documents.</param>
public sealed class DocumentSnapshot(
    IReadOnlyDictionary<string, IndividualDocument> documents, IReadOnlyDictionary<string, string> versions,
    IReadOnlySet<string>? foldsRead = null)
{
    private readonly IReadOnlySet<string> foldsRead = foldsRead ?? new HashSet<string>(StringComparer.Ordinal);

    public static readonly DocumentSnapshot Empty = new(
        new Dictionary<string, IndividualDocument>(), new Dictionary<string, string>());

    public IReadOnlyDictionary<string, IndividualDocument> Documents { get; } = documents;

    /// <summary>
    /// The profile's reported values as read, taken before anyone changes the documents (they are changed in place),
    /// so a save can tell what it changes (<see cref="Changes.ChangeCapturingStore"/>).
    /// </summary>
    public ProfileState ProfileAtRead { get; } = ProfileState.Of(documents.GetValueOrDefault(ProfileDocument.DocumentId) as ProfileDocument);

    /// <summary>Whether each scored row read was withdrawn, taken before anyone changes it (<see cref="Changes.ChangeCapturingStore"/>).</summary>
    public IReadOnlyDictionary<string, ScoredRowState> ScoredAtRead { get; private init; } = documents
        .Select(d => (d.Key, State: ScoredRowState.Of(d.Value))).Where(d => d.State is not null)
        .ToDictionary(d => d.Key, d => d.State!, StringComparer.Ordinal);

    /// <summary>The profile's changes not yet confirmed in the change feed, as read.</summary>
    public IReadOnlyList<IndividualChange> PendingAtRead { get; } =
        (documents.GetValueOrDefault(ProfileDocument.DocumentId) as ProfileDocument)?.PendingChanges.ToList() ?? [];

    /// <summary>Whether this read answers for the document: it was returned, or its fold was read whole and it is not in it.</summary>
    public bool Covers(string id) => Documents.ContainsKey(id) || foldsRead.Contains(MailingFold.IdOf(id));

    /// <summary>The store's version (ETag) of a document (or a fold) that exists; null for one that does not.</summary>
    public string? VersionOf(string id) => versions.GetValueOrDefault(id);

    /// <summary>This snapshot and a second read of other documents, as one.</summary>
    public DocumentSnapshot With(DocumentSnapshot more)
    {
        var mergedDocuments = Documents.ToDictionary(StringComparer.Ordinal);
        var mergedVersions = versions.ToDictionary(StringComparer.Ordinal);
        foreach (var (id, document) in more.Documents)
        {
            mergedDocuments[id] = document;
            if (more.VersionOf(id) is { } version)
            {
                mergedVersions[id] = version;
            }
        }

        var scored = more.ScoredAtRead.ToDictionary(StringComparer.Ordinal);
        foreach (var (id, state) in ScoredAtRead)
        {
            scored[id] = state;
        }

        var folds = new HashSet<string>(foldsRead, StringComparer.Ordinal);
        folds.UnionWith(more.foldsRead);
        return new DocumentSnapshot(mergedDocuments, mergedVersions, folds) { ScoredAtRead = scored };
    }
}

/// <param name="DocumentType">One of <see cref="DocumentTypes"/>, or <see cref="AnyDocumentType"/>.</param>
/// <param name="After">The last row of the previous page (rows sort by <see cref="RowKey"/>), or null for the first page.</param>
/// <param name="RowTypes">
/// With <see cref="FormQuery.NewestDocuments"/>: only rows of these types (and no profile), from the newest mailings holding any.
/// </param>
/// <param name="RequiredTime">
/// Only documents where this time property (its stored, camelCase name, e.g. "receivedAt") is set: a form that
/// serves a subset of another form's documents. A constant of the form's registration, never a request value.
/// </param>
public sealed record FormQuery(
    string DocumentType,
    int PageSize,
    RowKey? After = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? Vendor = null,
    string? RequiredTime = null,
    IReadOnlyList<string>? RowTypes = null)
{
    /// <summary>
    /// As <see cref="DocumentType"/>: any document of the partition, unordered. Used with a page
    /// size of 1 to ask whether the individual exists at all.
    /// </summary>
    public const string AnyDocumentType = "*";

    /// <summary>
    /// As <see cref="DocumentType"/>: the profile and every child-form row (no change records), in <see cref="RowKey"/>
    /// order, where the profile sorts first: the tab's one read. <see cref="PageSize"/> counts stored items (the profile
    /// and the mailings' folds); the page holds the rows whose place the read settles (see <see cref="NewestFirstRows"/>).
    /// </summary>
    public const string NewestDocuments = "+";
}

/// <param name="More">Whether rows may follow (a next page may still turn out empty).</param>
public sealed record DocumentPage(IReadOnlyList<IndividualDocument> Documents, bool More);

/// <summary>A stored item would pass its size limit (see <see cref="MailingFold.MaxStoredBytes"/>); nothing was written.</summary>
public sealed class DocumentTooLargeException(string storedId, int bytes, int limit)
    : Exception($"Stored item {storedId} would be {bytes:N0} bytes, over the {limit:N0}-byte limit.")
{
    public string StoredId { get; } = storedId;
}

public sealed class ConcurrencyConflictException(string documentId)
    : Exception($"Document {documentId} was changed by another writer.")
{
    public string DocumentId { get; } = documentId;
}
