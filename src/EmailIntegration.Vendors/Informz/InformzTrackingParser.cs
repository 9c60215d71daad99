using System.Globalization;
using System.Runtime.CompilerServices;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Vendors.Parsing;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.Informz;

/// <summary>
/// Turns a landed Informz GridResponse page (inside its SOAP envelope, as landed) into tracking events, streaming with
/// <see cref="System.Xml.XmlReader"/> (DTDs prohibited, no resolver: no entity expansion, no external entities), one record in
/// memory at a time, dispatching on the landed file's kind (see <see cref="InformzTrackingSource.Kinds"/>):
/// <list type="bullet">
/// <item><c>activity{time}</c> (mailing_activity_subscriber_actions): <c>was_delivered</c> → Delivered, <c>was_opened</c> →
/// Opened, both at the mailing instance's send time carried by the kind. Informz gives a flag, not gross opens and not open
/// times: there is at most one open event per mailing instance and subscriber, and the tab's open count for an Informz mailing
/// is 0 or 1. <c>was_clicked</c> produces nothing: no per-link click grid is documented and a click without a URL has no row
/// on the tab, so Informz clicks are not shown.</item>
/// <item><c>subscribers</c> (subscriber): <c>bounce_date</c> → Bounced (Hard when <c>is_repeated_bouncer</c>, else Soft;
/// mailing <see cref="NoMailing"/>: the row does not say which mailing bounced); <c>is_unsubscriber</c> → Unsubscribed at
/// <c>cancellation_date</c> (else <c>modified_date</c>) for the mailing <c>cancellation_mailing_instance_id</c> (else
/// <see cref="NoMailing"/>), no e-mail group (a brand-wide unsubscribe), Reason = <c>cancellation_message</c> with any e-mail
/// address masked.</item>
/// <item><c>interests</c> (subscriber_interests): a <c>cancellation_date</c> → Unsubscribed from the e-mail group
/// <c>interest_name</c>.</item>
/// <item><c>mailings</c>: no events (landed for audit; the source put the names in the directory).</item>
/// </list>
/// </summary>
/// <remarks>
/// <para><b>Individuals.</b> Informz keeps "email addresses and a unique ID for each person from your AMS/CRM" (the remote ID we
/// send as <c>&lt;ID&gt;</c> in Subscribe). In the <c>subscribers</c> and <c>interests</c> grids the AMS id is the row's
/// <see cref="InformzOptions.IndividualIdField"/> (default <c>user_id</c>, "Unique remote ID" in subscriber_interests,
/// 360032692232) when it has one, else the directory. In the activity grid <c>user_id</c> is "Informz user ID" (360032692492):
/// Informz's own id, never filed as an AMS id; activity is joined through the directory's entry for <see cref="RecipientKey"/>
/// of the row's e-mail, which the source fills from the subscriber grid before it fetches the activity. Without an entry the
/// AMS id is null and the fan-out keeps the event as unmatched (a replay after the directory learns it applies it).</para>
/// <para>Events carry <see cref="TrackingEvent.RecipientEmailHash"/>, never the address. Event ids are
/// <see cref="EventIdentity.For"/> of (vendor, mailing, e-mail hash, kind, time[, severity or interest]): the activity of a
/// mailing re-fetched on later nights gives the same ids, so it is applied once.</para>
/// <para>Sources: GridRequests - Subscriber Mailing Activity
/// https://support.higherlogic.com/hc/en-us/articles/360032692492-GridRequests-Subscriber-Mailing-Activity (columns and their
/// Bit type); GridRequests - Subscriber Interests/Changes
/// https://support.higherlogic.com/hc/en-us/articles/360032692232-GridRequests-Subscriber-Interests-Changes-and-Deletions ;
/// response shape (Record/Fields/Field element=…, empty Field = null): Grid Request Overview
/// https://support.higherlogic.com/hc/en-us/articles/360033049251-Grid-Request-Overview and
/// http://knowledgebase.informz.net/help/subscriber-persona . The subscriber grid's columns are UNVERIFIED (not on the pages we
/// could reach).</para>
/// </remarks>
public sealed class InformzTrackingParser(IVendorDirectory directory, IOptions<InformzOptions> options) : ITrackingParser
{
    public const string VendorName = InformzTrackingSource.VendorName;

