using System.Runtime.CompilerServices;
using System.Text.Json;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Landing;

namespace EmailIntegration.Vendors.RealMagnet;

/// <summary>
/// Turns a landed Real Magnet page into tracking events, streaming (one record in memory at a time), dispatching on the
/// landed file's kind (see <see cref="RealMagnetTrackingSource"/>):
/// <list type="bullet">
/// <item><c>delivered</c>, <c>opened</c>: GetDetailedTracking pages → Delivered / Opened / Bounced (Status = subcode).</item>
/// <item><c>links</c>: GetMessageLinkTracking pages → LinkClicked.</item>
/// <item><c>groups</c>, <c>messages</c>, <c>linkreport</c>: no events (landed for audit; the source fed the directory from them).</item>
/// </list>
/// </summary>
/// <remarks>
/// <para>GetMessageLinkTracking (help page https://dna.magnetmail.net/ApiAdapter/Rest/help/operations/GetMessageLinkTracking,
/// Higher Logic https://support.higherlogic.com/hc/en-us/articles/360032691552-GetMessageLinkTracking-) answers a bare array
/// <c>[{"Date":"\/Date(928164000000-0400)\/","LinkLabel","LinkText","LinkURL","MessageID","RecipientID"}]</c>; rows carry no AMS id,
/// so the individual comes from the directory (RecipientID → Custom Member ID, saved by the source from ExecuteReport 2 and
/// the detailed tracking rows); unknown → null IndividualId, which the fan-out holds as unmatched.</para>
/// <para><b>UNVERIFIED — GetDetailedTracking's response schema is not in the published pages we could reach</b>
/// (https://dna.magnetmail.net/ApiAdapter/Rest/help/operations/GetDetailedTracking must be checked live). We expect
/// <c>{"TotalRecords":n,"Records":[{"MessageID":long,"RecipientID":long,"CustomID":"ams-id","Email":"...","ActivityCode":"Sent"|"Opened",
/// "ActivitySubcode":"Delivered"|"Opened"|"SoftBounce"|"HardBounce"|"UserNotFound"|"MailboxFull"|...,"ActivityDate":"\/Date(...)\/"}]}</c>
/// using the Higher Logic activity codes (https://support.higherlogic.com/hc/en-us/articles/360033048911-Activity-Codes-and-Subcodes:
/// Opened/Opened = gross opens, Sent/Delivered, Sent/bounce subcodes). To survive the real shape differing, the parser also accepts a
/// bare array, the aliases CustomID/CustomId/Custom_Id/CustomMemberID and ActivityDate/Date, a MessageID given once in the
/// wrapper object before "Records" instead of per row, and rows without activity codes (then the file kind decides). The
/// landed file name carries no message id, so a live shape without any MessageID would need the source to change.</para>
/// </remarks>
public sealed class RealMagnetTrackingParser(IVendorDirectory directory) : ITrackingParser
{
    public const string VendorName = RealMagnetTrackingSource.VendorName;

