using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Pipeline.Serve;
using Microsoft.Extensions.Configuration;

namespace EmailIntegration.Pipeline.Operations;

/// <summary>
/// The night at a glance: the runs newest first, each summed up from its run log partition (per-vendor status and
/// window, landed files and their counts, what was kept aside), and the poison queue beside them.
/// </summary>
public sealed class RunOverviewReader(
    IRunIndex index, IRunLog runLog, IPoisonQueue poison, IQuarantineReader quarantine, IConfiguration configuration)
{
    /// <summary>The list's name in its continuation tokens.</summary>
    public const string ListName = "runs";

    /// <summary>Bad records shown per file, and files whose bad records are read, on a run's page.</summary>
    public const int BadRecordsShown = 20;

    private readonly Lazy<PageTokenProtector> tokens = new(() => PageTokenProtector.FromBase64(configuration[PageTokenProtector.KeySetting]));

    /// <summary>One page of runs (newest first) started in [from, to); the token is bound to from and to.</summary>
    public async Task<RunListPage> ListAsync(PageRequest request, CancellationToken cancellationToken)
    {
        if (request.Vendor is not null)
        {
            throw new InvalidRequestException("vendor", "The run list is not filtered by vendor: every run shows every vendor.");
        }

        var context = new PageContext(ListName, string.Empty, request.From, request.To, null);
        var after = tokens.Value.Unprotect(context, request.ContinuationToken);
        if (after is not null && !RunIndexKey.IsValid(after))
        {
            throw new InvalidRequestException("continuationToken", "The continuation token is not valid for this list.");
        }

        var entries = await index.ListAsync(request.From, request.To, after, request.PageSize + 1, cancellationToken);
        var page = entries.Take(request.PageSize).ToList();
        var poisoned = await PoisonedPerRunAsync(cancellationToken);
        var runs = await Task.WhenAll(page.Select(e => SummarizeAsync(e.RunId, e.StartedAt, poisoned, cancellationToken)));
        var next = entries.Count > request.PageSize ? tokens.Value.Protect(context, page[^1].Key) : null;
        return new RunListPage(runs, next);
    }

    /// <summary>A run's whole log, or null when nothing was logged under this id.</summary>
    public async Task<RunDetail?> ReadAsync(string runId, CancellationToken cancellationToken)
    {
        RunIdRule.EnsureValid(runId);
        var fetches = runLog.ReadFetchesAsync(runId, cancellationToken);
        var fanOuts = runLog.ReadFanOutsAsync(runId, cancellationToken);
        var issues = runLog.ReadApplyIssuesAsync(runId, cancellationToken);
        var poisonListing = poison.ListAsync(cancellationToken);
        await Task.WhenAll(fetches, fanOuts, issues, poisonListing);
        if (fetches.Result.Count + fanOuts.Result.Count + issues.Result.Count == 0)
        {
            return null;
        }

        var poisoned = poisonListing.Result.Messages.Where(m => RunOf(m) == runId).ToList();
        var summary = Summarize(runId, RunIndexKey.StartOf(runId), fetches.Result, fanOuts.Result, issues.Result, poisoned.Count);
        var files = fanOuts.Result.OrderBy(f => f.LandedFile, StringComparer.Ordinal).ToList();
        var badRecords = await Task.WhenAll(files.Where(f => f.BadRecords > 0).Take(BadRecordsShown).Select(async f =>
            (f.LandedFile, Records: await quarantine.ReadBadRecordsAsync(f.LandedFile, BadRecordsShown, cancellationToken))));
        return new RunDetail(summary, fetches.Result.OrderBy(f => f.Vendor, StringComparer.Ordinal).ToList(), files,
            issues.Result.OrderBy(i => i.Kind).ThenBy(i => i.IndividualId, StringComparer.Ordinal).ToList(), poisoned,
            badRecords.ToDictionary(b => b.LandedFile, b => b.Records, StringComparer.Ordinal));
    }

    public async Task<PoisonOverview> PoisonAsync(CancellationToken cancellationToken) =>
        new(poison.QueueName, poison.PoisonName, await poison.ListAsync(cancellationToken));

    public async Task<int> RequeueAsync(CancellationToken cancellationToken) => await poison.RequeueAsync(cancellationToken);

    private async Task<Dictionary<string, int>> PoisonedPerRunAsync(CancellationToken cancellationToken) =>
        (await poison.ListAsync(cancellationToken)).Messages
            .Select(RunOf).OfType<string>().GroupBy(r => r, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    private async Task<RunSummary> SummarizeAsync(
        string runId, DateTimeOffset startedAt, IReadOnlyDictionary<string, int> poisoned, CancellationToken cancellationToken)
    {
        var fetches = runLog.ReadFetchesAsync(runId, cancellationToken);
        var fanOuts = runLog.ReadFanOutsAsync(runId, cancellationToken);
        var issues = runLog.ReadApplyIssuesAsync(runId, cancellationToken);
        await Task.WhenAll(fetches, fanOuts, issues);
        return Summarize(runId, startedAt, fetches.Result, fanOuts.Result, issues.Result, poisoned.GetValueOrDefault(runId));
    }

    private static RunSummary Summarize(
        string runId, DateTimeOffset? startedAt, IReadOnlyList<FetchLogEntry> fetches, IReadOnlyList<FanOutLogEntry> fanOuts,
        IReadOnlyList<ApplyIssueEntry> issues, int poisoned) =>
        new(runId,
            startedAt ?? fetches.Select(f => (DateTimeOffset?)f.StartedAt).Min(),
            fetches.OrderBy(f => f.Vendor, StringComparer.Ordinal)
                .Select(f => new VendorRunStatus(f.Vendor, f.Status, f.WindowStart, f.WindowEnd, f.Pages, f.Records, f.UnreadablePages, f.Error))
                .ToList(),
            fanOuts.Count,
            fanOuts.Sum(f => f.Records),
            fanOuts.Sum(f => f.Events),
            fanOuts.Sum(f => f.Messages),
            fanOuts.Count(f => f.QuarantineReason is not null),
            fanOuts.Sum(f => f.BadRecords),
            fanOuts.Sum(f => f.Unmatched),
            issues.Count(i => i.Kind == ApplyIssueKind.UnknownIndividual),
            issues.Count(i => i.Kind == ApplyIssueKind.UnmatchedEmailGroup),
            poisoned,
            fanOuts.Sum(f => f.Erased) + issues.Where(i => i.Kind == ApplyIssueKind.Erased).Sum(i => i.Events));

    private static string? RunOf(PoisonMessage message) =>
        message.SourceFile is not null && LandedFileName.TryParse(message.SourceFile, out var name) ? name!.RunId : null;
}

/// <summary>Run ids as the fetch prints them, replays included: letters, digits and '-'.</summary>
public static partial class RunIdRule
{
    public static void EnsureValid(string runId)
    {
        if (!Pattern().IsMatch(runId))
        {
            throw new InvalidRequestException("runId", "A run id is 1 to 120 letters, digits and '-' (as printed by the fetch).");
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\A[A-Za-z0-9-]{1,120}\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex Pattern();
}

public sealed record RunListPage(IReadOnlyList<RunSummary> Items, string? ContinuationToken);

/// <param name="Events">Events fanned out to the apply queue from the run's landed files.</param>
/// <param name="QuarantinedFiles">Landed files that could not be read, kept in quarantine with their reason.</param>
/// <param name="Poisoned">Messages of this run in the poison queue (of those the queue shows).</param>
/// <param name="Erased">Records of erased individuals dropped by the fan-out or, for messages queued before the erasure, the apply stage.</param>
public sealed record RunSummary(
    string RunId,
    DateTimeOffset? StartedAt,
    IReadOnlyList<VendorRunStatus> Vendors,
    int Files,
    int Records,
    int Events,
    int Messages,
    int QuarantinedFiles,
    int BadRecords,
    int Unmatched,
    int UnknownIndividuals,
    int UnmatchedEmailGroups,
    int Poisoned,
    int Erased = 0);

public sealed record VendorRunStatus(
    string Vendor, FetchStatus Status, DateTimeOffset? WindowStart, DateTimeOffset? WindowEnd, int Pages, int Records,
    int UnreadablePages, string? Error);

public sealed record RunDetail(
    RunSummary Summary,
    IReadOnlyList<FetchLogEntry> Fetches,
    IReadOnlyList<FanOutLogEntry> LandedFiles,
    IReadOnlyList<ApplyIssueEntry> Issues,
    IReadOnlyList<PoisonMessage> Poisoned,
    IReadOnlyDictionary<string, IReadOnlyList<BadRecord>> BadRecords);

public sealed record PoisonOverview(string QueueName, string PoisonName, PoisonListing Listing);
