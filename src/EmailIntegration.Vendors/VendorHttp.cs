using System.Diagnostics;
using System.Globalization;
using System.Net;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Vendors.Soap;
using Microsoft.Extensions.Logging;
using Polly;

namespace EmailIntegration.Vendors;

/// <summary>
/// How every vendor client sends a request and classifies what comes back, so that a failure is one
/// <see cref="VendorFetchException"/> everywhere: a transport failure (after the resilience handler's retries), the handler
/// abandoning the call, or a timeout that is not the caller's cancellation is transient; an HTTP answer that is not a success
/// is classified by its status (<see cref="VendorFetchException.ForStatus"/>: 4xx other than 408/429 permanent); a SOAP fault
/// by its code (<see cref="SoapFault.ToFailure"/>). Messages name the operation and the status, never a body: vendors may echo
/// the request, which carries the credentials.
/// </summary>
public static class VendorHttp
{
    /// <summary>
    /// Sends with the headers read and returns the successful response, whose body the caller reads (and disposes); throws the
    /// typed failure otherwise.
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient http, HttpRequestMessage request, string vendor, string operation, CancellationToken cancellationToken)
    {
        var response = await TransmitAsync(http, request, HttpCompletionOption.ResponseHeadersRead, vendor, operation, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var status = response.StatusCode;
            response.Dispose();
            throw StatusFailure(vendor, operation, status);
        }

        return response;
    }

    /// <summary>Sends, reads the whole answer and returns its bytes unchanged; throws the typed failure otherwise.</summary>
    public static Task<byte[]> SendForBytesAsync(
        HttpClient http, HttpRequestMessage request, string vendor, string operation, ILogger logger, CancellationToken cancellationToken) =>
        ReadAsync(http, request, vendor, operation, logger, soapSecrets: null, cancellationToken);

    /// <summary>
    /// <see cref="SendForBytesAsync"/> for a SOAP call: a SOAP fault in the answer, whatever its status, is the failure, its
    /// text reported without <paramref name="secrets"/> or any e-mail address.
    /// </summary>
    public static Task<byte[]> SendSoapAsync(
        HttpClient http, HttpRequestMessage request, string vendor, string operation, IReadOnlyList<string?> secrets, ILogger logger,
        CancellationToken cancellationToken) =>
        ReadAsync(http, request, vendor, operation, logger, secrets, cancellationToken);

    /// <summary>An HTTP answer that is not a success, classified by its status.</summary>
    public static VendorFetchException StatusFailure(string vendor, string operation, HttpStatusCode status) =>
        VendorFetchException.ForStatus(vendor, string.Create(CultureInfo.InvariantCulture,
            $"{operation} failed with HTTP {(int)status} ({status})"), status);

    private static async Task<byte[]> ReadAsync(
        HttpClient http, HttpRequestMessage request, string vendor, string operation, ILogger logger, IReadOnlyList<string?>? soapSecrets,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await TransmitAsync(http, request, HttpCompletionOption.ResponseContentRead, vendor, operation, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        logger.LogDebug("{Vendor} {Operation} answered {Status} with {Bytes} bytes in {ElapsedMs} ms",
            vendor, operation, (int)response.StatusCode, bytes.Length, Stopwatch.GetElapsedTime(started).TotalMilliseconds);

        if (soapSecrets is not null && await SoapFault.TryReadAsync(bytes, cancellationToken) is { } fault)
        {
            throw fault.ToFailure(vendor, operation, response.StatusCode, [.. soapSecrets]);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw StatusFailure(vendor, operation, response.StatusCode);
        }

        return bytes;
    }

    private static async Task<HttpResponseMessage> TransmitAsync(
        HttpClient http, HttpRequestMessage request, HttpCompletionOption completion, string vendor, string operation,
        CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, completion, cancellationToken);
        }
        catch (ExecutionRejectedException ex)
        {
            // Polly's total timeout or open circuit: neither is a TimeoutException nor an HttpRequestException.
            throw new VendorFetchException(vendor, $"{operation} was abandoned: {ex.GetType().Name}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new VendorFetchException(vendor, $"{operation} failed: {ex.HttpRequestError}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new VendorFetchException(vendor, $"{operation} timed out", ex);
        }
    }
}
