using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Vendors.Parsing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sylvan.Data.Csv;

namespace EmailIntegration.Vendors.HighRoad;

/// <summary>
/// Reads a landed HighRoad CSV export (any kind, extension <c>csv</c>) into tracking events, streaming with Sylvan.Data.Csv,
/// using the configured layout (<see cref="HighRoadFormat"/>): delimiter, header names of the column map (case-insensitive),
/// kind map, date format and time zone.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A UTF-8 (or UTF-16) BOM is honoured; quoted fields may hold delimiters, quotes (<c>""</c>) and line breaks.</item>
/// <item>A required column (MailingId, EventKind, Date, and IndividualId or Email) missing from the header →
/// <see cref="UnreadableFileException"/> naming the column. A configured optional column that is missing is logged and
/// left empty.</item>
/// <item>A row with an unreadable date, an unknown event value, no mailing id or no recipient →
/// <see cref="ParsedRecord.Reject"/> with <c>line N</c> (the physical line the row starts on; the header is line 1) and
/// parsing goes on. A broken quote stops the file: <see cref="UnreadableFileException"/> after the good rows before it.</item>
/// <item>The e-mail address is only ever hashed (<see cref="EmailHash.Of"/>); reasons never echo a value containing '@'.</item>
/// <item>Event ids: <see cref="EventIdentity.For"/>(highroad, mailing, individual id or <c>email:</c>hash, kind, time, URL).</item>
/// <item>The e-mail group is the event's mailing type, and for an unsubscribe also the group it applies to.</item>
/// </list>
/// </remarks>
public sealed class HighRoadCsvParser(IOptions<HighRoadOptions> options, ILogger<HighRoadCsvParser> logger) : ITrackingParser
{
    public const string VendorName = HighRoadTrackingSource.VendorName;

    private const int BufferSize = 64 * 1024;

    /// <summary>A single record (quoted newlines included) may grow the buffer to this size.</summary>
    private const int MaxRecordSize = 4 * 1024 * 1024;

    private HighRoadFormat? format;

    public string Vendor => VendorName;

    public async IAsyncEnumerable<ParsedRecord> ParseAsync(
        Stream content, LandedFileName file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(file);
        if (!string.Equals(file.Extension, HighRoadTrackingSource.Extension, StringComparison.OrdinalIgnoreCase))
        {
            throw new UnreadableFileException($"A HighRoad landed file must be a .csv export, not '.{file.Extension}'.");
        }

        var format = this.format ??= HighRoadFormat.Create(options.Value);
        using var text = new StreamReader(content, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, BufferSize, leaveOpen: true);
        CsvDataReader csv;
        try
        {
            csv = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions
            {
                HasHeaders = true,
                Delimiter = format.Delimiter,
                HeaderComparer = StringComparer.OrdinalIgnoreCase,
                BufferSize = BufferSize,
                MaxBufferSize = MaxRecordSize,
            }, cancellationToken);
        }
        catch (CsvMissingHeadersException)
        {
            // No header at all: an empty export, nothing to read.
            yield break;
        }
        catch (CsvFormatException ex)
        {
            throw new UnreadableFileException($"The CSV header (line 1) is not readable: {Describe(ex)}.", ex);
        }

