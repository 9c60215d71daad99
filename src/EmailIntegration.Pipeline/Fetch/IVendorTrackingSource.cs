using System.Net;

namespace EmailIntegration.Pipeline.Fetch;

/// <summary>A vendor's tracking API, as the nightly fetch sees it.</summary>
public interface IVendorTrackingSource
{
    /// <summary>Lower-case name used in landed file names, watermarks and the run log.</summary>
    string Vendor { get; }

    bool IsEnabled { get; }

    /// <summary>The next window to fetch after the watermark, capped by the vendor's limits; null when caught up.</summary>
    TrackingWindow? PlanWindow(DateTimeOffset? watermark, DateTimeOffset now);

    /// <summary>
    /// Fetches every raw response page of the window, to the last page. Each response goes to
    /// <see cref="IFetchedPageSink.LandAsync"/> unchanged <em>before</em> the source acts on anything read from it (paging,
    /// the vendor directory), and whether or not it could be read, so bytes the source cannot read are kept. (A source may
    /// parse a page in memory first, to count its records, as long as no failure of that parse can skip the landing.) A page the source cannot read is
    /// reported to <see cref="IFetchedPageSink.UnreadableAsync"/>, and the source goes on with every query that does
    /// not depend on it (the following messages, the following feeds).
    /// </summary>
    Task FetchAsync(TrackingWindow window, IFetchedPageSink pages, CancellationToken cancellationToken);
}

/// <summary>Where a source hands its raw pages: the fetcher lands them, and quarantines the ones the source could not read.</summary>
public interface IFetchedPageSink
{
    /// <summary>Lands the page, bytes unchanged; returns once it is stored.</summary>
    Task LandAsync(FetchedPage page, CancellationToken cancellationToken);

    /// <summary>
    /// A landed page could not be read. The fetcher quarantines its landed file with the reason, names it in the run log,
    /// and keeps the vendor's watermark, so the next run fetches the window again (what was applied stays applied once).
    /// </summary>
    /// <param name="page">The page as it was landed.</param>
    /// <param name="where">Which query and page, e.g. <c>GetDetailedTracking(email_delivered) message 1001 page 2</c>; never personal data.</param>
    /// <param name="reason">Why it could not be read; never the page's content.</param>
    Task UnreadableAsync(FetchedPage page, string where, string reason, CancellationToken cancellationToken);
}

/// <summary>[Start, End) in UTC.</summary>
public sealed record TrackingWindow(DateTimeOffset Start, DateTimeOffset End);

/// <param name="Kind">Which tracking feed the page belongs to (e.g. "delivery", "links"); the parser keys on it.</param>
/// <param name="Body">The vendor's response body, byte for byte.</param>
/// <param name="RecordCount">Records in the page, as counted by the source while paging (0 when it is landed before it is read).</param>
public sealed record FetchedPage(string Kind, int PageNumber, string Extension, ReadOnlyMemory<byte> Body, int RecordCount);

/// <summary>Whether trying the same call again later can succeed.</summary>
public enum VendorFailureKind
{
    /// <summary>Outage, timeout, throttling, 5xx: the next attempt or the next run may succeed.</summary>
    Transient,

    /// <summary>Refused as sent (4xx other than 408/429, a contract the vendor rejects, missing configuration): retrying the same request cannot help.</summary>
    Permanent,
}

/// <summary>A vendor failure that ends the vendor's run for tonight (auth refused, retries exhausted).</summary>
/// <remarks>The class of a failure is typed (<see cref="Kind"/>, <see cref="StatusCode"/>): nothing decides by reading the message.</remarks>
public sealed class VendorFetchException(
    string vendor, string message, Exception? inner = null,
    VendorFailureKind kind = VendorFailureKind.Transient, HttpStatusCode? statusCode = null)
    : Exception($"{vendor}: {message}", inner)
{
    public string Vendor { get; } = vendor;

    public VendorFailureKind Kind { get; } = kind;

    /// <summary>The vendor's HTTP status, when the failure was an HTTP answer.</summary>
    public HttpStatusCode? StatusCode { get; } = statusCode;

    /// <summary>The message without the leading vendor name.</summary>
    public string Detail { get; } = message;

    public bool IsPermanent => Kind == VendorFailureKind.Permanent;

    /// <summary>4xx other than 408 and 429 is the vendor refusing the request as sent.</summary>
    public static VendorFailureKind KindOf(HttpStatusCode status) =>
        (int)status is >= 400 and < 500 && status is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
            ? VendorFailureKind.Permanent
            : VendorFailureKind.Transient;

    /// <summary>A vendor's HTTP answer that was not a success, classified by its status.</summary>
    public static VendorFetchException ForStatus(string vendor, string message, HttpStatusCode status, Exception? inner = null) =>
        new(vendor, message, inner, KindOf(status), status);
}
