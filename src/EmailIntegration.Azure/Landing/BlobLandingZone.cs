using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Pipeline.Landing;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Azure.Landing;

/// <summary>The landing container: raw vendor responses, written once and never changed.</summary>
public sealed class BlobLandingZone(BlobServiceClient blobs, IOptions<EmailIntegrationOptions> options) : ILandingZone
{
    private readonly BlobContainerClient container = blobs.GetBlobContainerClient(options.Value.LandingContainer);

    public async Task LandAsync(
        LandedFileName name, ReadOnlyMemory<byte> content, IReadOnlyDictionary<string, string> metadata,
        CancellationToken cancellationToken)
    {
        var blob = container.GetBlobClient(name.ToString());
        await blob.UploadAsync(new BinaryData(content), new BlobUploadOptions
        {
            Metadata = metadata.ToDictionary(),
            HttpHeaders = new BlobHttpHeaders { ContentType = ContentTypeOf(name.Extension) },
        }, cancellationToken);
    }

    public async Task<bool> LandNewAsync(
        LandedFileName name, ReadOnlyMemory<byte> content, IReadOnlyDictionary<string, string> metadata,
        CancellationToken cancellationToken)
    {
        try
        {
            await container.GetBlobClient(name.ToString()).UploadAsync(new BinaryData(content), new BlobUploadOptions
            {
                Metadata = metadata.ToDictionary(),
                HttpHeaders = new BlobHttpHeaders { ContentType = ContentTypeOf(name.Extension) },

                // Create only: a name that exists is a delivery landed before.
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409 || ex.ErrorCode == BlobErrorCode.BlobAlreadyExists)
        {
            return false;
        }
    }

    public async Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken) =>
        await container.GetBlobClient(name).OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), cancellationToken);

    public async IAsyncEnumerable<string> ListRunAsync(string runId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Names are vendor/yyyy/MM/dd/run/…: the run id is not a prefix, so list and filter.
        await foreach (var item in container.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            if (LandedFileName.BelongsToRun(item.Name, runId))
            {
                yield return item.Name;
            }
        }
    }

    public async Task CopyAsync(string sourceName, LandedFileName target, CancellationToken cancellationToken)
    {
        var source = container.GetBlobClient(sourceName);
        var properties = (await source.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        var metadata = new Dictionary<string, string>(properties.Metadata) { ["replayOf"] = sourceName };
        await using var content = await source.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), cancellationToken);
        await container.GetBlobClient(target.ToString()).UploadAsync(content, new BlobUploadOptions
        {
            Metadata = metadata,
            HttpHeaders = new BlobHttpHeaders { ContentType = properties.ContentType },
        }, cancellationToken);
    }

    private static string ContentTypeOf(string extension) => extension switch
    {
        "json" => "application/json",
        "xml" => "application/xml",
        "csv" => "text/csv",
        _ => "application/octet-stream",
    };
}
