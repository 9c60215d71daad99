using System.Globalization;
using System.Runtime.CompilerServices;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.Informz;

/// <summary>
/// The nightly fetch of Informz tracking through GridRequests, every page landed byte for byte (<c>xml</c>):
/// <list type="number">
/// <item><c>mailings</c>: <c>mailing_instance</c> by <c>mailing_date</c> in [window start − MailingLookbackDays, window end), never
/// older than the activity limit → names (and optionally a type) into <see cref="IVendorDirectory"/>.</item>
/// <item><c>activity{yyyyMMddTHHmmssZ}</c>: <c>mailing_activity_subscriber_actions</c> of each of those instances
/// (<c>mailing_instance_id EQ</c>); the kind carries the instance's send time (UTC), which these rows lack and the parser uses
/// as the time of their Delivered/Opened events.</item>
/// <item><c>subscribers</c>: <c>subscriber</c> by <c>modified_date</c> in the window (bounces, unsubscribes).</item>
/// <item><c>interests</c>: <c>subscriber_interests</c> by <c>cancellation_date</c>, in chunks of at most 7 days
/// (<see cref="InformzOptions.FetchInterestCancellations"/>).</item>
/// </list>
/// Every query is counted first (<c>Count</c>) and then paged with StartRow/NumberOfRows (≤ 1,000) and a sort field to the
/// end; fewer rows than the count ends the fetch with <see cref="VendorFetchException"/> (a wrong StartRow base must not lose
/// rows silently).
/// </summary>
/// <remarks>
/// <para>Vendor pages: Grid Request Overview https://support.higherlogic.com/hc/en-us/articles/360033049251-Grid-Request-Overview
/// ("Maximum of 1,000 rows", StartRow, NumberOfRows, SortField, Count); usage pattern
/// http://informz.knowledgeowl.com/help/grid-request-usage-pattern (mailing_instance by Mailing_Date GTE/LT); GridRequests -
/// Mailings https://support.higherlogic.com/hc/en-us/articles/360033049231-GridRequests-Mailings ; GridRequests - Subscriber
/// Mailing Activity https://support.higherlogic.com/hc/en-us/articles/360032692492-GridRequests-Subscriber-Mailing-Activity
/// ("subscriber actions on mailings that were sent in the past 100 days"); GridRequests - Subscriber Interests/Changes
/// https://support.higherlogic.com/hc/en-us/articles/360032692232-GridRequests-Subscriber-Interests-Changes-and-Deletions
/// ("must be within one week of one another"); Basic Outline for Integration
/// https://support.higherlogic.com/hc/en-us/articles/360044599332-Basic-Outline-for-Integration (mailing_instance by
/// mailing_date, then the activity per mailing_instance_id).</para>
/// <para><b>100-day limit.</b> Activity of mailings sent more than 100 days ago is not in mailing_activity_subscriber_actions
/// (only in an archive grid whose name the guide does not give). <see cref="PlanWindow"/> never starts a window before
/// today − 99 days (one day of margin: the vendor reads condition dates in its own zone), so a watermark older than that is
/// skipped and the run log's window start shows where fetching resumed; mailing instances older than that are never
/// asked for.</para>
/// <para>Request dates are whole days (yyyy-MM-dd), read by the vendor in its zone (undocumented): consecutive windows send
/// contiguous dates, so no vendor day falls between two runs, and any overlap only re-lands rows whose event ids are
/// deterministic. The <c>subscriber</c> grid's column list is not in the pages we could reach: the columns requested are the
/// ones named in the brief and in public clients (UNVERIFIED).</para>
/// <para>The directory is filled before the pages that need it are yielded: mailing names from <c>mailings</c>, and
/// recipient (e-mail hash, <see cref="InformzTrackingParser.RecipientKey"/>) → AMS id from every row that has both.</para>
/// </remarks>
public sealed class InformzTrackingSource(
    InformzClient client,
    IVendorDirectory directory,
    IOptions<InformzOptions> options,
    ILogger<InformzTrackingSource> logger,
    TimeProvider? time = null) : IVendorTrackingSource
{
    public const string VendorName = "informz";

    /// <summary>The landed file kinds (the parser dispatches on them).</summary>
    public static class Kinds
    {
        public const string Mailings = "mailings";

        /// <summary>Prefix; followed by the mailing instance's send time as <c>yyyyMMdd'T'HHmmss'Z'</c>.</summary>
        public const string ActivityPrefix = "activity";

        public const string Subscribers = "subscribers";
        public const string Interests = "interests";

        public const string ActivityTimeFormat = "yyyyMMdd'T'HHmmss'Z'";

        public static string Activity(DateTimeOffset mailingDate) =>
            ActivityPrefix + mailingDate.UtcDateTime.ToString(ActivityTimeFormat, CultureInfo.InvariantCulture);
    }

    /// <summary>The grids and columns requested.</summary>
    public static class Grids
    {
        public const string MailingInstance = "mailing_instance";
        public const string Activity = "mailing_activity_subscriber_actions";
        public const string Subscriber = "subscriber";
        public const string SubscriberInterests = "subscriber_interests";

        public static readonly string[] MailingFields = ["mailing_instance_id", "mailing_name", "mailing_date"];

        /// <summary>Exactly the columns of the guide's example request.</summary>
        public static readonly string[] ActivityFields =
            ["was_clicked", "was_delivered", "email", "mailing_instance_id", "was_opened", "user_id"];

        public static readonly string[] SubscriberFields =
        [
            "subscriber_id", "email", "bounce_date", "is_repeated_bouncer", "is_unsubscriber", "cancellation_date",
            "cancellation_message", "cancellation_mailing_instance_id", "modified_date",
        ];

        public static readonly string[] InterestFields =
        [
            "subscriber_to_interest_id", "subscriber_id", "email", "interest_id", "interest_name", "cancellation_date",
            "cancelled_id", "user_id",
        ];
    }

    /// <summary>Guards against an API that ignores StartRow.</summary>
    private const int MaxPagesPerQuery = 100_000;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string Vendor => VendorName;

    public bool IsEnabled => options.Value.Enabled;

    /// <summary>The earliest instant whose activity is still reachable: today 00:00 UTC − 99 days.</summary>
    public static DateTimeOffset ActivityFloor(DateTimeOffset now) =>
        new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-(InformzOptions.ActivityRetentionDays - 1));

    public TrackingWindow? PlanWindow(DateTimeOffset? watermark, DateTimeOffset now)
    {
        var o = options.Value;
        var end = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var start = watermark?.ToUniversalTime() ?? end.AddDays(-o.InitialLookbackDays);
        var floor = ActivityFloor(now);
        if (start < floor)
        {
            logger.LogWarning(
                "Informz keeps mailing activity for {Days} days: the window starts at {Floor:o}, not at the watermark {Watermark:o}; "
                + "activity of mailings sent before it is unreachable", InformzOptions.ActivityRetentionDays, floor, start);
            start = floor;
        }

        if (end > start.AddDays(o.MaxWindowDays))
        {
            end = start.AddDays(o.MaxWindowDays);
        }

        return start >= end ? null : new TrackingWindow(start, end);
    }

    /// <summary>[start, end) split into consecutive chunks of at most <paramref name="maxDays"/> days (the interests limit).</summary>
    public static IReadOnlyList<(DateOnly From, DateOnly To)> Chunks(DateOnly from, DateOnly to, int maxDays = InformzOptions.MaxInterestChangeDays)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDays, 1);
        var chunks = new List<(DateOnly, DateOnly)>();
        for (var start = from; start < to; start = start.AddDays(maxDays))
        {
            var end = start.AddDays(maxDays);
            chunks.Add((start, end < to ? end : to));
        }

        return chunks;
    }

    public async Task FetchAsync(TrackingWindow window, IFetchedPageSink pages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        var o = options.Value;
        var zone = o.TimeZone;
        var pageCounters = new Dictionary<string, int>(StringComparer.Ordinal);
        FetchedPage Page(string kind, byte[] body, int records)
        {
            var number = pageCounters[kind] = pageCounters.GetValueOrDefault(kind) + 1;
            return new FetchedPage(kind, number, "xml", body, records);
        }

        var from = DateOnly.FromDateTime(window.Start.UtcDateTime);
        var to = DateOnly.FromDateTime(window.End.UtcDateTime);
        if (window.End.UtcDateTime.TimeOfDay > TimeSpan.Zero)
        {
            to = to.AddDays(1);
        }

        // Activity is only asked for mailings inside the vendor's 100 days, whatever the window and lookback say.
        var floor = ActivityFloor(_time.GetUtcNow());
        var floorDate = DateOnly.FromDateTime(floor.UtcDateTime);
        var mailingFrom = from.AddDays(-o.MailingLookbackDays);
        if (mailingFrom < floorDate)
        {
            mailingFrom = floorDate;
        }

        // 1. Mailing instances (names for the directory; the list of activity queries).
        var instances = new List<(string Id, DateTimeOffset SentAt)>();
        if (mailingFrom < to)
        {
            var fields = Grids.MailingFields.Concat(o.MailingTypeColumn is { } t ? [t] : []).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var query = new GridQuery(Grids.MailingInstance,
                [GridCondition.Gte("mailing_date", mailingFrom), GridCondition.Lt("mailing_date", to)],
                fields, "mailing_instance_id");
            await foreach (var (body, records) in PagesAsync(query, cancellationToken))
            {
                var mailings = new List<MailingInfo>();
                foreach (var r in records)
                {
                    var id = r["mailing_instance_id"]?.Trim();
                    if (string.IsNullOrEmpty(id) || !long.TryParse(id, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                    {
                        logger.LogWarning("Informz mailing_instance {Position} has no numeric mailing_instance_id; skipped", r.Position);
                        continue;
                    }

                    if (!InformzDates.TryParse(r["mailing_date"], zone, out var sentAt))
                    {
                        logger.LogWarning("Informz mailing_instance {MailingId} has no readable mailing_date; its activity is not fetched", id);
                        continue;
                    }

                    var type = o.MailingTypeColumn is { } column ? r[column] : null;
                    mailings.Add(new MailingInfo(id, r["mailing_name"], type));
                    if (sentAt < floor)
                    {
                        logger.LogWarning(
                            "Informz mailing_instance {MailingId} was sent {SentAt:o}, before the 100-day activity limit; activity skipped",
                            id, sentAt);
                        continue;
                    }

                    instances.Add((id, sentAt));
                }

                if (mailings.Count > 0)
                {
                    await directory.SaveMailingsAsync(Vendor, mailings, cancellationToken);
                }

                await pages.LandAsync(Page(Kinds.Mailings, body, records.Count), cancellationToken);
            }
        }

        // 2. Delivered/opened/clicked flags per mailing instance.
        var activityFields = Grids.ActivityFields.Concat(o.IndividualField is { } f ? [f] : [])
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        foreach (var (id, sentAt) in instances.DistinctBy(i => i.Id).OrderBy(i => i.SentAt).ThenBy(i => i.Id, StringComparer.Ordinal))
        {
            var query = new GridQuery(Grids.Activity, [GridCondition.Eq("mailing_instance_id", id)], activityFields, "email");
            await foreach (var (body, records) in PagesAsync(query, cancellationToken))
            {
                await SaveRecipientsAsync(records, cancellationToken);
                await pages.LandAsync(Page(Kinds.Activity(sentAt), body, records.Count), cancellationToken);
            }
        }

        // 3. Subscribers changed in the window: bounces and unsubscribes.
        var subscriberFields = Grids.SubscriberFields.Concat(o.IndividualField is { } sf ? [sf] : [])
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var subscriberQuery = new GridQuery(Grids.Subscriber,
            [GridCondition.Gte("modified_date", from), GridCondition.Lt("modified_date", to)], subscriberFields, "subscriber_id");
        await foreach (var (body, records) in PagesAsync(subscriberQuery, cancellationToken))
        {
            await SaveRecipientsAsync(records, cancellationToken);
            await pages.LandAsync(Page(Kinds.Subscribers, body, records.Count), cancellationToken);
        }

        // 4. Interest (e-mail group) cancellations, one week at a time.
        if (o.FetchInterestCancellations)
        {
            var interestFields = Grids.InterestFields.Concat(o.IndividualField is { } inf ? [inf] : [])
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            foreach (var (chunkFrom, chunkTo) in Chunks(from, to))
            {
                var query = new GridQuery(Grids.SubscriberInterests,
                    [GridCondition.Gte("cancellation_date", chunkFrom), GridCondition.Lt("cancellation_date", chunkTo)],
                    interestFields, "subscriber_to_interest_id");
                await foreach (var (body, records) in PagesAsync(query, cancellationToken))
                {
                    await SaveRecipientsAsync(records, cancellationToken);
                    await pages.LandAsync(Page(Kinds.Interests, body, records.Count), cancellationToken);
                }
            }
        }

        logger.LogInformation(
            "Informz {WindowStart:o}..{WindowEnd:o}: {Mailings} mailing instances since {MailingFrom}, pages per kind {PageCounts}",
            window.Start, window.End, instances.Count, mailingFrom,
            string.Join(", ", pageCounters.GroupBy(p => p.Key.StartsWith(Kinds.ActivityPrefix, StringComparison.Ordinal) ? Kinds.ActivityPrefix : p.Key)
                .Select(g => $"{g.Key}={g.Sum(p => p.Value)}")));
    }

    /// <summary>Counts the query, then pages it to the end; each page with its records (already read safely).</summary>
    private async IAsyncEnumerable<(byte[] Body, List<GridRecord> Records)> PagesAsync(
        GridQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var o = options.Value;
        var what = query.GridType;
        var countBody = await client.GetGridAsync(query.CountQuery(), cancellationToken);
        var countRecords = await ReadAsync(countBody, what + " (Count)", cancellationToken);
        var countText = countRecords.Select(r => r["count"]).FirstOrDefault(c => c is not null);
        if (!int.TryParse(countText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var total) || total < 0)
        {
            throw new VendorFetchException(Vendor, $"{what} returned no readable Count");
        }

        var fetched = 0;
        byte[]? previous = null;
        for (var page = 0; ; page++)
        {
            if (page >= MaxPagesPerQuery)
            {
                throw new VendorFetchException(Vendor, $"{what} has more than {MaxPagesPerQuery} pages");
            }

            var startRow = o.StartRowBase + (page * o.PageSize);
            var body = await client.GetGridAsync(query with { StartRow = startRow, NumberOfRows = o.PageSize }, cancellationToken);
            var records = await ReadAsync(body, what, cancellationToken);
            if (page > 0 && records.Count > 0 && previous is not null && body.AsSpan().SequenceEqual(previous))
            {
                throw new VendorFetchException(Vendor, $"{what} returned the same page again at StartRow {startRow}; paging does not advance");
            }

            if (records.Count > o.PageSize)
            {
                throw new VendorFetchException(Vendor, $"{what} returned {records.Count} rows for NumberOfRows {o.PageSize}");
            }

            fetched += records.Count;
            yield return (body, records);
            if (records.Count < o.PageSize || fetched >= total)
            {
                break;
            }

            previous = body;
        }

        if (fetched < total)
        {
            throw new VendorFetchException(Vendor, string.Create(CultureInfo.InvariantCulture,
                $"{what} paged {fetched} rows of the {total} it counted; rows would be lost (check StartRowBase)"));
        }
    }

    private async Task<List<GridRecord>> ReadAsync(byte[] body, string what, CancellationToken cancellationToken)
    {
        var records = new List<GridRecord>();
        try
        {
            using var stream = new MemoryStream(body, writable: false);
            await foreach (var record in InformzXml.ReadGridRecordsAsync(stream, cancellationToken))
            {
                records.Add(record);
            }
        }
        catch (UnreadableFileException ex)
        {
            // The response echoes the user: the reader's message is redacted like any vendor text.
            var o = options.Value;
            throw new VendorFetchException(Vendor,
                $"{what} returned a response that is not a readable GridResponse: {InformzXml.Redact(ex.Message, o.Password, o.User)}");
        }

        return records;
    }

    private async Task SaveRecipientsAsync(List<GridRecord> records, CancellationToken cancellationToken)
    {
        var field = options.Value.IndividualField;
        if (field is null)
        {
            return;
        }

        var recipients = new Dictionary<string, VendorRecipient>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            if (InformzTrackingParser.RecipientKey(r["email"]) is { } key && r[field]?.Trim() is { Length: > 0 } individual)
            {
                recipients[key] = new VendorRecipient(key, individual);
            }
        }

        if (recipients.Count > 0)
        {
            await directory.SaveRecipientsAsync(Vendor, recipients.Values.ToList(), cancellationToken);
        }
    }
}
