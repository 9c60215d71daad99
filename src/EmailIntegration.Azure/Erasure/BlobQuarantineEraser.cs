using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Pipeline.Erasure;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Azure.Erasure;

/// <summary>
/// The quarantine's entries keyed by the individual: rejected queue messages (<c>messages/{message id}.json</c>) whose
/// body is theirs (its <c>individualId</c>, or, for a body that is not readable JSON, their id as a JSON string in it).
/// The other folders hold no individual id: <c>unmatched/</c> is tracking without one, <c>bad-records/</c> positions
/// and reasons, <c>files/</c> whole vendor files (many people; removed by the retention policy, README).
/// </summary>
public sealed class BlobQuarantineEraser(BlobServiceClient blobs, IOptions<EmailIntegrationOptions> options) : IIndividualDataEraser
{
    public const string Store = "quarantineMessages";

    private readonly BlobContainerClient quarantine = blobs.GetBlobContainerClient(options.Value.QuarantineContainer);

    public async Task<IReadOnlyDictionary<string, int>> EraseAsync(string individualId, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (var item in quarantine.GetBlobsAsync(BlobTraits.None, BlobStates.None, "messages/", cancellationToken))
        {
            names.Add(item.Name);
        }

        var deleted = 0;
        foreach (var name in names)
        {
            byte[] body;
            try
            {
                using var entry = JsonDocument.Parse((await quarantine.GetBlobClient(name).DownloadContentAsync(cancellationToken)).Value.Content);
                body = entry.RootElement.TryGetProperty("body", out var encoded) && encoded.ValueKind == JsonValueKind.String
                    ? Convert.FromBase64String(encoded.GetString()!)
                    : [];
            }
            catch (Exception ex) when (ex is JsonException or FormatException or RequestFailedException { Status: 404 })
            {
                continue;
            }

            if (IsTheirs(body, individualId)
                && (await quarantine.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: cancellationToken)).Value)
            {
                deleted++;
            }
        }

        return new Dictionary<string, int> { [Store] = deleted };
    }

    private static bool IsTheirs(byte[] body, string individualId)
    {
        try
        {
            using var message = JsonDocument.Parse(body);
            return message.RootElement.ValueKind == JsonValueKind.Object
                && message.RootElement.TryGetProperty("individualId", out var id) && id.ValueKind == JsonValueKind.String
                && id.GetString() == individualId;
        }
        catch (JsonException)
        {
            // The id rule admits no character JSON escapes, so a quoted id is its exact bytes.
            return body.AsSpan().IndexOf(Encoding.UTF8.GetBytes("\"" + individualId + "\"")) >= 0;
        }
    }
}
