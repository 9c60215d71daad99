using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using EmailIntegration.Pipeline.Outbound;
using EmailIntegration.Pipeline.Serve;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Azure.Outbound;

/// <summary>Landed blasts: <c>{OutboundContainer}/blasts/{blastId}.json</c>, the validated request as JSON.</summary>
public sealed class BlobBlastStore(BlobServiceClient blobs, IOptions<OutboundStorageOptions> options) : IBlastStore
{
    private readonly BlobContainerClient container = blobs.GetBlobContainerClient(options.Value.OutboundContainer);

    public static string BlobName(string blastId) => $"blasts/{blastId}.json";

    public async Task<bool> LandAsync(string blastId, BlastRequest blast, CancellationToken cancellationToken)
    {
        var content = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(blast, ApiJson.Options));
        try
        {
            // If-None-Match: * — a second post under the same id (same content or not) never replaces the first.
            await container.GetBlobClient(BlobName(blastId)).UploadAsync(content, new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
    }

    public async Task<BlastRequest?> ReadAsync(string blastId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await container.GetBlobClient(BlobName(blastId)).DownloadStreamingAsync(cancellationToken: cancellationToken);
            await using var stream = response.Value.Content;
            return await JsonSerializer.DeserializeAsync<BlastRequest>(stream, ApiJson.Options, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
