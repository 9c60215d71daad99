using System.Text.Json;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.RealMagnet;

/// <summary>
/// The nightly fetch of Real Magnet tracking: authenticate, land the groups and the message list, then for every message
/// sent in [window start − MessageLookbackDays, window end) land its detailed tracking ("delivered", "opened"), its
/// link report (ExecuteReport 2) and the clicks of each of its links, page by page, bytes unchanged.
/// </summary>
/// <remarks>
/// <para>Operations (help pages https://dna.magnetmail.net/ApiAdapter/Rest/help/operations/&lt;Operation&gt;):
/// Authenticate, GetGroups, GetMessageList, GetDetailedTracking, ExecuteReport, GetMessageLinkTracking; Higher Logic
/// articles: REST API https://support.higherlogic.com/hc/en-us/articles/360032691632-REST-API, GetMessageLinkTracking
/// https://support.higherlogic.com/hc/en-us/articles/360032691552-GetMessageLinkTracking-, ExecuteReport
/// https://support.higherlogic.com/hc/en-us/articles/360033048331-ExecuteReport-, Activity Codes
/// https://support.higherlogic.com/hc/en-us/articles/360033048911-Activity-Codes-and-Subcodes.</para>
/// <para>Window: tracking is available once daily and the vendor advises ending at the day before, so a window ends at
/// today 00:00 UTC. Request dates are whole days: the window [Start, End) is sent as Start's date and End's date
/// (End is 00:00). The vendor does not document whether an end date is inclusive nor in which zone it reads dates;
/// consecutive runs send contiguous dates, so no vendor day falls between two runs, and any overlap only re-lands rows
/// whose event ids are deterministic.</para>
/// <para>The directory is filled before the pages that need it are yielded (RecipientID → CustomID from each detailed
/// tracking page and from the link report; message names and group before any tracking page).</para>
/// <para>A page that is not readable JSON ends the fetch with <see cref="VendorFetchException"/> (paging depends on its
/// record count); the watermark then stays and the next run fetches the window again.</para>
/// </remarks>
public sealed class RealMagnetTrackingSource(
    RealMagnetClient client,
    IVendorDirectory directory,
    IOptions<RealMagnetOptions> options,
    ILogger<RealMagnetTrackingSource> logger) : IVendorTrackingSource
{
    public const string VendorName = "realmagnet";

    /// <summary>The landed file kinds (the parser dispatches on them).</summary>
    public static class Kinds
    {
        public const string Groups = "groups";
        public const string Messages = "messages";
        public const string Delivered = "delivered";
        public const string Opened = "opened";
        public const string LinkReport = "linkreport";
        public const string Links = "links";
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
        var o = options.Value;
        var pageCounters = new Dictionary<string, int>(StringComparer.Ordinal);
        FetchedPage Page(string kind, byte[] body, int records)
        {
            var number = pageCounters[kind] = pageCounters.GetValueOrDefault(kind) + 1;
            return new FetchedPage(kind, number, "json", body, records);
        }

        var from = DateOnly.FromDateTime(window.Start.UtcDateTime);
        var to = DateOnly.FromDateTime(window.End.UtcDateTime);
        if (window.End.UtcDateTime.TimeOfDay > TimeSpan.Zero)
        {
            to = to.AddDays(1);
        }

        var session = await client.AuthenticateAsync(cancellationToken);

        var groupsBody = await client.GetGroupsAsync(session, cancellationToken);
        var groups = ReadGroups(groupsBody);
        await pages.LandAsync(Page(Kinds.Groups, groupsBody, groups.Count), cancellationToken);

        var messagesBody = await client.GetMessageListAsync(session, from.AddDays(-o.MessageLookbackDays), to, cancellationToken);
        var messages = ReadMessages(messagesBody, out var messageRecords);
        await directory.SaveMailingsAsync(Vendor, messages
            .Select(m => new MailingInfo(m.Id, m.Name, m.FirstGroup is { } g ? groups.GetValueOrDefault(g) : null))
            .ToList(), cancellationToken);
        await pages.LandAsync(Page(Kinds.Messages, messagesBody, messageRecords), cancellationToken);

        foreach (var message in messages)
        {
            var messageId = message.NumericId;
            foreach (var reportType in (string[])[Kinds.Delivered, Kinds.Opened])
            {
                byte[]? previous = null;
                for (var page = 1; ; page++)
                {
                    var body = await client.GetDetailedTrackingAsync(
                        session, messageId, reportType, page, o.PageSize, from, to, cancellationToken);
                    var (count, recipients) = ReadDetailedTracking(body, reportType);
                    CheckPaging($"GetDetailedTracking({reportType})", page, count, body, previous);
                    if (recipients.Count > 0)
                    {
                        await directory.SaveRecipientsAsync(Vendor, recipients, cancellationToken);
                    }

                    await pages.LandAsync(Page(reportType, body, count), cancellationToken);
                    if (count < o.PageSize)
                    {
                        break;
                    }

                    previous = body;
                }
            }

            var reportBody = await client.ExecuteLinkReportAsync(session, messageId, cancellationToken);
            var (reportCount, reportRecipients, urls) = ReadLinkReport(reportBody);
            if (reportRecipients.Count > 0)
            {
                await directory.SaveRecipientsAsync(Vendor, reportRecipients, cancellationToken);
            }

            await pages.LandAsync(Page(Kinds.LinkReport, reportBody, reportCount), cancellationToken);

            foreach (var url in urls)
            {
                byte[]? previous = null;
                for (var page = 1; ; page++)
                {
                    var body = await client.GetMessageLinkTrackingAsync(
                        session, messageId, url, from, to, page, o.PageSize, cancellationToken);
                    var count = CountArray(body, "GetMessageLinkTracking");
                    CheckPaging("GetMessageLinkTracking", page, count, body, previous);
                    await pages.LandAsync(Page(Kinds.Links, body, count), cancellationToken);
                    if (count < o.PageSize)
                    {
                        break;
                    }

                    previous = body;
                }
            }
        }

        logger.LogInformation(
            "Real Magnet {WindowStart:o}..{WindowEnd:o}: {Messages} messages, pages per kind {PageCounts}",
            window.Start, window.End, messages.Count, string.Join(", ", pageCounters.Select(p => $"{p.Key}={p.Value}")));
    }

    private void CheckPaging(string what, int page, int count, byte[] body, byte[]? previous)
    {
        if (page > 1 && count > 0 && previous is not null && body.AsSpan().SequenceEqual(previous))
        {
            throw new VendorFetchException(Vendor, $"{what} returned the same page again at page {page}; paging does not advance");
        }

        if (page >= MaxPagesPerQuery)
        {
            throw new VendorFetchException(Vendor, $"{what} has more than {MaxPagesPerQuery} pages");
        }
    }

    private sealed record Message(string Id, long NumericId, string? Name, int? FirstGroup);

    private Dictionary<int, string> ReadGroups(byte[] body)
    {
        var groups = new Dictionary<int, string>();
        using var doc = Parse(body, "GetGroups");
        foreach (var group in ArrayOf(doc.RootElement, "GetGroups", null))
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

    private List<Message> ReadMessages(byte[] body, out int records)
    {
        var messages = new List<Message>();
        var seen = new HashSet<long>();
        using var doc = Parse(body, "GetMessageList");
        records = 0;
        foreach (var row in ArrayOf(doc.RootElement, "GetMessageList", null))
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

            messages.Add(new Message(id.ToString(System.Globalization.CultureInfo.InvariantCulture), id,
                RealMagnetJson.GetText(row, ["MessageName"]), firstGroup));
        }

        return messages;
    }

    private (int Count, List<VendorRecipient> Recipients) ReadDetailedTracking(byte[] body, string reportType)
    {
        var operation = $"GetDetailedTracking({reportType})";
        using var doc = Parse(body, operation);
        var recipients = new Dictionary<string, VendorRecipient>(StringComparer.Ordinal);
        var count = 0;
        foreach (var row in ArrayOf(doc.RootElement, operation, "Records"))
        {
            count++;
            AddRecipient(recipients, row);
        }

        return (count, recipients.Values.ToList());
    }

    private (int Count, List<VendorRecipient> Recipients, List<string> Urls) ReadLinkReport(byte[] body)
    {
        using var doc = Parse(body, "ExecuteReport");
        var recipients = new Dictionary<string, VendorRecipient>(StringComparer.Ordinal);
        var urls = new List<string>();
        var seenUrls = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        foreach (var row in ArrayOf(doc.RootElement, "ExecuteReport", null))
        {
            count++;
            AddRecipient(recipients, row);
            if (RealMagnetJson.GetText(row, ["URL", "Url", "LinkURL"]) is { } url && seenUrls.Add(url))
            {
                urls.Add(url);
            }
        }

        return (count, recipients.Values.ToList(), urls);
    }

    private static void AddRecipient(Dictionary<string, VendorRecipient> recipients, JsonElement row)
    {
        if (row.ValueKind == JsonValueKind.Object
            && RealMagnetJson.TryGet(row, RealMagnetJson.RecipientId, out var idValue)
            && RealMagnetJson.TryGetInt64(idValue, out var id)
            && RealMagnetJson.GetText(row, RealMagnetJson.CustomId) is { } customId)
        {
            var recipientId = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            recipients[recipientId] = new VendorRecipient(recipientId, customId);
        }
    }

    private int CountArray(byte[] body, string operation)
    {
        using var doc = Parse(body, operation);
        return ArrayOf(doc.RootElement, operation, null).Count();
    }

    /// <summary>A page is at most 2000 rows, so a JsonDocument over it is small; the landed bytes stay the original.</summary>
    private JsonDocument Parse(byte[] body, string operation)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new VendorFetchException(Vendor,
                $"{operation} returned a response that is not readable JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})", ex);
        }
    }

    private IEnumerable<JsonElement> ArrayOf(JsonElement root, string operation, string? wrapperProperty)
    {
        if (root.ValueKind == JsonValueKind.Array)
        {
            return root.EnumerateArray();
        }

        if (wrapperProperty is not null && root.ValueKind == JsonValueKind.Object
            && RealMagnetJson.TryGet(root, wrapperProperty, out var inner) && inner.ValueKind == JsonValueKind.Array)
        {
            return inner.EnumerateArray();
        }

        if (wrapperProperty is not null && root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty(wrapperProperty, out var nullValue) && nullValue.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        throw new VendorFetchException(Vendor, $"{operation} returned {root.ValueKind} where a list of records was expected");
    }
}
