using EmailIntegration.Domain.Changes;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Pipeline.Apply;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Pipeline.Changes;

/// <summary>
/// Records, around every save of an individual's documents, the changes the AMS change feed reports. Without a
/// transaction across documents (the local emulator has none) each kind of change is made durable by its own rule:
/// <list type="bullet">
/// <item>A created row (Customer Action, interest activity, bounce) is written to the log before the row, with an id
/// derived from the row's id: the row is created on this attempt or a retry of the same message, and a retry writes the
/// same id again.</item>
/// <item>A scored row's withdrawal or reinstatement (machine activity) is written ahead the same way, with an id derived
/// from the row's id and the person's click it is about; a row born withdrawn writes nothing.</item>
/// <item>A profile change is stamped on the profile itself (<see cref="ProfileDocument.PendingChanges"/>, numbered by its
/// change sequence) and so committed with it, or not at all; after the save it is written to the log and then removed
/// from the profile. A crash in between leaves it on the profile, and the next save of that individual (a redelivery
/// reads the profile) writes it again under the same id.</item>
/// </list>
/// </summary>
public sealed class ChangeCapturingStore(
    IIndividualDocumentStore inner, IChangeLog log, TimeProvider time, ILogger<ChangeCapturingStore> logger) : IIndividualDocumentStore
{
    private const int MaxClearAttempts = 5;

    public Task<DocumentSnapshot> ReadAsync(string individualId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        inner.ReadAsync(individualId, ids, cancellationToken);

    public void EnsureStorable(IReadOnlyList<IndividualDocument> documents, DocumentSnapshot snapshot) =>
        inner.EnsureStorable(documents, snapshot);

    public Task<DocumentPage> QueryAsync(string individualId, FormQuery query, CancellationToken cancellationToken) =>
        inner.QueryAsync(individualId, query, cancellationToken);

    public async Task SaveAsync(string individualId, IReadOnlyList<IndividualDocument> documents, DocumentSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(snapshot);
        var now = time.GetUtcNow();
        var created = documents
            .Select(d => snapshot.VersionOf(d.Id) is null
                ? IndividualChanges.Created(d, now)
                : IndividualChanges.Followed(d, snapshot.ScoredAtRead.GetValueOrDefault(d.Id), now))
            .OfType<IndividualChange>()
            .Select((c, i) => IndividualChange.Create(c.ChangeId, c.IndividualId, c.Kind, c.Value, now.AddTicks(i)))
            .ToList();
        if (created.Count > 0)
        {
            // Never report a row the store is about to refuse: a refused message is quarantined, not retried.
            inner.EnsureStorable(documents, snapshot);
            await log.AppendAsync(individualId, created, cancellationToken);
        }

        var profile = documents.OfType<ProfileDocument>().FirstOrDefault();
        if (profile is not null)
        {
            IndividualChanges.Stamp(profile, snapshot.ProfileAtRead, now.AddTicks(created.Count));
        }

        await inner.SaveAsync(individualId, documents, snapshot, cancellationToken);

        var pending = profile?.PendingChanges.ToList() ?? [.. snapshot.PendingAtRead];
        if (pending.Count > 0)
        {
            await log.AppendAsync(individualId, pending, cancellationToken);
            await ClearAsync(individualId, pending.Select(c => c.ChangeId).ToHashSet(StringComparer.Ordinal), cancellationToken);
        }
    }

    /// <summary>Removes the changes now in the log from the profile; if another writer keeps winning, it flushes them itself.</summary>
    private async Task ClearAsync(string individualId, HashSet<string> written, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxClearAttempts; attempt++)
        {
            var snapshot = await inner.ReadAsync(individualId, [ProfileDocument.DocumentId], cancellationToken);
            if (snapshot.Documents.GetValueOrDefault(ProfileDocument.DocumentId) is not ProfileDocument profile
                || profile.PendingChanges.RemoveAll(c => written.Contains(c.ChangeId)) == 0)
            {
                return;
            }

            try
            {
                await inner.SaveAsync(individualId, [profile], snapshot, cancellationToken);
                return;
            }
            catch (ConcurrencyConflictException)
            {
                logger.LogDebug("The profile of {IndividualId} changed while its changes were confirmed; attempt {Attempt}", individualId, attempt);
            }
        }
    }
}