    /// <summary>The mailing id of an event the vendor ties to no mailing (a subscriber-level bounce or unsubscribe).</summary>
    public const string NoMailing = "none";

    public string Vendor => VendorName;

    /// <summary>
    /// The directory's recipient id for an Informz subscriber: the <see cref="EmailHash"/> of the address. Outbound pushes that
    /// know the AMS id should save <c>new VendorRecipient(RecipientKey(email), amsId)</c> under vendor "informz".
    /// </summary>
    public static string? RecipientKey(string? email) => EmailHash.Of(email);

    public async IAsyncEnumerable<ParsedRecord> ParseAsync(
        Stream content, LandedFileName file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(file);
        var kind = file.Kind;
        DateTimeOffset sentAt = default;
        if (kind.Equals(InformzTrackingSource.Kinds.Mailings, StringComparison.OrdinalIgnoreCase)
            || kind.Equals(InformzTrackingSource.Kinds.Directory, StringComparison.OrdinalIgnoreCase)
            || kind.Equals(InformzTrackingSource.Kinds.Counts, StringComparison.OrdinalIgnoreCase))
        {
            // Landed for audit and replay; the source read them into the directory and its paging.
            yield break;
        }

        var isActivity = kind.StartsWith(InformzTrackingSource.Kinds.ActivityPrefix, StringComparison.OrdinalIgnoreCase);
        if (isActivity)
        {
            var suffix = kind[InformzTrackingSource.Kinds.ActivityPrefix.Length..];
            if (!DateTime.TryParseExact(suffix, InformzTrackingSource.Kinds.ActivityTimeFormat, CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var sent))
            {
                throw new UnreadableFileException(
                    $"The Informz activity file kind '{InformzXml.Shorten(kind)}' does not carry the mailing time (activityyyyyMMddTHHmmssZ).");
            }

            sentAt = new DateTimeOffset(DateTime.SpecifyKind(sent, DateTimeKind.Utc));
        }
        else if (!kind.Equals(InformzTrackingSource.Kinds.Subscribers, StringComparison.OrdinalIgnoreCase)
                 && !kind.Equals(InformzTrackingSource.Kinds.Interests, StringComparison.OrdinalIgnoreCase))
        {
            throw new UnreadableFileException($"Unknown Informz file kind '{InformzXml.Shorten(kind)}'.");
        }

        var o = options.Value;
        var context = new Context(directory, o.IndividualField, o.TimeZone, cancellationToken);
        var output = new List<ParsedRecord>(2);
        await foreach (var record in InformzXml.ReadGridRecordsAsync(content, cancellationToken))
        {
            output.Clear();
            if (isActivity)
            {
                await ActivityAsync(record, sentAt, context, output);
            }
            else if (kind.Equals(InformzTrackingSource.Kinds.Subscribers, StringComparison.OrdinalIgnoreCase))
            {
                await SubscriberAsync(record, context, output);
            }
            else
            {
                await InterestAsync(record, context, output);
            }

            foreach (var parsed in output)
            {
                yield return parsed;
            }
        }
    }