    /// <summary>Send results under ActivityCode "Sent" that mean the message did not reach the mailbox.</summary>
    internal static readonly HashSet<string> BounceSubcodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "SoftBounce", "HardBounce", "UserNotFound", "MailboxFull", "DomainNotFound", "MailboxUnavailable",
        "Blocked", "Rejected", "Undeliverable", "InvalidEmail", "BadAddress", "TransientFailure", "Bounce", "Bounced",
    };

    /// <summary>Subcodes that mean the address itself is bad (permanent), per Higher Logic's activity codes.</summary>
    private static readonly HashSet<string> HardBounceSubcodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "HardBounce", "UserNotFound", "DomainNotFound", "InvalidEmail", "BadAddress", "Undeliverable",
    };

    public string Vendor => VendorName;

    public async IAsyncEnumerable<ParsedRecord> ParseAsync(
        Stream content, LandedFileName file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(file);
        var kind = file.Kind.ToLowerInvariant();
        switch (kind)
        {
            case RealMagnetTrackingSource.Kinds.Groups or RealMagnetTrackingSource.Kinds.Messages
                or RealMagnetTrackingSource.Kinds.LinkReport:
                yield break;
            case RealMagnetTrackingSource.Kinds.Delivered or RealMagnetTrackingSource.Kinds.Opened
                or RealMagnetTrackingSource.Kinds.Links:
                break;
            default:
                throw new UnreadableFileException($"Unknown Real Magnet file kind '{file.Kind}'.");
        }

        var lookups = new Lookups(directory, cancellationToken);
        var isLinks = kind == RealMagnetTrackingSource.Kinds.Links;

        // Streams the "Records" array of the detailed-tracking wrapper, or a bare array: never the whole page in memory, and
        // each row read straight from the JSON reader (RealMagnetRowReader), no JsonElement per row.
        // System.Text.Json checks a string's UTF-8 only when it is read: invalid bytes surface as InvalidOperationException,
        // which must not crash the fan-out. In a record it is a bad record; in the wrapper the page stops being readable.
        var rows = new RealMagnetRowReader(kind, isLinks);
        await using var records = JsonRecordReader.ReadAsync(content, isLinks ? null : "Records", rows, cancellationToken)
            .GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            RealMagnetRow row;
            try
            {
                if (!await records.MoveNextAsync())
                {
                    break;
                }

                row = records.Current;
            }
            catch (InvalidOperationException ex) when (ex.InnerException is System.Text.DecoderFallbackException)
            {
                throw new UnreadableFileException("The Real Magnet page is not valid UTF-8.", ex);
            }

            ParsedRecord parsed;
            try
            {
                row.Error?.Throw();
                parsed = row.Reject is not null ? ParsedRecord.Reject(row.Position, row.Reject)
                    : isLinks ? await ClickAsync(row, lookups)
                    : await ActivityAsync(row, lookups);
            }
            catch (InvalidOperationException ex) when (ex.InnerException is System.Text.DecoderFallbackException)
            {
                parsed = ParsedRecord.Reject(row.Position, "the record is not valid UTF-8");
            }

            yield return parsed;
        }
    }

    private static async ValueTask<ParsedRecord> ActivityAsync(RealMagnetRow row, Lookups lookups)
    {
        var individualId = row.IndividualId ?? await lookups.IndividualAsync(row.RecipientId);
        var mailing = await lookups.MailingAsync(row.MessageId);
        var status = row.Status;
        return ParsedRecord.Of(new TrackingEvent
        {
            EventId = EventIdentity.For(VendorName, row.MessageId, row.RecipientId, row.Kind, row.OccurredAt),
            Vendor = VendorName,
            Kind = row.Kind,
            IndividualId = individualId,
            MailingId = row.MessageId,
            MailingName = mailing?.Name,
            MailingType = mailing?.MailingType,
            OccurredAt = row.OccurredAt,
            Status = status,
            Bounce = row.Kind != TrackingEventKind.Bounced ? null
                : HardBounceSubcodes.Contains(status ?? string.Empty) ? BounceSeverity.Hard : BounceSeverity.Soft,
            UserUnknown = row.Kind == TrackingEventKind.Bounced && string.Equals(status, "UserNotFound", StringComparison.OrdinalIgnoreCase),
            RecipientEmailHash = row.EmailHash,
        });
    }

    private static async ValueTask<ParsedRecord> ClickAsync(RealMagnetRow row, Lookups lookups)
    {
        var individualId = await lookups.IndividualAsync(row.RecipientId);
        var mailing = await lookups.MailingAsync(row.MessageId);
        return ParsedRecord.Of(new TrackingEvent
        {
            EventId = EventIdentity.For(VendorName, row.MessageId, row.RecipientId, TrackingEventKind.LinkClicked, row.OccurredAt, row.Url),
            Vendor = VendorName,
            Kind = TrackingEventKind.LinkClicked,
            IndividualId = individualId,
            MailingId = row.MessageId,
            MailingName = mailing?.Name,
            MailingType = mailing?.MailingType,
            OccurredAt = row.OccurredAt,
            Url = row.Url,
            LinkLabel = row.LinkLabel,
        });
    }

    internal static bool TryHeader(IReadOnlyDictionary<string, JsonElement> header, string[] names, out JsonElement value)
    {
        foreach (var name in names)
        {
            if (header.TryGetValue(name, out value) && value.ValueKind is not JsonValueKind.Null)
            {
                return true;
            }
        }

        value = default;
        return false;
    }

    internal static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"'{(value.GetString()!.Length > 32 ? value.GetString()![..32] : value.GetString())}'",
        var other => other.ToString(),
    };

    /// <summary>Directory look-ups cached for one parse call (a page repeats the same message and recipients).</summary>
    private sealed class Lookups(IVendorDirectory directory, CancellationToken cancellationToken)
    {
        private readonly Dictionary<string, string?> _individuals = new(StringComparer.Ordinal);
        private readonly Dictionary<string, MailingInfo?> _mailings = new(StringComparer.Ordinal);

        public async ValueTask<string?> IndividualAsync(string recipientId)
        {
            if (!_individuals.TryGetValue(recipientId, out var individual))
            {
                individual = await directory.FindIndividualAsync(VendorName, recipientId, cancellationToken);
                _individuals[recipientId] = individual;
            }

            return individual;
        }

        public async ValueTask<MailingInfo?> MailingAsync(string messageId)
        {
            if (!_mailings.TryGetValue(messageId, out var mailing))
            {
                mailing = await directory.FindMailingAsync(VendorName, messageId, cancellationToken);
                _mailings[messageId] = mailing;
            }

            return mailing;
        }
    }
}
