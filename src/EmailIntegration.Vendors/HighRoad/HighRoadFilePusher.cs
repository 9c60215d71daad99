using EmailIntegration.Pipeline.Fetch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.HighRoad;

/// <summary>Which outbound file.</summary>
public enum HighRoadUploadKind
{
    OptOuts,
    Recipients,
}

/// <param name="Destination">Host and path (HTTPS) or host and remote path (SFTP); no query, no credentials.</param>
public sealed record HighRoadUploadResult(string FileName, int Rows, long Bytes, string Destination);

/// <summary>
/// Pushes an outbound CSV to HighRoad: HTTPS POST to the kind's endpoint, or SFTP upload to the kind's directory as
/// <c>name.part</c> renamed to <c>name</c> when complete (so HighRoad never picks up half a file).
/// </summary>
/// <remarks>
/// An HTTPS POST goes through the standard resilience handler, which retries 5xx/429/408: a retried upload can arrive
/// twice, which is harmless for opt-outs and deduplicated by file name for recipient lists on the vendor side (to be
/// confirmed with HighRoad).
/// </remarks>
public sealed class HighRoadFilePusher(
    HighRoadHttpClient http,
    IHighRoadSftpConnector sftp,
    IOptions<HighRoadOptions> options,
    ILogger<HighRoadFilePusher> logger)
{
    /// <exception cref="VendorFetchException">Not configured, refused or failed.</exception>
    public async Task<HighRoadUploadResult> PushAsync(
        HighRoadUploadKind kind, string fileName, ReadOnlyMemory<byte> content, int rows, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        var o = options.Value.Outbound ?? new HighRoadOutboundOptions();
        string destination;
        if (o.Target == HighRoadUploadTarget.Https)
        {
            var url = kind == HighRoadUploadKind.OptOuts ? o.OptOutUrl : o.RecipientUrl;
            if (url is null)
            {
                throw new VendorFetchException(HighRoadTrackingSource.VendorName,
                    $"Outbound:{(kind == HighRoadUploadKind.OptOuts ? "OptOutUrl" : "RecipientUrl")} is not configured.", kind: VendorFailureKind.Permanent);
            }

            await http.PostFileAsync(url, fileName, content, cancellationToken);
            destination = url.Host + url.AbsolutePath;
        }
        else
        {
            var directory = kind == HighRoadUploadKind.OptOuts ? o.OptOutRemoteDirectory : o.RecipientRemoteDirectory;
            var path = (string.IsNullOrWhiteSpace(directory) ? "/" : directory).TrimEnd('/') + "/" + fileName;
            await using var session = await sftp.ConnectAsync(cancellationToken);
            using (var stream = new MemoryStream(content.ToArray(), writable: false))
            {
                await session.UploadAsync(stream, path + ".part", cancellationToken);
            }

            await session.RenameAsync(path + ".part", path, cancellationToken);
            destination = options.Value.Sftp.Host + ":" + path;
        }

        logger.LogInformation("HighRoad {Kind} file {FileName} ({Rows} rows, {Bytes} bytes) pushed to {Destination}",
            kind, fileName, rows, content.Length, destination);
        return new HighRoadUploadResult(fileName, rows, content.Length, destination);
    }
}
