using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using EmailIntegration.Azure.Outbound;
using EmailIntegration.Pipeline.Erasure;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Azure.Erasure;

/// <summary>
/// The landed blasts (<c>blasts/{blastId}.json</c>) and their decisions (<c>….decisions.json</c>). A blast whose
/// recipients are only the individual goes whole: both blobs and its status row. A blast they share with others keeps
/// the others: their entries (fields, address included) are cut from both blobs, each rewritten only if unchanged
/// since it was read. Every blast is read (erasures are rare; a blast is at most 8 MB).
/// </summary>
public sealed class BlobOutboundEraser(BlobServiceClient blobs, TableServiceClient tables, IOptions<OutboundStorageOptions> options)
    : IIndividualDataEraser
{
    public const string BlobStore = "outboundBlobs";
    public const string BlastStatusStore = "blastStatusRows";
    public const string SharedBlastStore = "blastRecipientEntries";
    private const string DecisionsSuffix = ".decisions.json";

    private readonly BlobContainerClient container = blobs.GetBlobContainerClient(options.Value.OutboundContainer);
    private readonly TableClient statuses = tables.GetTableClient(options.Value.BlastStatusTable);

    public async Task<IReadOnlyDictionary<string, int>> EraseAsync(string individualId, CancellationToken cancellationToken)
    {
        int blobsDeleted = 0, statusRows = 0, entries = 0;
        var blasts = new List<string>();
        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, "blasts/", cancellationToken))
        {
            if (item.Name.EndsWith(".json", StringComparison.Ordinal) && !item.Name.EndsWith(DecisionsSuffix, StringComparison.Ordinal))
            {
                blasts.Add(item.Name);
            }
        }

        foreach (var name in blasts)
        {
            var blast = await ReadAsync(name, cancellationToken);
            if (blast?.Json["recipients"] is not JsonArray recipients || !recipients.Any(r => Names(r, individualId)))
            {
                continue;
            }

            var decisionsName = name[..^".json".Length] + DecisionsSuffix;
            if (recipients.All(r => Names(r, individualId)))
            {
                blobsDeleted += await DeleteAsync(name, cancellationToken) + await DeleteAsync(decisionsName, cancellationToken);
                var blastId = name["blasts/".Length..^".json".Length];
                statusRows += (await statuses.DeleteEntityAsync(blastId, "status", ETag.All, cancellationToken)).Status == 404 ? 0 : 1;
                continue;
            }

            entries += await CutAsync(name, blast.Value, individualId, cancellationToken);
            if (await ReadAsync(decisionsName, cancellationToken) is { } decisions)
            {
                entries += await CutAsync(decisionsName, decisions, individualId, cancellationToken);
            }
        }

        return new Dictionary<string, int> { [BlobStore] = blobsDeleted, [BlastStatusStore] = statusRows, [SharedBlastStore] = entries };
    }

    private static bool Names(JsonNode? recipient, string individualId) =>
        recipient?["individualId"]?.GetValueKind() == System.Text.Json.JsonValueKind.String
        && string.Equals(recipient["individualId"]!.GetValue<string>(), individualId, StringComparison.Ordinal);

    private async Task<(JsonNode Json, ETag ETag)?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = await container.GetBlobClient(name).DownloadContentAsync(cancellationToken);
            return JsonNode.Parse(response.Value.Content.ToMemory().Span) is { } json ? (json, response.Value.Details.ETag) : null;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>Removes the individual's entries from the blob's <c>recipients</c>; a concurrent change makes it throw (409/412), so a retried erasure redoes it.</summary>
    private async Task<int> CutAsync(string name, (JsonNode Json, ETag ETag) blob, string individualId, CancellationToken cancellationToken)
    {
        var recipients = (JsonArray)blob.Json["recipients"]!;
        var theirs = recipients.Where(r => Names(r, individualId)).ToList();
        foreach (var entry in theirs)
        {
            recipients.Remove(entry);
        }

        if (theirs.Count > 0)
        {
            await container.GetBlobClient(name).UploadAsync(BinaryData.FromString(blob.Json.ToJsonString()), new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                Conditions = new BlobRequestConditions { IfMatch = blob.ETag },
            }, cancellationToken);
        }

        return theirs.Count;
    }

    private async Task<int> DeleteAsync(string name, CancellationToken cancellationToken) =>
        (await container.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: cancellationToken)).Value ? 1 : 0;
}