        await using (csv)
        {
            var columns = MapColumns(csv, format);
            var caches = new RowCaches();
            var line = 2; // the header is line 1 (a header with quoted line breaks is not expected)
            var rows = 0;
            while (true)
            {
                bool hasRow;
                UnreadableFileException? failure = null;
                try
                {
                    hasRow = await csv.ReadAsync(cancellationToken);
                }
                catch (CsvFormatException ex)
                {
                    hasRow = false;
                    failure = new UnreadableFileException(
                        $"The CSV is not readable from line {line} on, after {rows} rows: {Describe(ex)}.", ex);
                }

                if (failure is not null)
                {
                    throw failure;
                }

                if (!hasRow)
                {
                    yield break;
                }

                var rowLine = line;
                line += LineBreaks(csv.GetRawRecordSpan());
                if (csv.RowFieldCount <= 1 && string.IsNullOrWhiteSpace(csv.GetString(0)))
                {
                    continue; // a blank line is not a record
                }

                rows++;
                yield return ParseRow(csv, columns, format, rowLine, caches);
            }
        }
    }

    /// <remarks>
    /// Fields are read as spans (Sylvan unquotes into its own buffer, so each span is used before the next is read); strings
    /// are made only of the kept values, repeated ones interned per parse (<see cref="StringCache"/>), and each distinct
    /// address is hashed once per parse (<see cref="EmailHashCache"/>).
    /// </remarks>
    private static ParsedRecord ParseRow(CsvDataReader csv, Columns c, HighRoadFormat format, int line, RowCaches caches)
    {
        var strings = caches.Strings;
        var kindValue = Field(csv, c.EventKind);
        if (kindValue.IsEmpty)
        {
            return Reject(line, "no event kind");
        }

        if (!format.TryGetKind(kindValue, out var kind))
        {
            return Reject(line, $"unknown event kind '{HighRoadFormat.Echo(kindValue.ToString())}' (not in KindMap)");
        }

        var mailingValue = Field(csv, c.MailingId);
        if (mailingValue.IsEmpty)
        {
            return Reject(line, "no mailing id");
        }

        var mailingId = strings.Get(mailingValue);
        var dateValue = Field(csv, c.Date);
        if (dateValue.IsEmpty)
        {
            return Reject(line, "no date");
        }

        if (!format.TryParseDate(dateValue, out var occurredAt, out var dateError))
        {
            return Reject(line, dateError);
        }

        var individualId = Text(strings, Field(csv, c.IndividualId));
        // The address's fingerprint travels only where it is used: as the recipient key when the row has no AMS id, and
        // for the profile's address health (bounces, suppressions). Hashing it is most of a row's parse time.
        var needsAddress = individualId is null || kind.Kind is TrackingEventKind.Bounced or TrackingEventKind.Suppressed;
        var emailHash = needsAddress ? caches.Emails.Of(Field(csv, c.Email)) : null;
        if (individualId is null && emailHash is null)
        {
            return Reject(line, "no individual id and no e-mail address");
        }

        var url = Text(strings, Field(csv, c.Url));
        var group = Text(strings, Field(csv, c.EmailGroup));
        var status = Text(strings, Field(csv, c.Status));
        var reason = Text(strings, Field(csv, c.Reason));
        var mailingName = Text(strings, Field(csv, c.MailingName));
        var faxNumber = Text(strings, Field(csv, c.FaxNumber));
        var isBounce = kind.Kind == TrackingEventKind.Bounced;
        var recipientKey = individualId ?? "email:" + emailHash;
        return ParsedRecord.Of(new TrackingEvent
        {
            EventId = EventIdentity.For(VendorName, mailingId, recipientKey, kind.Kind, occurredAt, url),
            Vendor = VendorName,
            Kind = kind.Kind,
            IndividualId = individualId,
            MailingId = mailingId,
            MailingName = mailingName,
            MailingType = group,
            OccurredAt = occurredAt,
            Url = url,
            FaxNumber = faxNumber,
            Status = status,
            EmailGroup = kind.Kind is TrackingEventKind.Unsubscribed or TrackingEventKind.Suppressed ? group : null,
            Bounce = isBounce ? kind.Bounce : null,
            UserUnknown = isBounce && format.IsUserUnknown(reason, status),
            Reason = reason ?? (isBounce ? status : null),
            RecipientEmailHash = emailHash,
        });
    }

    /// <summary>The trimmed field; empty when the column is not mapped or the row is short.</summary>
    private static ReadOnlySpan<char> Field(CsvDataReader csv, int ordinal) =>
        ordinal < 0 || ordinal >= csv.RowFieldCount ? default : csv.GetFieldSpan(ordinal).Trim();

    /// <summary>A kept value: null when empty (as a blank cell always was), else the interned string.</summary>
    private static string? Text(StringCache strings, ReadOnlySpan<char> value) => value.IsEmpty ? null : strings.Get(value);

    private static ParsedRecord Reject(int line, string reason) =>
        ParsedRecord.Reject(string.Create(CultureInfo.InvariantCulture, $"line {line}"), reason);

    /// <summary>Interned values and address hashes for one parse call.</summary>
    private sealed class RowCaches
    {
        public StringCache Strings { get; } = new();

        public EmailHashCache Emails { get; } = new();
    }

    private sealed record Columns(
        int IndividualId, int Email, int MailingId, int MailingName, int EventKind, int Date,
        int Url, int EmailGroup, int FaxNumber, int Status, int Reason);

    private Columns MapColumns(CsvDataReader csv, HighRoadFormat format)
    {
        var headers = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < csv.FieldCount; i++)
        {
            headers.TryAdd(csv.GetName(i).Trim().TrimStart('\uFEFF'), i);
        }

        var map = format.Columns;
        var missingOptional = new List<string>();
        int Find(string? header, string field, bool required)
        {
            if (string.IsNullOrWhiteSpace(header))
            {
                return -1;
            }

            if (headers.TryGetValue(header.Trim(), out var ordinal))
            {
                return ordinal;
            }

            if (required)
            {
                throw new UnreadableFileException(
                    $"The CSV header has no column '{header.Trim()}' (Columns:{field}); it has: {string.Join(", ", headers.Keys.Select(k => $"'{HighRoadFormat.Echo(k)}'"))}.");
            }

            missingOptional.Add($"'{header.Trim()}' (Columns:{field})");
            return -1;
        }

        var individual = Find(map.IndividualId, nameof(map.IndividualId), required: false);
        var email = Find(map.Email, nameof(map.Email), required: false);
        if (individual < 0 && email < 0)
        {
            var named = new[] { map.IndividualId, map.Email }.Where(h => !string.IsNullOrWhiteSpace(h)).Select(h => $"'{h!.Trim()}'");
            throw new UnreadableFileException(
                $"The CSV header has no recipient column: neither {string.Join(" nor ", named)} (Columns:IndividualId / Columns:Email).");
        }

        var columns = new Columns(
            individual,
            email,
            Find(map.MailingId, nameof(map.MailingId), required: true),
            Find(map.MailingName, nameof(map.MailingName), required: false),
            Find(map.EventKind, nameof(map.EventKind), required: true),
            Find(map.Date, nameof(map.Date), required: true),
            Find(map.Url, nameof(map.Url), required: false),
            Find(map.EmailGroup, nameof(map.EmailGroup), required: false),
            Find(map.FaxNumber, nameof(map.FaxNumber), required: false),
            Find(map.Status, nameof(map.Status), required: false),
            Find(map.Reason, nameof(map.Reason), required: false));
        missingOptional.RemoveAll(m => m.Contains("(Columns:IndividualId)", StringComparison.Ordinal) && email >= 0
                                       || m.Contains("(Columns:Email)", StringComparison.Ordinal) && individual >= 0);
        if (missingOptional.Count > 0)
        {
            logger.LogWarning("HighRoad export has no column {Columns}; those fields stay empty", string.Join(", ", missingOptional));
        }

        return columns;
    }

    /// <summary>Line breaks in a raw record (its own terminator included): CRLF, LF or a lone CR.</summary>
    private static int LineBreaks(ReadOnlySpan<char> raw)
    {
        var count = 0;
        var i = 0;
        while (i < raw.Length)
        {
            var next = raw[i..].IndexOfAny('\r', '\n');
            if (next < 0)
            {
                break;
            }

            i += next;
            if (raw[i] == '\n' || i + 1 >= raw.Length || raw[i + 1] != '\n')
            {
                count++;
            }

            i++;
        }

        // The last record of a file without a final line break still occupies a line.
        return Math.Max(count, 1);
    }

    /// <summary>What went wrong, in our words: Sylvan's messages are fine but we keep file content out of them anyway.</summary>
    private static string Describe(CsvFormatException ex) => ex switch
    {
        CsvRecordTooLargeException => $"a record is larger than {MaxRecordSize / (1024 * 1024)} MB (an unclosed quote?)",
        _ when ex.Message.Contains("without a closing quote", StringComparison.OrdinalIgnoreCase) =>
            "a quoted field runs to the end of the file without its closing quote",
        _ when ex.Message.Contains("closing quote", StringComparison.OrdinalIgnoreCase) =>
            "a closing quote is followed by something other than a delimiter or a line break",
        _ => $"malformed CSV ({ex.GetType().Name})",
    };
}
