using Azure.Storage.Blobs;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using Microsoft.Azure.Functions.Worker;

namespace EmailIntegration.Functions.FanOut;

/// <summary>Stage 2, per landed file: parse and publish its events grouped per individual.</summary>
public sealed class FanOutLandedFile(LandedFileFanOut fanOut)
{
    // A BlobClient binding downloads nothing: the fan-out streams the file itself.
    // Flex Consumption supports only the Event Grid source for blob triggers; infra/ subscribes it.
    [Function(nameof(FanOutLandedFile))]
    public Task<FanOutLogEntry> Run(
        [BlobTrigger("%LandingContainer%/{name}", Source = BlobTriggerSource.EventGrid)] BlobClient blob,
        CancellationToken cancellationToken) =>
        fanOut.FanOutAsync(blob.Name, cancellationToken);
}
