using System.Globalization;
using System.Runtime.CompilerServices;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.Informz;

/// <summary>
/// The nightly fetch of Informz tracking through GridRequests, every response landed byte for byte (<c>xml</c>) before it is read:
/// <list type="number">
/// <item><c>directory</c>: <c>subscriber</c> (subscriber_id, email, the remote id column) → e-mail hash → AMS id in
/// <see cref="IVendorDirectory"/>, first, because the activity grid's <c>user_id</c> is "Informz user ID", not the AMS id.</item>
/// <item><c>mailings</c>: <c>mailing_instance</c> by <c>mailing_date</c> in [window start − MailingLookbackDays, window end), never
/// older than the activity limit → names (and optionally a type) into <see cref="IVendorDirectory"/>.</item>
/// <item><c>activity{yyyyMMddTHHmmssZ}</c>: <c>mailing_activity_subscriber_actions</c> of each of those instances
/// (<c>mailing_instance_id EQ</c>); the kind carries the instance's send time (UTC), which these rows lack and the parser uses
/// as the time of their Delivered/Opened events.</item>
/// <item><c>subscribers</c>: <c>subscriber</c> by <c>modified_date</c> in the window (bounces, unsubscribes).</item>
/// <item><c>interests</c>: <c>subscriber_interests</c> by <c>cancellation_date</c>, in chunks of at most 7 days
/// (<see cref="InformzOptions.FetchInterestCancellations"/>).</item>
/// </list>
/// Every query is counted first (<c>Count</c>, landed as <c>counts</c>) and then paged with StartRow/NumberOfRows (≤ 1,000) and a
/// sort field to the end; fewer rows than the count ends the fetch with <see cref="VendorFetchException"/> (a wrong StartRow base
/// must not lose rows silently). A page that can't be read (unframed, cut off) is landed, reported to the sink with the query and
/// StartRow, and paging goes on; the fetcher quarantines it and keeps the watermark.
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
/// <para>The directory is filled before the pages that need it are landed: recipient (e-mail hash,
/// <see cref="InformzTrackingParser.RecipientKey"/>) → AMS id from the <c>directory</c>, <c>subscribers</c> and <c>interests</c>
/// rows that carry a remote id, and mailing names from <c>mailings</c>. Activity rows never feed it.</para>
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

        /// <summary>The subscriber grid's email → remote id pages (no events; the directory's source).</summary>
        public const string Directory = "directory";

        /// <summary>The Count answer of each query (no events; landed because paging reads it).</summary>
        public const string Counts = "counts";

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

    private readonly TimeProvider time = time ?? TimeProvider.System;

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
        ArgumentNullException.ThrowIfNull(pages);
        var o = options.Value;
        var zone = o.TimeZone;
        var run = new FetchRun(pages);

        var from = DateOnly.FromDateTime(window.Start.UtcDateTime);
        var to = DateOnly.FromDateTime(window.End.UtcDateTime);
        if (window.End.UtcDateTime.TimeOfDay > TimeSpan.Zero)
        {
            to = to.AddDays(1);
        }

        // Activity is only asked for mailings inside the vendor's 100 days, whatever the window and lookback say.
        var floor = ActivityFloor(time.GetUtcNow());
        var floorDate = DateOnly.FromDateTime(floor.UtcDateTime);
        var mailingFrom = from.AddDays(-o.MailingLookbackDays);
        if (mailingFrom < floorDate)
        {
            mailingFrom = floorDate;
        }

        // 1. The subscriber directory first: the activity grid's user_id is Informz's own id, so its rows are joined to the AMS
        //    through the remote id of the subscriber with the same address.
        if (o.IndividualField is { } remoteIdField)
        {
            List<GridCondition> conditions = [GridCondition.Lt("modified_date", to)];
            if (o.SubscriberDirectoryDays > 0)
            {
                conditions.Insert(0, GridCondition.Gte("modified_date", to.AddDays(-o.SubscriberDirectoryDays)));
            }

            var query = new GridQuery(Grids.Subscriber, conditions, ["subscriber_id", "email", remoteIdField], "subscriber_id");
            await foreach (var records in LandedPagesAsync(query, Kinds.Directory, run, cancellationToken))
            {
                await SaveRecipientsAsync(records, cancellationToken);
            }
        }

        // 2. Mailing instances (names for the directory; the list of activity queries).
        var instances = new List<(string Id, DateTimeOffset SentAt)>();
        if (mailingFrom < to)
        {
            var fields = Grids.MailingFields.Concat(o.MailingTypeColumn is { } t ? [t] : []).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var query = new GridQuery(Grids.MailingInstance,
                [GridCondition.Gte("mailing_date", mailingFrom), GridCondition.Lt("mailing_date", to)],
                fields, "mailing_instance_id");
            await foreach (var records in LandedPagesAsync(query, Kinds.Mailings, run, cancellationToken))
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
            }
        }

        // 3. Delivered/opened/clicked flags per mailing instance. Nothing here goes into the directory: user_id is not an AMS id.
        foreach (var (id, sentAt) in instances.DistinctBy(i => i.Id).OrderBy(i => i.SentAt).ThenBy(i => i.Id, StringComparer.Ordinal))
        {
            var query = new GridQuery(Grids.Activity, [GridCondition.Eq("mailing_instance_id", id)], Grids.ActivityFields, "email");
            await foreach (var _ in LandedPagesAsync(query, Kinds.Activity(sentAt), run, cancellationToken))
            {
            }
        }

        // 4. Subscribers changed in the window: bounces and unsubscribes.
        var subscriberFields = Grids.SubscriberFields.Concat(o.IndividualField is { } sf ? [sf] : [])
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var subscriberQuery = new GridQuery(Grids.Subscriber,
            [GridCondition.Gte("modified_date", from), GridCondition.Lt("modified_date", to)], subscriberFields, "subscriber_id");
        await foreach (var records in LandedPagesAsync(subscriberQuery, Kinds.Subscribers, run, cancellationToken))
        {
            await SaveRecipientsAsync(records, cancellationToken);
        }

        // 5. Interest (e-mail group) cancellations, one week at a time.
        if (o.FetchInterestCancellations)
        {
            var interestFields = Grids.InterestFields.Concat(o.IndividualField is { } inf ? [inf] : [])
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            foreach (var (chunkFrom, chunkTo) in Chunks(from, to))
            {
                var query = new GridQuery(Grids.SubscriberInterests,
                    [GridCondition.Gte("cancellation_date", chunkFrom), GridCondition.Lt("cancellation_date", chunkTo)],
                    interestFields, "subscriber_to_interest_id");
                await foreach (var records in LandedPagesAsync(query, Kinds.Interests, run, cancellationToken))
                {
                    await SaveRecipientsAsync(records, cancellationToken);
                }
            }
        }

        logger.LogInformation(
            "Informz {WindowStart:o}..{WindowEnd:o}: {Mailings} mailing instances since {MailingFrom}, pages per kind {PageCounts}",
            window.Start, window.End, instances.Count, mailingFrom,
            string.Join(", ", run.PageCounters.GroupBy(p => p.Key.StartsWith(Kinds.ActivityPrefix, StringComparison.Ordinal) ? Kinds.ActivityPrefix : p.Key)
                .Select(g => $"{g.Key}={g.Sum(p => p.Value)}")));
    }

    /// <summary>Numbers the pages of one fetch per kind and hands them to the sink.</summary>
    private sealed class FetchRun(IFetchedPageSink sink)
    {
        public Dictionary<string, int> PageCounters { get; } = new(StringComparer.Ordinal);

        public IFetchedPageSink Sink { get; } = sink;

        public FetchedPage Page(string kind, byte[] body, int records)
        {
            var number = PageCounters[kind] = PageCounters.GetValueOrDefault(kind) + 1;
            return new FetchedPage(kind, number, "xml", body, records);
        }
    }

    /// <summary>
    /// Counts the query, then pages it to the end. Every response is landed first, unchanged, and only then read; a page that
    /// can't be read is reported to the sink (quarantined, watermark held) and paging goes on by StartRow arithmetic, so the
    /// following pages still land. Yields the records of each readable page, after it is landed.
    /// </summary>
    private async IAsyncEnumerable<List<GridRecord>> LandedPagesAsync(
        GridQuery query, string kind, FetchRun run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var o = options.Value;
        var what = Describe(query);

        // The count is landed too (kind "counts"): it is a response we read (to check paging), so it is kept.
        var countBody = await client.GetGridAsync(query.CountQuery(), cancellationToken);
        var (countRecords, countError) = await TryReadAsync(countBody, cancellationToken);
        var countPage = run.Page(Kinds.Counts, countBody, 0);
        await run.Sink.LandAsync(countPage, cancellationToken);
        int? total = null;
        if (countError is not null)
        {
            await run.Sink.UnreadableAsync(countPage, what + " Count", countError, cancellationToken);
        }
        else if (int.TryParse(countRecords!.Select(r => r["count"]).FirstOrDefault(c => c is not null), NumberStyles.Integer,
                     CultureInfo.InvariantCulture, out var counted) && counted >= 0)
        {
            total = counted;
        }
        else
        {
            await run.Sink.UnreadableAsync(countPage, what + " Count", "the GridResponse holds no readable Count", cancellationToken);
        }

        var fetched = 0;
        var unreadable = 0;
        byte[]? previous = null;
        for (var page = 0; ; page++)
        {
            if (page >= MaxPagesPerQuery)
            {
                throw new VendorFetchException(Vendor, $"{what} has more than {MaxPagesPerQuery} pages",
                    kind: VendorFailureKind.Permanent);
            }

            var startRow = o.StartRowBase + (page * o.PageSize);
            var body = await client.GetGridAsync(query with { StartRow = startRow, NumberOfRows = o.PageSize }, cancellationToken);
            var (records, error) = await TryReadAsync(body, cancellationToken);
            var landed = run.Page(kind, body, records?.Count ?? 0);
            await run.Sink.LandAsync(landed, cancellationToken);
            if (error is not null)
            {
                await run.Sink.UnreadableAsync(landed, string.Create(CultureInfo.InvariantCulture, $"{what} StartRow {startRow}"), error,
                    cancellationToken);
                unreadable++;

                // Its rows are unknown: go on while the count says rows remain. Without a count there is no telling whether
                // more follow; the held watermark fetches the window again next run.
                if (total is not { } t || startRow - o.StartRowBase + o.PageSize >= t)
                {
                    break;
                }

                continue;
            }

            if (page > 0 && records!.Count > 0 && previous is not null && body.AsSpan().SequenceEqual(previous))
            {
                throw new VendorFetchException(Vendor, $"{what} returned the same page again at StartRow {startRow}; paging does not advance",
                    kind: VendorFailureKind.Permanent);
            }

            if (records!.Count > o.PageSize)
            {
                throw new VendorFetchException(Vendor, $"{what} returned {records.Count} rows for NumberOfRows {o.PageSize}",
                    kind: VendorFailureKind.Permanent);
            }

            fetched += records.Count;
            yield return records;
            if (records.Count < o.PageSize || (total is { } all && fetched + (unreadable * o.PageSize) >= all))
            {
                break;
            }

            previous = body;
        }

        if (unreadable == 0 && total is { } expected && fetched < expected)
        {
            throw new VendorFetchException(Vendor, string.Create(CultureInfo.InvariantCulture,
                $"{what} paged {fetched} rows of the {expected} it counted; rows would be lost (check StartRowBase)"),
                kind: VendorFailureKind.Permanent);
        }
    }

    /// <summary>The query for the run log: grid and conditions (ids and dates only, never personal data).</summary>
    private static string Describe(GridQuery query) =>
        query.Conditions.Count == 0
            ? query.GridType
            : $"{query.GridType} ({string.Join(" and ", query.Conditions.Select(c => $"{c.DataElement} {c.Comparator} {c.DataValue}"))})";

    /// <summary>The page's records, or why it can't be read (the reason is redacted like any vendor text).</summary>
    private async Task<(List<GridRecord>? Records, string? Error)> TryReadAsync(byte[] body, CancellationToken cancellationToken)
    {
        var records = new List<GridRecord>();
        try
        {
            using var stream = new MemoryStream(body, writable: false);
            await foreach (var record in InformzXml.ReadGridRecordsAsync(stream, cancellationToken))
            {
                records.Add(record);
            }

            return (records, null);
        }
        catch (UnreadableFileException ex)
        {
            // The response echoes the user: the reader's message is redacted like any vendor text.
            var o = options.Value;
            return (null, "not a readable GridResponse: " + VendorText.Redact(ex.Message, o.Password, o.User));
        }
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
