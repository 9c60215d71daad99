using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using EmailIntegration.Pipeline.Serve;

namespace EmailIntegration.Azure.Outbound;

/// <summary>The outbound stores' write-once JSON blobs.</summary>
internal static class JsonBlob
{
    /// <summary>
    /// Uploads <paramref name="value"/> as JSON only if the blob is absent (If-None-Match: *), so a second write under the
    /// same name, same content or not, never replaces the first; false when it already existed.
    /// </summary>
    public static async Task<bool> CreateIfAbsentAsync<T>(BlobClient blob, T value, CancellationToken cancellationToken)
    {
        try
        {
            await blob.UploadAsync(
                BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(value, ApiJson.Options)),
                new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                },
                cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
    }
}
