using Azure.Data.Tables;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Operations;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Azure.Checkpoints;

/// <summary>
/// The run log: partition = run id, so one query reads a night. Rows <c>fetch|{vendor}</c> (window,
/// pages, records, error) and <c>fanout|{landed file}</c> (records, events, messages, bad, unmatched).
/// Every run also has a row in the index partition <see cref="IndexPartition"/>, keyed by <see cref="RunIndexKey"/>
/// so that listing the runs newest first is one range read of one partition.
/// </summary>
public sealed class TableRunLog(TableServiceClient tables, IOptions<EmailIntegrationOptions> options) : IRunLog, IRunIndex
{
    /// <summary>Not a run id: run ids are letters, digits and '-'.</summary>
    public const string IndexPartition = "~runs";

    private readonly TableClient table = tables.GetTableClient(options.Value.RunLogTable);

    public async Task WriteFetchAsync(FetchLogEntry entry, CancellationToken cancellationToken)
    {
        await IndexAsync(entry.RunId, cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(entry.RunId, "fetch|" + entry.Vendor)
        {
            ["Vendor"] = entry.Vendor,
            ["Status"] = entry.Status.ToString(),
            ["StartedAt"] = entry.StartedAt,
            ["FinishedAt"] = entry.FinishedAt,
            ["WindowStart"] = entry.WindowStart,
            ["WindowEnd"] = entry.WindowEnd,
            ["Pages"] = entry.Pages,
            ["Records"] = entry.Records,
            ["Error"] = entry.Error,
            ["UnreadablePages"] = entry.UnreadablePages,
        }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task WriteFanOutAsync(FanOutLogEntry entry, CancellationToken cancellationToken)
    {
        await IndexAsync(entry.RunId, cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(entry.RunId, "fanout|" + RowKeySafe(entry.LandedFile))
        {
            ["LandedFile"] = entry.LandedFile,
            ["FinishedAt"] = entry.FinishedAt,
            ["Records"] = entry.Records,
            ["Events"] = entry.Events,
            ["Messages"] = entry.Messages,
            ["BadRecords"] = entry.BadRecords,
            ["Unmatched"] = entry.Unmatched,
            ["QuarantineReason"] = entry.QuarantineReason,
            ["Erased"] = entry.Erased,
        }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<IReadOnlyList<RunIndexEntry>> ListAsync(
        DateTimeOffset? from, DateTimeOffset? to, string? after, int take, CancellationToken cancellationToken)
    {
        var filters = new List<string> { TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartition}") };
        if (after is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"RowKey gt {after}"));
        }

        if (to is { } before)
        {
            filters.Add(TableClient.CreateQueryFilter($"RowKey ge {RunIndexKey.Bound(before)}"));
        }

        if (from is { } since)
        {
            filters.Add(TableClient.CreateQueryFilter($"RowKey lt {RunIndexKey.Bound(since)}"));
        }

        var entries = new List<RunIndexEntry>(take);
        await foreach (var e in table.QueryAsync<TableEntity>(string.Join(" and ", filters), maxPerPage: take, cancellationToken: cancellationToken))
        {
            entries.Add(new RunIndexEntry(e.RowKey, e.GetString("RunId"), e.GetDateTimeOffset("StartedAt")!.Value));
            if (entries.Count == take)
            {
                break;
            }
        }

        return entries;
    }

    /// <summary>
    /// Idempotent (same key for every writer of a run). A run id of another shape (an operator's drop) is not
    /// indexed: it is read by its id.
    /// </summary>
    private async Task IndexAsync(string runId, CancellationToken cancellationToken)
    {
        if (RunIndexKey.StartOf(runId) is not { } startedAt)
        {
            return;
        }

        await table.UpsertEntityAsync(new TableEntity(IndexPartition, RunIndexKey.For(runId, startedAt))
        {
            ["RunId"] = runId,
            ["StartedAt"] = startedAt,
        }, TableUpdateMode.Replace, cancellationToken);
    }

    public Task WriteApplyIssueAsync(ApplyIssueEntry entry, CancellationToken cancellationToken) =>
        table.UpsertEntityAsync(new TableEntity(entry.RunId,
            $"issue|{entry.Kind}|{RowKeySafe(entry.IndividualId)}|{RowKeySafe(entry.SourceFile)}|{RowKeySafe(entry.Detail ?? string.Empty)}")
        {
            ["Kind"] = entry.Kind.ToString(),
            ["IndividualId"] = entry.IndividualId,
            ["SourceFile"] = entry.SourceFile,
            ["Detail"] = entry.Detail,
            ["Events"] = entry.Events,
        }, TableUpdateMode.Replace, cancellationToken);

    public async Task<IReadOnlyList<ApplyIssueEntry>> ReadApplyIssuesAsync(string runId, CancellationToken cancellationToken)
    {
        var entries = new List<ApplyIssueEntry>();
        await foreach (var e in table.QueryAsync<TableEntity>(
                           e => e.PartitionKey == runId && e.RowKey.CompareTo("issue|") > 0 && e.RowKey.CompareTo("issue}") < 0,
                           cancellationToken: cancellationToken))
        {
            entries.Add(new ApplyIssueEntry(runId, Enum.Parse<ApplyIssueKind>(e.GetString("Kind")), e.GetString("IndividualId"),
                e.GetString("SourceFile"), e.GetString("Detail"), e.GetInt32("Events") ?? 0));
        }

        return entries;
    }

    public async Task<IReadOnlyList<FetchLogEntry>> ReadFetchesAsync(string runId, CancellationToken cancellationToken)
    {
        var entries = new List<FetchLogEntry>();
        await foreach (var e in table.QueryAsync<TableEntity>(
                           e => e.PartitionKey == runId && e.RowKey.CompareTo("fetch|") > 0 && e.RowKey.CompareTo("fetch}") < 0,
                           cancellationToken: cancellationToken))
        {
            entries.Add(new FetchLogEntry(runId, e.GetString("Vendor"), Enum.Parse<FetchStatus>(e.GetString("Status")),
                e.GetDateTimeOffset("StartedAt")!.Value, e.GetDateTimeOffset("FinishedAt"), e.GetDateTimeOffset("WindowStart"),
                e.GetDateTimeOffset("WindowEnd"), e.GetInt32("Pages") ?? 0, e.GetInt32("Records") ?? 0, e.GetString("Error"),
                e.GetInt32("UnreadablePages") ?? 0));
        }

        return entries;
    }

    public async Task<IReadOnlyList<FanOutLogEntry>> ReadFanOutsAsync(string runId, CancellationToken cancellationToken)
    {
        var entries = new List<FanOutLogEntry>();
        await foreach (var e in table.QueryAsync<TableEntity>(
                           e => e.PartitionKey == runId && e.RowKey.CompareTo("fanout|") > 0 && e.RowKey.CompareTo("fanout}") < 0,
                           cancellationToken: cancellationToken))
        {
            entries.Add(new FanOutLogEntry(runId, e.GetString("LandedFile"), e.GetDateTimeOffset("FinishedAt")!.Value,
                e.GetInt32("Records") ?? 0, e.GetInt32("Events") ?? 0, e.GetInt32("Messages") ?? 0,
                e.GetInt32("BadRecords") ?? 0, e.GetInt32("Unmatched") ?? 0, e.GetString("QuarantineReason"), e.GetInt32("Erased") ?? 0));
        }

        return entries;
    }

    /// <summary>Row keys may not contain '/', '\', '#' or '?'.</summary>
    private static string RowKeySafe(string value) =>
        new(value.Select(c => c is '/' or '\\' ? '|' : c is '#' or '?' || char.IsControl(c) ? '_' : c).ToArray());
}
