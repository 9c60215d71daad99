namespace EmailIntegration.Pipeline.Fetch;

/// <summary>A vendor's tracking API, as the nightly fetch sees it.</summary>
public interface IVendorTrackingSource
{
    /// <summary>Lower-case name used in landed file names, watermarks and the run log.</summary>
    string Vendor { get; }

    bool IsEnabled { get; }

    /// <summary>The next window to fetch after the watermark, capped by the vendor's limits; null when caught up.</summary>
    TrackingWindow? PlanWindow(DateTimeOffset? watermark, DateTimeOffset now);

    /// <summary>Every raw response page of the window, to the last page, unchanged.</summary>
    IAsyncEnumerable<FetchedPage> FetchAsync(TrackingWindow window, CancellationToken cancellationToken);
}

/// <summary>[Start, End) in UTC.</summary>
public sealed record TrackingWindow(DateTimeOffset Start, DateTimeOffset End);

/// <param name="Kind">Which tracking feed the page belongs to (e.g. "delivery", "links"); the parser keys on it.</param>
/// <param name="Body">The vendor's response body, byte for byte.</param>
/// <param name="RecordCount">Records in the page, as counted by the source while paging.</param>
public sealed record FetchedPage(string Kind, int PageNumber, string Extension, ReadOnlyMemory<byte> Body, int RecordCount);

/// <summary>A vendor failure that ends the vendor's run for tonight (auth refused, retries exhausted).</summary>
public sealed class VendorFetchException(string vendor, string message, Exception? inner = null)
    : Exception($"{vendor}: {message}", inner)
{
    public string Vendor { get; } = vendor;
}
