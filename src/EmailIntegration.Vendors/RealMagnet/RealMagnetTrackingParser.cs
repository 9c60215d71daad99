using System.Runtime.CompilerServices;
using System.Text.Json;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Landing;
using System.Globalization;

namespace EmailIntegration.Vendors.RealMagnet;

/// <summary>
/// Turns a landed Real Magnet page into tracking events, streaming, dispatching on the landed file's kind (see
/// <see cref="RealMagnetTrackingSource"/>):
/// <list type="bullet">
/// <item><c>delivered{id}</c>, <c>bounced{id}</c>, <c>opened{id}</c>, <c>fax{id}</c>: GetDetailedTracking pages of message
/// <c>{id}</c> (<c>TrackingDetails{totalRecords, page, recordsPerPage, RecipientDetails: [recp_track]}</c>) → Delivered, Bounced,
/// Opened, FaxSent, each status code mapped on purpose (<see cref="RealMagnetRecords.EmailStatuses"/>).</item>
/// <item><c>links</c>: GetMessageLinkTracking pages → LinkClicked.</item>
/// <item><c>unsubscribes</c>: GetUnsubscribes → Unsubscribed from the row's e-mail group.</item>
/// <item><c>suppressed</c>: GetSuppressedRecipients → Suppressed (the address is invalid).</item>
/// <item><c>spam</c>: the SOAP getSpamComplaints answer (XML) → SpamComplaint.</item>
/// <item><c>groups</c>, <c>messages</c>, <c>linkreport</c>: no events (landed for audit; the source fed the directory from them).</item>
/// </list>
/// </summary>
/// <remarks>
/// <para>GetMessageLinkTracking (help page https://dna.magnetmail.net/ApiAdapter/Rest/help/operations/GetMessageLinkTracking,
/// Higher Logic https://support.higherlogic.com/hc/en-us/articles/360032691552-GetMessageLinkTracking-) answers a bare array
/// <c>[{"Date":"\/Date(928164000000-0400)\/","LinkLabel","LinkText","LinkURL","MessageID","RecipientID"}]</c>; rows carry no AMS id,
/// so the individual comes from the directory (RecipientID → Custom Member ID, saved by the source from ExecuteReport 2 and
/// the detailed tracking rows); unknown → null IndividualId, which the fan-out holds as unmatched.</para>
/// <para>The record types are the MagnetMail WSDL's (see <see cref="RealMagnetRecords"/>), read case-insensitively because the
/// REST adapter's JSON casing is not published. Sources and confidence per operation: docs/vendors.md.</para>
/// </remarks>
public sealed class RealMagnetTrackingParser(IVendorDirectory directory) : ITrackingParser
{
    public const string VendorName = RealMagnetTrackingSource.VendorName;

    public string Vendor => VendorName;

