using System.Net;
using EmailIntegration.Pipeline.Fetch;

namespace EmailIntegration.Vendors.HighRoad;

/// <summary>
/// An HTTPS or SFTP transfer with HighRoad failed (refused, not found, retries exhausted). The message names the
/// operation and host, never a credential, a URL query or file content.
/// </summary>
/// <param name="refusedAsConfigured">The transfer cannot succeed until someone changes the configuration (missing target, unreadable key).</param>
public sealed class HighRoadTransferException(
    string message, HttpStatusCode? statusCode = null, Exception? inner = null, bool refusedAsConfigured = false)
    : Exception(message, inner)
{
    public HttpStatusCode? StatusCode { get; } = statusCode;

    /// <summary>Retrying the same transfer cannot help: a configuration gap, or an HTTP 4xx other than 408/429.</summary>
    public VendorFailureKind Kind { get; } = refusedAsConfigured
        ? VendorFailureKind.Permanent
        : statusCode is { } s ? VendorFetchException.KindOf(s) : VendorFailureKind.Transient;

    public bool IsAuthenticationFailure => StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
}
