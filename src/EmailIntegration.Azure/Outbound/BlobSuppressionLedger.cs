using Azure;
using Azure.Storage.Blobs;
using EmailIntegration.Pipeline.Outbound;
using EmailIntegration.Pipeline.Serve;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Azure.Outbound;

/// <summary>
/// A blast's push-time decisions: <c>{OutboundContainer}/blasts/{blastId}.decisions.json</c>, created only if absent
/// (If-None-Match: *), so the first push's decisions hold for every retry, even two pushes racing.
/// </summary>
public sealed class BlobSuppressionLedger(BlobServiceClient blobs, IOptions<OutboundStorageOptions> options) : ISuppressionLedger
{
    private readonly BlobContainerClient container = blobs.GetBlobContainerClient(options.Value.OutboundContainer);

    public static string BlobName(string blastId) => $"blasts/{blastId}.decisions.json";

    public async Task<BlastDecisions> RecordOnceAsync(BlastDecisions decisions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        return await JsonBlob.CreateIfAbsentAsync(container.GetBlobClient(BlobName(decisions.BlastId)), decisions, cancellationToken)
            ? decisions
            : await ReadAsync(decisions.BlastId, cancellationToken)
                ?? throw new InvalidOperationException($"The decisions of blast {decisions.BlastId} exist but can't be read.");
    }

    public async Task<BlastDecisions?> ReadAsync(string blastId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await container.GetBlobClient(BlobName(blastId)).DownloadContentAsync(cancellationToken);
            return response.Value.Content.ToObjectFromJson<BlastDecisions>(ApiJson.Options);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }
}
