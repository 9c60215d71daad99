namespace EmailIntegration.Pipeline.Fetch;

/// <summary>What an operator reads to know what each night did.</summary>
public interface IRunLog
{
    Task WriteFetchAsync(FetchLogEntry entry, CancellationToken cancellationToken);

    Task WriteFanOutAsync(FanOutLogEntry entry, CancellationToken cancellationToken);

    /// <summary>Something the apply stage kept but could not fully place (unknown individual, unmatched e-mail group).</summary>
    Task WriteApplyIssueAsync(ApplyIssueEntry entry, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApplyIssueEntry>> ReadApplyIssuesAsync(string runId, CancellationToken cancellationToken);

    Task<IReadOnlyList<FetchLogEntry>> ReadFetchesAsync(string runId, CancellationToken cancellationToken);

    Task<IReadOnlyList<FanOutLogEntry>> ReadFanOutsAsync(string runId, CancellationToken cancellationToken);
}

/// <summary>
/// <see cref="Incomplete"/>: every page was landed, but at least one could not be read (quarantined with its reason);
/// the watermark stays, so the next run fetches the window again.
/// </summary>
public enum FetchStatus { Running, Completed, Failed, UpToDate, Incomplete }

public sealed record FetchLogEntry(
    string RunId,
    string Vendor,
    FetchStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset? WindowStart,
    DateTimeOffset? WindowEnd,
    int Pages,
    int Records,
    string? Error,
    int UnreadablePages = 0);

/// <param name="Erased">Records of erased individuals (a tombstone), dropped before they were published.</param>
public sealed record FanOutLogEntry(
    string RunId,
    string LandedFile,
    DateTimeOffset FinishedAt,
    int Records,
    int Events,
    int Messages,
    int BadRecords,
    int Unmatched,
    string? QuarantineReason,
    int Erased = 0);

/// <summary><see cref="Erased"/>: a queued message of an individual erased since, dropped (its row names the erasure id, not the individual).</summary>
public enum ApplyIssueKind { UnknownIndividual, UnmatchedEmailGroup, Erased }

/// <param name="IndividualId">The individual; for <see cref="ApplyIssueKind.Erased"/> the erasure id instead.</param>
/// <param name="Detail">For an e-mail group, its name; never an address.</param>
public sealed record ApplyIssueEntry(
    string RunId, ApplyIssueKind Kind, string IndividualId, string SourceFile, string? Detail, int Events);
