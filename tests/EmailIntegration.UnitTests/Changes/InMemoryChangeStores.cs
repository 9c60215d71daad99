using System.Text.Json;
using EmailIntegration.Domain.Changes;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.Changes;

namespace EmailIntegration.UnitTests.Changes;

/// <summary>The store's contract in memory: documents as JSON with a version each, conditional writes, and failures on demand.</summary>
internal sealed class InMemoryDocumentStore : IIndividualDocumentStore
{
    private readonly Dictionary<(string, string), (string Json, string Version)> stored = [];
    private int versions;

    public int FailNextSaves { get; set; }

    public ProfileDocument Profile(string individualId) =>
        (ProfileDocument)JsonSerializer.Deserialize<IndividualDocument>(stored[(individualId, ProfileDocument.DocumentId)].Json)!;

    public Task<DocumentSnapshot> ReadAsync(string individualId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var documents = new Dictionary<string, IndividualDocument>();
        var found = new Dictionary<string, string>();
        foreach (var id in ids.Where(id => stored.ContainsKey((individualId, id))))
        {
            var (json, version) = stored[(individualId, id)];
            documents[id] = JsonSerializer.Deserialize<IndividualDocument>(json)!;
            found[id] = version;
        }

        return Task.FromResult(new DocumentSnapshot(documents, found));
    }

    /// <summary>No size limit in memory, unless a test sets one.</summary>
    public Func<IReadOnlyList<IndividualDocument>, bool> TooLarge { get; set; } = _ => false;

    public void EnsureStorable(IReadOnlyList<IndividualDocument> documents, DocumentSnapshot snapshot)
    {
        if (TooLarge(documents))
        {
            throw new DocumentTooLargeException(documents[0].Id, MailingFold.MaxStoredBytes + 1, MailingFold.MaxStoredBytes);
        }
    }

    public Task SaveAsync(string individualId, IReadOnlyList<IndividualDocument> documents, DocumentSnapshot snapshot, CancellationToken cancellationToken)
    {
        EnsureStorable(documents, snapshot);
        if (FailNextSaves-- > 0)
        {
            throw new IOException("The store is unreachable.");
        }

        foreach (var document in documents)
        {
            var current = stored.TryGetValue((individualId, document.Id), out var value) ? value.Version : null;
            if (current != snapshot.VersionOf(document.Id))
            {
                throw new ConcurrencyConflictException(document.Id);
            }

            stored[(individualId, document.Id)] = (JsonSerializer.Serialize(document), $"v{++versions}");
        }

        return Task.CompletedTask;
    }

    public Task<DocumentPage> QueryAsync(string individualId, FormQuery query, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}

/// <summary>The log's contract in memory: one record per id, read in append order (each append its own commit second).</summary>
internal sealed class InMemoryChangeLog : IChangeLog
{
    private readonly List<(IndividualChange Change, ChangePosition Position)> records = [];

    public int FailNextAppends { get; set; }

    public IReadOnlyList<IndividualChange> Changes => records.Select(r => r.Change).ToList();

    public Task AppendAsync(string individualId, IReadOnlyList<IndividualChange> changes, CancellationToken cancellationToken)
    {
        if (FailNextAppends-- > 0)
        {
            throw new IOException("The log is unreachable.");
        }

        foreach (var change in changes.Where(c => records.All(r => r.Change.ChangeId != c.ChangeId)))
        {
            records.Add((change, new ChangePosition(change.ChangedAt.ToUnixTimeSeconds(), change.SortKey)));
        }

        return Task.CompletedTask;
    }

    public Task<ChangeLogPage> ReadAsync(ChangePosition? after, int pageSize, DateTimeOffset settledAt, CancellationToken cancellationToken)
    {
        var ordered = records
            .Where(r => r.Position.CommitSecond <= settledAt.ToUnixTimeSeconds())
            .OrderBy(r => r.Position.CommitSecond).ThenBy(r => r.Position.SortKey, StringComparer.Ordinal)
            .Where(r => after is null || r.Position.CommitSecond > after.CommitSecond
                || (r.Position.CommitSecond == after.CommitSecond && string.CompareOrdinal(r.Position.SortKey, after.SortKey) > 0))
            .ToList();
        return Task.FromResult(new ChangeLogPage(ordered.Take(pageSize).ToList(), ordered.Count > pageSize));
    }
}
