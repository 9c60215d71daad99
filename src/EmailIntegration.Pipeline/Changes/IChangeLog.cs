using EmailIntegration.Domain.Changes;

namespace EmailIntegration.Pipeline.Changes;

/// <summary>
/// The change records, kept in each individual's partition beside its documents and read across partitions in the
/// store's commit order (its commit time, then the change's <see cref="IndividualChange.SortKey"/>).
/// </summary>
public interface IChangeLog
{
    /// <summary>Writes the changes; one that is already there (same id) is left as it is.</summary>
    Task AppendAsync(string individualId, IReadOnlyList<IndividualChange> changes, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="pageSize"/> changes after <paramref name="after"/> (null: from the start), only those the
    /// store committed at or before <paramref name="settledAt"/>, and whether more may follow.
    /// </summary>
    Task<ChangeLogPage> ReadAsync(ChangePosition? after, int pageSize, DateTimeOffset settledAt, CancellationToken cancellationToken);
}

/// <param name="CommitSecond">The store's commit time of the record (Cosmos <c>_ts</c>, Unix seconds).</param>
public sealed record ChangePosition(long CommitSecond, string SortKey);

public sealed record ChangeLogPage(IReadOnlyList<(IndividualChange Change, ChangePosition Position)> Items, bool More);
