using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using EmailIntegration.Pipeline.Outbound;
using EmailIntegration.Pipeline.Serve;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Azure.Outbound;

/// <summary>Landed blasts: <c>{OutboundContainer}/blasts/{blastId}.json</c>, the validated request as JSON.</summary>
public sealed class BlobBlastStore(BlobServiceClient blobs, IOptions<OutboundStorageOptions> options) : IBlastStore
{
    private readonly BlobContainerClient container = blobs.GetBlobContainerClient(options.Value.OutboundContainer);

    public static string BlobName(string blastId) => $"blasts/{blastId}.json";

    /// <returns>False when a blast with this id was landed before (same content or not): it is never replaced.</returns>
    public Task<bool> LandAsync(string blastId, BlastRequest blast, CancellationToken cancellationToken) =>
        JsonBlob.CreateIfAbsentAsync(container.GetBlobClient(BlobName(blastId)), blast, cancellationToken);

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
