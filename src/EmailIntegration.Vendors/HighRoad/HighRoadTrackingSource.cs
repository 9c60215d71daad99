using System.Globalization;
using System.Text.RegularExpressions;
using EmailIntegration.Pipeline.Fetch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.HighRoad;

/// <summary>
/// The nightly fetch of HighRoad's tracking export (vendor <c>highroad</c>). HighRoad publishes no API specification, so
/// the adapter lands CSV files as they are, one <see cref="FetchedPage"/> (kind <c>export</c>, extension <c>csv</c>) per
/// file, and <see cref="HighRoadCsvParser"/> reads them with the configured layout.
/// <list type="bullet">
/// <item><see cref="HighRoadSource.Https"/>: GET <see cref="HighRoadOptions.HttpsUrl"/> with <c>{from}</c>/<c>{to}</c>
/// (yyyy-MM-dd, end exclusive) and <c>{toInclusive}</c> filled from the window → one page.</item>
/// <item><see cref="HighRoadSource.Sftp"/>: every file in the remote directory that matches the pattern and was written in
/// [window start, window end) → one page each, oldest first.</item>
/// <item><see cref="HighRoadSource.Drop"/>: disabled; operators upload files straight into the landing container under
/// <c>highroad/yyyy/MM/dd/&lt;runId&gt;/export-00001.csv</c>, which the blob trigger picks up.</item>
/// </list>
/// </summary>
/// <remarks>
/// Windows end at today 00:00 UTC, like the other vendors: an SFTP file still being written tonight has today's time and
/// waits for the next run; consecutive windows are contiguous, so no file falls between two runs (a file whose time is
/// set back before the watermark, e.g. uploaded with <c>scp -p</c>, is not seen: upload with the current time).
/// Record counts are the data rows, counted while the bytes stream in. An empty file (no bytes, or only a BOM/blank
/// lines) is not landed.
/// </remarks>
public sealed class HighRoadTrackingSource(
    HighRoadHttpClient http,
    IHighRoadSftpConnector sftp,
    IOptions<HighRoadOptions> options,
    ILogger<HighRoadTrackingSource> logger) : IVendorTrackingSource
{
    public const string VendorName = "highroad";

    /// <summary>The landed file kind.</summary>
    public const string ExportKind = "export";

    public const string Extension = "csv";

    public string Vendor => VendorName;

    public bool IsEnabled => options.Value.Enabled && options.Value.Source != HighRoadSource.Drop;

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

    public Task FetchAsync(TrackingWindow window, IFetchedPageSink pages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        return options.Value.Source switch
        {
            HighRoadSource.Https => FetchHttpsAsync(window, pages, cancellationToken),
            HighRoadSource.Sftp => FetchSftpAsync(window, pages, cancellationToken),
            _ => throw new VendorFetchException(VendorName, "the source is Drop: files are uploaded into the landing container, not fetched",
                kind: VendorFailureKind.Permanent),
        };
    }

    /// <summary>Fills <c>{from}</c>, <c>{to}</c> (exclusive) and <c>{toInclusive}</c> with yyyy-MM-dd dates.</summary>
    public static string ExpandUrl(string template, DateOnly from, DateOnly to)
    {
        ArgumentNullException.ThrowIfNull(template);
        static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return template
            .Replace("{from}", Iso(from), StringComparison.OrdinalIgnoreCase)
            .Replace("{toInclusive}", Iso(to.AddDays(-1)), StringComparison.OrdinalIgnoreCase)
            .Replace("{to}", Iso(to), StringComparison.OrdinalIgnoreCase);
    }

    private async Task FetchHttpsAsync(TrackingWindow window, IFetchedPageSink pages, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var (from, to) = Dates(window);
        if (string.IsNullOrWhiteSpace(o.HttpsUrl)
            || !Uri.TryCreate(ExpandUrl(o.HttpsUrl, from, to), UriKind.Absolute, out var url))
        {
            throw new VendorFetchException(VendorName, "HttpsUrl is not an absolute URL", kind: VendorFailureKind.Permanent);
        }

        var download = await http.DownloadAsync(url, cancellationToken);

        if (IsEmpty(download.Content.Span))
        {
            logger.LogInformation("HighRoad export {From}..{To} from {Host} is empty; nothing landed", from, to, url.Host);
            return;
        }

        logger.LogInformation("HighRoad export {From}..{To} from {Host}: {Rows} rows", from, to, url.Host, download.DataRows);
        var landed = new FetchedPage(ExportKind, 1, Extension, download.Content, download.DataRows);
        await pages.LandAsync(landed, cancellationToken);
        if (download.InsideQuotes)
        {
            await pages.UnreadableAsync(landed, $"HTTPS export {from:yyyy-MM-dd}..{to:yyyy-MM-dd}", UnclosedQuote, cancellationToken);
        }
    }

    private async Task FetchSftpAsync(TrackingWindow window, IFetchedPageSink pages, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var directory = string.IsNullOrWhiteSpace(o.Sftp.RemoteDirectory) ? "/" : o.Sftp.RemoteDirectory;
        var pattern = Glob(o.Sftp.FilePattern);
        var maxBytes = (long)o.MaxFileMegabytes * 1024 * 1024;

        var session = await sftp.ConnectAsync(cancellationToken);
        await using (session)
        {
            var listing = await session.ListFilesAsync(directory, cancellationToken);

            var files = listing
                .Where(f => pattern.IsMatch(f.Name) && f.LastWriteUtc >= window.Start && f.LastWriteUtc < window.End)
                .OrderBy(f => f.LastWriteUtc).ThenBy(f => f.Name, StringComparer.Ordinal)
                .ToList();
            var page = 0;
            foreach (var file in files)
            {
                if (file.Length > maxBytes)
                {
                    throw new VendorFetchException(VendorName,
                        $"{file.Name} is {file.Length} bytes, more than MaxFileMegabytes ({o.MaxFileMegabytes})");
                }

                var buffer = new CountingBuffer(file.Length, maxBytes);
                try
                {
                    await session.DownloadAsync(file.FullPath, buffer, cancellationToken);
                }
                catch (InvalidDataException ex)
                {
                    throw new VendorFetchException(VendorName, $"{file.Name}: {ex.Message}", ex);
                }

                var content = buffer.Content;
                if (IsEmpty(content.Span))
                {
                    logger.LogInformation("HighRoad SFTP file {File} is empty; not landed", file.Name);
                    continue;
                }

                var rows = buffer.Complete();
                page++;
                logger.LogInformation("HighRoad SFTP file {File} ({LastWrite:o}) → export page {Page}: {Rows} rows",
                    file.Name, file.LastWriteUtc, page, rows);
                var landed = new FetchedPage(ExportKind, page, Extension, content, rows);
                await pages.LandAsync(landed, cancellationToken);
                if (buffer.InsideQuotes)
                {
                    // Landed first, bytes unchanged; reported so it is quarantined and the window is fetched again.
                    await pages.UnreadableAsync(landed, $"SFTP file {file.Name}", UnclosedQuote, cancellationToken);
                }
            }

            logger.LogInformation("HighRoad SFTP {Directory} {WindowStart:o}..{WindowEnd:o}: {Files} of {Listed} files in the window",
                directory, window.Start, window.End, files.Count, listing.Count);
        }
    }

    private const string UnclosedQuote = "a quoted field is never closed: the file is cut off or its quotes are broken";

    private static (DateOnly From, DateOnly To) Dates(TrackingWindow window)
    {
        var from = DateOnly.FromDateTime(window.Start.UtcDateTime);
        var to = DateOnly.FromDateTime(window.End.UtcDateTime);
        if (window.End.UtcDateTime.TimeOfDay > TimeSpan.Zero)
        {
            to = to.AddDays(1);
        }

        return (from, to);
    }

    /// <summary>No bytes, or only a UTF-8 BOM and whitespace.</summary>
    internal static bool IsEmpty(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            content = content[3..];
        }

        foreach (var b in content)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }

    internal static Regex Glob(string? pattern)
    {
        var p = string.IsNullOrWhiteSpace(pattern) ? "*" : pattern.Trim();
        var regex = @"\A" + Regex.Escape(p).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + @"\z";
        return new Regex(regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    /// <summary>A write-only stream that keeps the bytes once and counts CSV rows as they arrive.</summary>
    private sealed class CountingBuffer(long expectedLength, long maxBytes) : Stream
    {
        private readonly MemoryStream bytes = new(expectedLength is > 0 and <= int.MaxValue ? (int)expectedLength : 81_920);
        private readonly CsvRowCounter counter = new();

        public ReadOnlyMemory<byte> Content => bytes.GetBuffer().AsMemory(0, (int)bytes.Length);

        public int Complete() => (int)Math.Min(counter.Complete(), int.MaxValue);

        public bool InsideQuotes => counter.InsideQuotes;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => bytes.Length;

        public override long Position { get => bytes.Length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (bytes.Length + buffer.Length > maxBytes)
            {
                throw new InvalidDataException($"the file is larger than {maxBytes} bytes");
            }

            counter.Feed(buffer);
            bytes.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
