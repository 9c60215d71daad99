using EmailIntegration.Pipeline.Fetch;
using Microsoft.Azure.Functions.Worker;

namespace EmailIntegration.Functions.Fetch;

/// <summary>Stage 1, nightly: land each enabled vendor's tracking since its watermark.</summary>
public sealed class FetchVendorTracking(VendorTrackingFetcher fetcher)
{
    [Function(nameof(FetchVendorTracking))]
    public Task<FetchRunResult> Run([TimerTrigger("%FetchSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        fetcher.RunAsync(cancellationToken);
}
