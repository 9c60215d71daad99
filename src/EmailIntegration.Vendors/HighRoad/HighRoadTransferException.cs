using System.Net;

namespace EmailIntegration.Vendors.HighRoad;

/// <summary>
/// An HTTPS or SFTP transfer with HighRoad failed (refused, not found, retries exhausted). The message names the
/// operation and host, never a credential, a URL query or file content.
/// </summary>
public sealed class HighRoadTransferException(string message, HttpStatusCode? statusCode = null, Exception? inner = null)
    : Exception(message, inner)
{
    public HttpStatusCode? StatusCode { get; } = statusCode;

    public bool IsAuthenticationFailure => StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
}