    public async IAsyncEnumerable<ParsedRecord> ParseAsync(
        Stream content, LandedFileName file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(file);
        var kind = file.Kind.ToLowerInvariant();
        var lookups = new Lookups(directory, cancellationToken);
        switch (kind)
        {
            case RealMagnetTrackingSource.Kinds.Groups or RealMagnetTrackingSource.Kinds.Messages
                or RealMagnetTrackingSource.Kinds.LinkReport:
                yield break;
            case RealMagnetTrackingSource.Kinds.Links:
                await foreach (var click in ClicksAsync(content, lookups, cancellationToken))
                {
                    yield return click;
                }

                yield break;
            case RealMagnetTrackingSource.Kinds.Spam:
                foreach (var (at, row, reject) in RealMagnetRecords.SpamComplaintRows(content))
                {
                    yield return row is null
                        ? ParsedRecord.Reject(Position(at), reject!)
                        : await EventAsync(row, lookups);
                }

                yield break;
        }

        Func<JsonElement, (RealMagnetRecords.Row? Row, string? Reject)> read;
        string? recordsProperty = null;
        if (kind == RealMagnetTrackingSource.Kinds.Unsubscribes)
        {
            read = e => (RealMagnetRecords.UnsubscribeRow(e, out var reject), reject);
        }
        else if (kind == RealMagnetTrackingSource.Kinds.Suppressed)
        {
            read = e => (RealMagnetRecords.SuppressedRow(e, out var reject), reject);
        }
        else if (RealMagnetReports.TryParseKind(kind, out var report, out var messageId))
        {
            recordsProperty = "RecipientDetails";
            read = e => (RealMagnetRecords.TrackRow(e, report, messageId, out var reject), reject);
        }
        else
        {
            throw new UnreadableFileException($"Unknown Real Magnet file kind '{file.Kind}'.");
        }

        var index = 0;
        await using var records = JsonRecordReader.ReadAsync(content, recordsProperty, ElementReader.Instance, cancellationToken, recordsOptional: true)
            .GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            JsonElement element;
            try
            {
                if (!await records.MoveNextAsync())
                {
                    break;
                }

                element = records.Current;
            }
            catch (InvalidOperationException ex) when (ex.InnerException is System.Text.DecoderFallbackException)
            {
                throw new UnreadableFileException("The Real Magnet page is not valid UTF-8.", ex);
            }

            RealMagnetRecords.Row? row;
            string? reason;
            try
            {
                (row, reason) = read(element);
            }
            catch (InvalidOperationException ex) when (ex.InnerException is System.Text.DecoderFallbackException)
            {
                (row, reason) = (null, "the record is not valid UTF-8");
            }

            var position = Position(index++);
            if (row is not null)
            {
                yield return await EventAsync(row, lookups);
            }
            else if (reason is not null)
            {
                yield return ParsedRecord.Reject(position, reason);
            }

            // Neither: a row with no result yet (Inprogress) or an explicit "not suppressed", which makes no event.
        }
    }

    private static string Position(int index) => string.Create(CultureInfo.InvariantCulture, $"record {index}");

    private static async ValueTask<ParsedRecord> EventAsync(RealMagnetRecords.Row row, Lookups lookups)
    {
        var individualId = row.IndividualId ?? await lookups.IndividualAsync(row.RecipientId);
        var mailing = row.MailingId == RealMagnetRecords.NoMailing ? null : await lookups.MailingAsync(row.MailingId);
        return ParsedRecord.Of(new TrackingEvent
        {
            // A group is part of an unsubscribe's identity: one recipient may leave two groups at the same instant.
            EventId = EventIdentity.For(VendorName, row.MailingId, row.RecipientId, row.Kind, row.OccurredAt,
                row.Kind == TrackingEventKind.Unsubscribed ? row.EmailGroup : null),
            Vendor = VendorName,
            Kind = row.Kind,
            IndividualId = individualId,
            MailingId = row.MailingId,
            MailingName = mailing?.Name ?? row.MailingName,
            MailingType = mailing?.MailingType,
            OccurredAt = row.OccurredAt,
            Status = row.Status,
            Bounce = row.Bounce,
            UserUnknown = row.UserUnknown,
            Reason = row.Reason,
            RecipientEmailHash = row.EmailHash,
            FaxNumber = row.FaxNumber,
            EmailGroup = row.EmailGroup,
        });
    }

    /// <summary>
    /// Streams a links page: each row read straight from the JSON reader (<see cref="RealMagnetRowReader"/>), no
    /// <see cref="JsonElement"/> per row. Invalid UTF-8 in a record is a bad record; in the structure the page stops being readable.
    /// </summary>
    private static async IAsyncEnumerable<ParsedRecord> ClicksAsync(
        Stream content, Lookups lookups, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var rows = new RealMagnetRowReader();
        await using var records = JsonRecordReader.ReadAsync(content, null, rows, cancellationToken).GetAsyncEnumerator(cancellationToken);
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
                parsed = row.Reject is not null ? ParsedRecord.Reject(row.Position, row.Reject) : await ClickAsync(row, lookups);
            }
            catch (InvalidOperationException ex) when (ex.InnerException is System.Text.DecoderFallbackException)
            {
                parsed = ParsedRecord.Reject(row.Position, "the record is not valid UTF-8");
            }

            yield return parsed;
        }
    }

    /// <summary>Each record as a <see cref="JsonElement"/> (a detailed-tracking row nests its recipient).</summary>
    private sealed class ElementReader : IJsonRecordFactory<JsonElement>
    {
        public static readonly ElementReader Instance = new();

        public bool TryRead(ref Utf8JsonReader reader, int index, IReadOnlyDictionary<string, JsonElement> header, out JsonElement record)
        {
            if (JsonElement.TryParseValue(ref reader, out var value))
            {
                record = value!.Value;
                return true;
            }

            record = default;
            return false;
        }
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
        private readonly Dictionary<string, string?> individuals = new(StringComparer.Ordinal);
        private readonly Dictionary<string, MailingInfo?> mailings = new(StringComparer.Ordinal);

        public async ValueTask<string?> IndividualAsync(string recipientId)
        {
            if (!individuals.TryGetValue(recipientId, out var individual))
            {
                individual = await directory.FindIndividualAsync(VendorName, recipientId, cancellationToken);
                individuals[recipientId] = individual;
            }

            return individual;
        }

        public async ValueTask<MailingInfo?> MailingAsync(string messageId)
        {
            if (!mailings.TryGetValue(messageId, out var mailing))
            {
                mailing = await directory.FindMailingAsync(VendorName, messageId, cancellationToken);
                mailings[messageId] = mailing;
            }

            return mailing;
        }
    }
}
