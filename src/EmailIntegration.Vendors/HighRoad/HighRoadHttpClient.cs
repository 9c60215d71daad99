using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using EmailIntegration.Pipeline.Fetch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.HighRoad;

/// <summary>A downloaded export: the bytes as served and the data rows counted while they streamed in.</summary>
/// <param name="InsideQuotes">The bytes ended inside a quoted field (cut off, or broken quotes).</param>
public sealed record HighRoadDownload(ReadOnlyMemory<byte> Content, int DataRows, bool InsideQuotes = false);

/// <summary>
/// Typed HttpClient for HighRoad's HTTPS export and upload endpoints, behind the standard resilience handler (retries
/// 408/429/5xx honouring Retry-After, attempt and total timeouts; see <see cref="VendorRegistration.AddVendorHttpClient"/>);
/// sent and classified as every vendor's call (<see cref="VendorHttp"/>).
/// HTTP Basic authentication when <see cref="HighRoadOptions.HttpsUserName"/> is set. Messages and logs name the host
/// only: a URL's path or query may carry a token.
/// </summary>
public sealed class HighRoadHttpClient(HttpClient http, IOptions<HighRoadOptions> options, ILogger<HighRoadHttpClient> logger)
{
    private const string Vendor = HighRoadTrackingSource.VendorName;
    private const int ChunkSize = 81_920;

    /// <summary>GETs the export, streaming it into memory once while counting its data rows.</summary>
    /// <exception cref="VendorFetchException">Refused, failed, timed out or larger than MaxFileMegabytes.</exception>
    public async Task<HighRoadDownload> DownloadAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var o = options.Value;
        var maxBytes = (long)o.MaxFileMegabytes * 1024 * 1024;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/csv");
        request.Headers.Accept.ParseAdd("*/*;q=0.5");
        Authorize(request);

        var started = Stopwatch.GetTimestamp();
        using var response = await VendorHttp.SendAsync(http, request, Vendor, $"the export download at {url.Host}", cancellationToken);

        // The body is outside the resilience handler's timeouts (headers-read): bound it by the total timeout.
        using var bodyTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bodyTimeout.CancelAfter(o.Timeout);
        var length = response.Content.Headers.ContentLength;
        if (length > maxBytes)
        {
            throw new VendorFetchException(Vendor,
                $"the export from {url.Host} is {length} bytes, more than MaxFileMegabytes ({o.MaxFileMegabytes}).");
        }

        var buffer = new MemoryStream(length is > 0 ? (int)length.Value : ChunkSize);
        var counter = new CsvRowCounter();
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(bodyTimeout.Token);
            var chunk = new byte[ChunkSize];
            int read;
            while ((read = await body.ReadAsync(chunk, bodyTimeout.Token)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw new VendorFetchException(Vendor,
                        $"the export from {url.Host} is larger than MaxFileMegabytes ({o.MaxFileMegabytes}).");
                }

                counter.Feed(chunk.AsSpan(0, read));
                buffer.Write(chunk, 0, read);
            }
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new VendorFetchException(Vendor, $"the export download from {url.Host} timed out while reading the body.", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw new VendorFetchException(Vendor, $"the export download from {url.Host} broke off: {ex.GetType().Name}.", ex);
        }

        var rows = counter.Complete();
        logger.LogDebug("HighRoad export from {Host}: {Bytes} bytes, {Rows} data rows in {ElapsedMs} ms",
            url.Host, buffer.Length, rows, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new HighRoadDownload(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), (int)Math.Min(rows, int.MaxValue), counter.InsideQuotes);
    }

    /// <summary>POSTs a file (<c>text/csv</c>, its name in Content-Disposition).</summary>
    /// <exception cref="VendorFetchException">Refused, failed or timed out.</exception>
    public async Task PostFileAsync(Uri url, string fileName, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        var body = new ReadOnlyMemoryContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
        body.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = fileName };
        request.Content = body;
        Authorize(request);
        using var response = await VendorHttp.SendAsync(http, request, Vendor, $"the upload at {url.Host}", cancellationToken);
        logger.LogDebug("HighRoad accepted {FileName} ({Bytes} bytes) at {Host}", fileName, content.Length, url.Host);
    }

    private void Authorize(HttpRequestMessage request)
    {
        var o = options.Value;
        if (!string.IsNullOrWhiteSpace(o.HttpsUserName))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.HttpsUserName}:{o.HttpsPassword}")));
        }
    }
}
