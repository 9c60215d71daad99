using System.Text.Json;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.RealMagnet;

/// <summary>
/// The nightly fetch of Real Magnet tracking: authenticate, land the groups and the message list, then for every message
/// sent in [window start − MessageLookbackDays, window end) land its detailed tracking (reports email_delivered,
/// email_bounced, email_opened, fax_all), its link report (ExecuteReport 2) and the clicks of each of its links, page by
/// page; then the account's unsubscribes (GetUnsubscribes), suppressed recipients (GetSuppressedRecipients) and spam
/// complaints (SOAP getSpamComplaints) for the window. Every response is landed, bytes unchanged, before anything is read
/// from it.
/// </summary>
/// <remarks>
/// <para>Operations, request and response shapes, sources and how sure we are of each: docs/vendors.md, "Real Magnet".</para>
/// <para>Window: tracking is available once daily and the vendor advises ending at the day before, so a window ends at
/// today 00:00 UTC. Request dates are whole days: the window [Start, End) is sent as Start's date and End's date
/// (End is 00:00). The vendor does not document whether an end date is inclusive nor in which zone it reads dates;
/// consecutive runs send contiguous dates, so no vendor day falls between two runs, and any overlap only re-lands rows
/// whose event ids are deterministic.</para>
/// <para>Land before read: a page that cannot be read (cut off, XML instead of JSON, no <c>totalRecords</c>) is landed all the
/// same, reported to <see cref="IFetchedPageSink.UnreadableAsync"/> with the operation, message and page, and the fetch goes
/// on: with the following pages of a detailed-tracking report when an earlier page gave <c>totalRecords</c>, else with the
/// next report, link or message (a bare-array link page says nothing about what follows it).
/// The fetcher quarantines it and keeps the watermark. Failures of the call itself (HTTP status, transport) still end the
/// vendor's run with <see cref="VendorFetchException"/>.</para>
/// <para>The directory is filled after a page is landed and before the pages that need it are fetched (RecipientID → CustomID
/// from each detailed-tracking page and from the link report before that message's link pages; message names and groups
/// before any tracking page).</para>
/// </remarks>
public sealed class RealMagnetTrackingSource(
    RealMagnetClient client,
    IVendorDirectory directory,
    IOptions<RealMagnetOptions> options,
    ILogger<RealMagnetTrackingSource> logger) : IVendorTrackingSource
{
    public const string VendorName = "realmagnet";

    /// <summary>The landed file kinds the parser dispatches on; detailed-tracking kinds carry their message id (<see cref="RealMagnetReports.Kind"/>).</summary>
    public static class Kinds
    {
        public const string Groups = "groups";
        public const string Messages = "messages";
        public const string LinkReport = "linkreport";
        public const string Links = "links";
        public const string Unsubscribes = "unsubscribes";
        public const string Suppressed = "suppressed";
        public const string Spam = "spam";
    }

    /// <summary>Guards against an API that ignores the page parameter.</summary>
    private const int MaxPagesPerQuery = 100_000;

    public string Vendor => VendorName;

    public bool IsEnabled => options.Value.Enabled;

    public TrackingWindow? PlanWindow(DateTimeOffset? watermark, DateTimeOffset now)
    {
        var o = options.Value;
        var end = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var start = watermark?.ToUniversalTime() ?? end.AddDays(-o.InitialLookbackDays);
        if (end > start.AddDays(o.MaxWindowDays))
        {
            end = start.AddDays(o.MaxWindowDays);
        }

        return start >= end ? null : new TrackingWindow(start, end);
    }

    public async Task FetchAsync(TrackingWindow window, IFetchedPageSink pages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(pages);
        var fetch = new Fetch(pages, cancellationToken);
        var o = options.Value;
        var from = DateOnly.FromDateTime(window.Start.UtcDateTime);
        var to = DateOnly.FromDateTime(window.End.UtcDateTime);
        if (window.End.UtcDateTime.TimeOfDay > TimeSpan.Zero)
        {
            to = to.AddDays(1);
        }

        var session = await client.AuthenticateAsync(cancellationToken);

        var groups = await fetch.LandAsync(Kinds.Groups, "GetGroups", await client.GetGroupsAsync(session, cancellationToken),
            ReadGroups, g => g.Count) ?? [];

        // Without a readable message list there is nothing to ask per message; the feeds below still come.
        var messages = await fetch.LandAsync(Kinds.Messages, "GetMessageList",
            await client.GetMessageListAsync(session, from.AddDays(-o.MessageLookbackDays), to, cancellationToken),
            ReadMessages, m => m.Records) is { } list ? list.Messages : [];
        await directory.SaveMailingsAsync(Vendor, messages
            .Select(m => new MailingInfo(m.Id, m.Name, m.FirstGroup is { } g ? groups.GetValueOrDefault(g) : null))
            .ToList(), cancellationToken);

        foreach (var message in messages)
        {
            foreach (var report in RealMagnetReports.Nightly)
            {
                await FetchDetailedTrackingAsync(fetch, session, message.NumericId, report, from, to);
            }

            var linkReport = await fetch.LandAsync(Kinds.LinkReport, $"ExecuteReport(2) message {message.Id}",
                await client.ExecuteLinkReportAsync(session, message.NumericId, cancellationToken), ReadLinkReport, r => r.Count);
            if (linkReport is null)
            {
                continue;
            }

            if (linkReport.Recipients.Count > 0)
            {
                await directory.SaveRecipientsAsync(Vendor, linkReport.Recipients, cancellationToken);
            }

            foreach (var url in linkReport.Urls)
            {
                await FetchLinkClicksAsync(fetch, session, message, url, from, to);
            }
        }

        // Account-wide feeds for the window: they name no message by id.
        await fetch.LandAsync(Kinds.Unsubscribes, "GetUnsubscribes",
            await client.GetUnsubscribesAsync(session, from, to, cancellationToken), CountArray, n => n);
        await fetch.LandAsync(Kinds.Suppressed, "GetSuppressedRecipients",
            await client.GetSuppressedRecipientsAsync(session, from, to, cancellationToken), CountArray, n => n);
        await fetch.LandAsync(Kinds.Spam, "getSpamComplaints (SOAP)",
            await client.GetSpamComplaintsAsync(session, window.Start, window.End, cancellationToken), CountSpamComplaints, n => n, "xml");

        logger.LogInformation(
            "Real Magnet {WindowStart:o}..{WindowEnd:o}: {Messages} messages, {Pages} pages, {Unreadable} unreadable",
            window.Start, window.End, messages.Count, fetch.PageCount, fetch.UnreadableCount);
    }

    /// <summary>One report of one message, page by page, until <c>totalRecords</c> is covered.</summary>
    private async Task FetchDetailedTrackingAsync(
        Fetch fetch, RealMagnetSession session, long messageId, RealMagnetReport report, DateOnly from, DateOnly to)
    {
        var perPage = options.Value.PageSize;
        var reportType = RealMagnetReports.VendorName(report);
        var kind = RealMagnetReports.Kind(report, messageId);
        long? total = null;
        byte[]? previous = null;
        for (var page = 1; ; page++)
        {
            var body = await client.GetDetailedTrackingAsync(session, messageId, reportType, page, perPage, from, to, fetch.CancellationToken);
            var where = string.Create(CultureInfo.InvariantCulture, $"GetDetailedTracking({reportType}) message {messageId} page {page}");
            var details = await fetch.LandAsync(kind, where, body, ReadTrackingDetails, d => d.Rows);
            if (details is not null)
            {
                total = details.TotalRecords;
                if (details.Recipients.Count > 0)
                {
                    await directory.SaveRecipientsAsync(Vendor, details.Recipients, fetch.CancellationToken);
                }
            }

            // The total read from an earlier page carries the paging past an unreadable one; without any, the query ends.
            if (total is not { } known || (details is not null && details.Rows == 0) || (long)page * perPage >= known)
            {
                return;
            }

            CheckPaging(where, page, body, previous);
            previous = body;
        }
    }

    /// <summary>The clicks on one link of a message; the answer is a bare array, so a short page is the last.</summary>
    private async Task FetchLinkClicksAsync(Fetch fetch, RealMagnetSession session, Message message, string url, DateOnly from, DateOnly to)
    {
        var perPage = options.Value.PageSize;
        byte[]? previous = null;
        for (var page = 1; ; page++)
        {
            var body = await client.GetMessageLinkTrackingAsync(session, message.NumericId, url, from, to, page, perPage, fetch.CancellationToken);
            var where = string.Create(CultureInfo.InvariantCulture, $"GetMessageLinkTracking message {message.Id} page {page}");
            // An unreadable page counts 0 and ends this link's paging, as a short page does.
            if (await fetch.LandAsync(Kinds.Links, where, body, CountArray, n => n) < perPage)
            {
                return;
            }

            CheckPaging(where, page, body, previous);
            previous = body;
        }
    }

    private void CheckPaging(string where, int page, byte[] body, byte[]? previous)
    {
        if (previous is not null && body.AsSpan().SequenceEqual(previous))
        {
            throw new VendorFetchException(Vendor, $"{where} is the same page again; paging does not advance", kind: VendorFailureKind.Permanent);
        }

        if (page >= MaxPagesPerQuery)
        {
            throw new VendorFetchException(Vendor, $"{where}: more than {MaxPagesPerQuery} pages", kind: VendorFailureKind.Permanent);
        }
    }

    /// <summary>Lands pages, numbered per kind, and reports the ones that cannot be read.</summary>
    private sealed class Fetch(IFetchedPageSink sink, CancellationToken cancellationToken)
    {
        private readonly Dictionary<string, int> numbers = new(StringComparer.Ordinal);

        public CancellationToken CancellationToken => cancellationToken;

        public int PageCount { get; private set; }

        public int UnreadableCount { get; private set; }

        /// <summary>
        /// Reads the body in memory (only to count its records), lands it unchanged whether or not that worked, then either
        /// hands back what was read or reports the page unreadable and hands back the default (null, or 0 for a count).
        /// Nothing read from a page is acted on before it is landed.
        /// </summary>
        public async Task<T?> LandAsync<T>(
            string kind, string where, byte[] body, Func<byte[], T> read, Func<T, int> count, string extension = "json")
            where T : notnull
        {
            T? value = default;
            string? failure = null;
            try
            {
                value = read(body);
            }
            catch (UnreadablePageException ex)
            {
                failure = ex.Message;
            }

            var number = numbers[kind] = numbers.GetValueOrDefault(kind) + 1;
            var page = new FetchedPage(kind, number, extension, body, failure is null ? count(value!) : 0);
            await sink.LandAsync(page, cancellationToken);
            PageCount++;
            if (failure is not null)
            {
                UnreadableCount++;
                await sink.UnreadableAsync(page, where, failure, cancellationToken);
                return default;
            }

            return value;
        }
    }

    /// <summary>A page the source cannot read; its message names the problem, never the page's content.</summary>
    private sealed class UnreadablePageException(string reason) : Exception(reason);

    private sealed record Message(string Id, long NumericId, string? Name, int? FirstGroup);

    private sealed record TrackingDetails(long TotalRecords, int Rows, List<VendorRecipient> Recipients);

    private sealed record MessageList(List<Message> Messages, int Records);

    private sealed record LinkReport(int Count, List<VendorRecipient> Recipients, List<string> Urls);

    private static Dictionary<int, string> ReadGroups(byte[] body)
    {
        var groups = new Dictionary<int, string>();
        using var doc = Parse(body);
        foreach (var group in ArrayOf(doc.RootElement))
        {
            if (group.ValueKind == JsonValueKind.Object
                && RealMagnetJson.TryGet(group, "GroupID", out var id) && RealMagnetJson.TryGetInt64(id, out var groupId)
                && groupId is >= int.MinValue and <= int.MaxValue)
            {
                groups[(int)groupId] = RealMagnetJson.GetText(group, ["GroupName"]) ?? string.Empty;
            }
        }

        return groups;
    }

    private MessageList ReadMessages(byte[] body)
    {
        var messages = new List<Message>();
        var seen = new HashSet<long>();
        using var doc = Parse(body);
        var records = 0;
        foreach (var row in ArrayOf(doc.RootElement))
        {
            records++;
            if (row.ValueKind != JsonValueKind.Object
                || !RealMagnetJson.TryGet(row, RealMagnetJson.MessageId, out var idValue)
                || !RealMagnetJson.TryGetInt64(idValue, out var id))
            {
                logger.LogWarning("Real Magnet GetMessageList row {Row} has no MessageID; skipped", records - 1);
                continue;
            }

            if (!seen.Add(id))
            {
                continue;
            }

            int? firstGroup = null;
            if (RealMagnetJson.TryGet(row, "GroupsMessageIsSentTo", out var groups) && groups.ValueKind == JsonValueKind.Array)
            {
                foreach (var g in groups.EnumerateArray())
                {
                    if (RealMagnetJson.TryGetInt64(g, out var gid) && gid is >= int.MinValue and <= int.MaxValue)
                    {
                        firstGroup = (int)gid;
                        break;
                    }
                }
            }

            messages.Add(new Message(id.ToString(CultureInfo.InvariantCulture), id, RealMagnetJson.GetText(row, ["MessageName"]), firstGroup));
        }

        return new MessageList(messages, records);
    }

    /// <summary>
    /// <c>TrackingDetails{totalRecords, page, recordsPerPage, RecipientDetails: [recp_track{recipient{id, Custom_Id, …}, …}]}</c>:
    /// the total (paging), the rows on this page, and RecipientID → Custom_Id for the directory.
    /// </summary>
    private static TrackingDetails ReadTrackingDetails(byte[] body)
    {
        using var doc = Parse(body);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new UnreadablePageException($"expected the TrackingDetails object, found {root.ValueKind}");
        }

        if (!RealMagnetJson.TryGet(root, "totalRecords", out var totalValue) || !RealMagnetJson.TryGetInt64(totalValue, out var total) || total < 0)
        {
            throw new UnreadablePageException("TrackingDetails has no whole totalRecords");
        }

        var recipients = new Dictionary<string, VendorRecipient>(StringComparer.Ordinal);
        var rows = 0;
        if (RealMagnetJson.TryGet(root, "RecipientDetails", out var details))
        {
            if (details.ValueKind != JsonValueKind.Array)
            {
                throw new UnreadablePageException($"RecipientDetails is {details.ValueKind}, not a list");
            }

            foreach (var row in details.EnumerateArray())
            {
                rows++;
                if (row.ValueKind == JsonValueKind.Object && RealMagnetJson.TryGet(row, "recipient", out var recipient)
                    && recipient.ValueKind == JsonValueKind.Object)
                {
                    AddRecipient(recipients, recipient, ["id"]);
                }
            }
        }

        return new TrackingDetails(total, rows, recipients.Values.ToList());
    }

    private static LinkReport ReadLinkReport(byte[] body)
    {
        using var doc = Parse(body);
        var recipients = new Dictionary<string, VendorRecipient>(StringComparer.Ordinal);
        var urls = new List<string>();
        var seenUrls = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        foreach (var row in ArrayOf(doc.RootElement))
        {
            count++;
            AddRecipient(recipients, row, RealMagnetJson.RecipientId);
            if (RealMagnetJson.GetText(row, ["URL", "Url", "LinkURL"]) is { } url && seenUrls.Add(url))
            {
                urls.Add(url);
            }
        }

        return new LinkReport(count, recipients.Values.ToList(), urls);
    }

    private static void AddRecipient(Dictionary<string, VendorRecipient> recipients, JsonElement row, string[] idNames)
    {
        if (row.ValueKind == JsonValueKind.Object
            && RealMagnetJson.TryGet(row, idNames, out var idValue)
            && RealMagnetJson.TryGetInt64(idValue, out var id)
            && RealMagnetJson.GetText(row, RealMagnetJson.CustomId) is { } customId)
        {
            var recipientId = id.ToString(CultureInfo.InvariantCulture);
            recipients[recipientId] = new VendorRecipient(recipientId, customId);
        }
    }

    private static int CountArray(byte[] body)
    {
        using var doc = Parse(body);
        return ArrayOf(doc.RootElement).Count();
    }

    private static int CountSpamComplaints(byte[] body)
    {
        try
        {
            return RealMagnetRecords.SpamComplaintRows(new MemoryStream(body, writable: false)).Count();
        }
        catch (EmailIntegration.Pipeline.FanOut.UnreadableFileException ex)
        {
            throw new UnreadablePageException(ex.Message);
        }
    }

    /// <summary>A page is at most 2000 rows, so a JsonDocument over it is small; the landed bytes stay the original.</summary>
    private static JsonDocument Parse(byte[] body)
    {
        if (body.AsSpan().TrimStart(" \t\r\n\uFEFF"u8).StartsWith("<"u8))
        {
            // The ApiAdapter is a WCF service that can answer XML; the adapter asks for JSON and reads nothing else.
            throw new UnreadablePageException("the answer is XML, not the JSON that was asked for");
        }

        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new UnreadablePageException(string.Create(CultureInfo.InvariantCulture,
                $"not readable JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}, of {body.Length} bytes)"));
        }
    }

    private static IEnumerable<JsonElement> ArrayOf(JsonElement root) =>
        root.ValueKind == JsonValueKind.Array
            ? root.EnumerateArray()
            : throw new UnreadablePageException($"{root.ValueKind} where a list of records was expected");
}