    private static async Task ActivityAsync(GridRecord r, DateTimeOffset sentAt, Context context, List<ParsedRecord> output)
    {
        var key = context.RecipientKey(r["email"]);
        if (key is null)
        {
            output.Add(ParsedRecord.Reject(r.Position, "missing email"));
            return;
        }

        var mailingId = r["mailing_instance_id"]?.Trim();
        if (string.IsNullOrEmpty(mailingId) || !long.TryParse(mailingId, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
        {
            output.Add(ParsedRecord.Reject(r.Position, mailingId is null ? "missing mailing_instance_id" : "mailing_instance_id is not a whole number"));
            return;
        }

        if (!TryFlag(r, "was_delivered", out var delivered, out var reason)
            || !TryFlag(r, "was_opened", out var opened, out reason)
            || !TryFlag(r, "was_clicked", out _, out reason))
        {
            output.Add(ParsedRecord.Reject(r.Position, reason));
            return;
        }

        if (!delivered && !opened)
        {
            // Not delivered and not opened: nothing to show (a click alone is not shown, see the class remarks).
            return;
        }

        // user_id here is "Informz user ID", never the AMS id: the individual comes from the directory (the subscriber grid's
        // remote id for this address), or the event is unmatched.
        var individual = await context.DirectoryIndividualAsync(key);
        var mailing = await context.MailingAsync(mailingId);
        if (delivered)
        {
            output.Add(ActivityEvent(TrackingEventKind.Delivered, mailingId, key, sentAt, individual, mailing));
        }

        if (opened)
        {
            output.Add(ActivityEvent(TrackingEventKind.Opened, mailingId, key, sentAt, individual, mailing));
        }
    }

    private static ParsedRecord ActivityEvent(
        TrackingEventKind eventKind, string mailingId, string key, DateTimeOffset sentAt, string? individual, MailingInfo? mailing) =>
        ParsedRecord.Of(new TrackingEvent
        {
            EventId = EventIdentity.For(VendorName, mailingId, key, eventKind, sentAt),
            Vendor = VendorName,
            Kind = eventKind,
            IndividualId = individual,
            MailingId = mailingId,
            MailingName = mailing?.Name,
            MailingType = mailing?.MailingType,
            OccurredAt = sentAt,
            RecipientEmailHash = key,
        });

    private static async Task SubscriberAsync(GridRecord r, Context context, List<ParsedRecord> output)
    {
        var key = context.RecipientKey(r["email"]);
        if (key is null)
        {
            output.Add(ParsedRecord.Reject(r.Position, "missing email"));
            return;
        }

        if (!TryFlag(r, "is_repeated_bouncer", out var repeated, out var reason)
            || !TryFlag(r, "is_unsubscriber", out var unsubscribed, out reason))
        {
            output.Add(ParsedRecord.Reject(r.Position, reason));
            return;
        }

        DateTimeOffset? bouncedAt = null;
        if (r["bounce_date"] is { } bounceText)
        {
            if (!InformzDates.TryParse(bounceText, context.Zone, out var b))
            {
                output.Add(ParsedRecord.Reject(r.Position, "bounce_date is not a date"));
                return;
            }

            bouncedAt = b;
        }

        DateTimeOffset? unsubscribedAt = null;
        string? unsubscribeMailing = null;
        if (unsubscribed)
        {
            var dateText = r["cancellation_date"] ?? r["modified_date"];
            if (dateText is null)
            {
                output.Add(ParsedRecord.Reject(r.Position, "is_unsubscriber without cancellation_date or modified_date"));
                return;
            }

            if (!InformzDates.TryParse(dateText, context.Zone, out var u))
            {
                output.Add(ParsedRecord.Reject(r.Position,
                    r["cancellation_date"] is null ? "modified_date is not a date" : "cancellation_date is not a date"));
                return;
            }

            unsubscribedAt = u;
            unsubscribeMailing = r["cancellation_mailing_instance_id"]?.Trim();
            if (unsubscribeMailing is { Length: 0 } or "0")
            {
                unsubscribeMailing = null;
            }
            else if (unsubscribeMailing is not null
                     && !long.TryParse(unsubscribeMailing, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                output.Add(ParsedRecord.Reject(r.Position, "cancellation_mailing_instance_id is not a whole number"));
                return;
            }
        }

        if (bouncedAt is null && unsubscribedAt is null)
        {
            return;
        }

        var individual = await context.IndividualAsync(r, key);
        if (bouncedAt is { } at)
        {
            var severity = repeated ? BounceSeverity.Hard : BounceSeverity.Soft;
            output.Add(ParsedRecord.Of(new TrackingEvent
            {
                EventId = EventIdentity.For(VendorName, NoMailing, key, TrackingEventKind.Bounced, at, severity.ToString()),
                Vendor = VendorName,
                Kind = TrackingEventKind.Bounced,
                IndividualId = individual,
                MailingId = NoMailing,
                OccurredAt = at,
                Bounce = severity,
                Status = repeated ? "repeated bouncer" : null,
                RecipientEmailHash = key,
            }));
        }

        if (unsubscribedAt is { } when)
        {
            var mailingId = unsubscribeMailing ?? NoMailing;
            var mailing = unsubscribeMailing is null ? null : await context.MailingAsync(unsubscribeMailing);
            var message = r["cancellation_message"];
            output.Add(ParsedRecord.Of(new TrackingEvent
            {
                EventId = EventIdentity.For(VendorName, mailingId, key, TrackingEventKind.Unsubscribed, when),
                Vendor = VendorName,
                Kind = TrackingEventKind.Unsubscribed,
                IndividualId = individual,
                MailingId = mailingId,
                MailingName = mailing?.Name,
                MailingType = mailing?.MailingType,
                OccurredAt = when,
                Reason = message is null ? null : Limit(VendorText.RedactEmails(message.Trim()), 500),
                RecipientEmailHash = key,
            }));
        }
    }

    private static async Task InterestAsync(GridRecord r, Context context, List<ParsedRecord> output)
    {
        var key = context.RecipientKey(r["email"]);
        if (key is null)
        {
            output.Add(ParsedRecord.Reject(r.Position, "missing email"));
            return;
        }

        if (r["cancellation_date"] is not { } dateText)
        {
            return;
        }

        if (!InformzDates.TryParse(dateText, context.Zone, out var at))
        {
            output.Add(ParsedRecord.Reject(r.Position, "cancellation_date is not a date"));
            return;
        }

        var interest = r["interest_name"]?.Trim();
        if (string.IsNullOrEmpty(interest))
        {
            output.Add(ParsedRecord.Reject(r.Position, "missing interest_name"));
            return;
        }

        var individual = await context.IndividualAsync(r, key);
        output.Add(ParsedRecord.Of(new TrackingEvent
        {
            EventId = EventIdentity.For(VendorName, NoMailing, key, TrackingEventKind.Unsubscribed, at,
                "interest:" + (r["interest_id"]?.Trim() ?? interest)),
            Vendor = VendorName,
            Kind = TrackingEventKind.Unsubscribed,
            IndividualId = individual,
            MailingId = NoMailing,
            OccurredAt = at,
            EmailGroup = interest,
            RecipientEmailHash = key,
        }));
    }

    /// <summary>A Bit column: 1/0, true/false, Y/N (the integration outline says "Clicked (Y/N)"); missing or empty = false.</summary>
    private static bool TryFlag(GridRecord r, string field, out bool value, out string reason)
    {
        reason = string.Empty;
        var text = r[field]?.Trim();
        switch (text?.ToUpperInvariant())
        {
            case null or "" or "0" or "FALSE" or "N" or "NO":
                value = false;
                return true;
            case "1" or "TRUE" or "Y" or "YES":
                value = true;
                return true;
            default:
                value = false;
                reason = $"{field} is '{InformzXml.Shorten(VendorText.RedactEmails(text))}', not a bit";
                return false;
        }
    }

    private static string Limit(string value, int max) => value.Length <= max ? value : value[..max] + "…";

    /// <summary>Directory look-ups cached for one parse call (a page repeats the same mailing and subscribers).</summary>
    private sealed class Context(IVendorDirectory directory, string? individualField, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        private readonly Dictionary<string, string?> individuals = new(StringComparer.Ordinal);
        private readonly Dictionary<string, MailingInfo?> mailings = new(StringComparer.Ordinal);
        private readonly EmailHashCache emails = new();

        /// <summary><see cref="InformzTrackingParser.RecipientKey"/>, each distinct address hashed once per parse call.</summary>
        public string? RecipientKey(string? email) => email is null ? null : emails.Of(email);

        public TimeZoneInfo Zone { get; } = zone;

        /// <summary>The row's remote id column when it has one (subscriber and interest grids), else the directory.</summary>
        public async ValueTask<string?> IndividualAsync(GridRecord record, string recipientKey)
        {
            if (individualField is not null && record[individualField]?.Trim() is { Length: > 0 } fromRow)
            {
                return fromRow;
            }

            return await DirectoryIndividualAsync(recipientKey);
        }

        public async ValueTask<string?> DirectoryIndividualAsync(string recipientKey)
        {
            if (!individuals.TryGetValue(recipientKey, out var individual))
            {
                individual = await directory.FindIndividualAsync(VendorName, recipientKey, cancellationToken);
                individuals[recipientKey] = individual;
            }

            return individual;
        }

        public async ValueTask<MailingInfo?> MailingAsync(string mailingId)
        {
            if (!mailings.TryGetValue(mailingId, out var mailing))
            {
                mailing = await directory.FindMailingAsync(VendorName, mailingId, cancellationToken);
                mailings[mailingId] = mailing;
            }

            return mailing;
        }
    }
}
