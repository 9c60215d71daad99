using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using EmailIntegration.Azure.Configuration;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace EmailIntegration.LocalRunner.Hosting;

/// <summary>
/// A host on the shared emulators with resource names of its own (the bench, the integration and fault tests), so it
/// never sees another run's data; and the clean-up of those resources, which the in-memory emulators keep otherwise.
/// </summary>
public static class IsolatedResources
{
    /// <summary>
    /// Settings for <see cref="LocalRunnerApp.CreateAsync"/>: every container, queue, table and Cosmos container suffixed,
    /// no sandbox, a free port, and Real Magnet off unless the caller turns it on.
    /// </summary>
    public static Dictionary<string, string?> Settings(string suffix) => new()
    {
        ["LandingContainer"] = $"landing-{suffix}",
        ["QuarantineContainer"] = $"quarantine-{suffix}",
        ["TrackingQueue"] = $"tracking-{suffix}",
        ["WatermarkTable"] = $"Watermarks{suffix}",
        ["RunLogTable"] = $"RunLog{suffix}",
        ["VendorDirectoryTable"] = $"VendorDirectory{suffix}",
        ["ErasureTable"] = $"Erasures{suffix}",
        ["OutboundContainer"] = $"outbound-{suffix}",
        ["OutboundQueue"] = $"outbound-{suffix}",
        ["BlastStatusTable"] = $"BlastStatus{suffix}",
        ["OptOutStatusTable"] = $"OptOutStatus{suffix}",
        ["Cosmos:Container"] = $"individuals-{suffix}",
        ["LocalRunner:Sandbox"] = "false",
        ["LocalRunner:Port"] = "0",
        ["Vendors:RealMagnet:Enabled"] = "false",
        ["Vendors:RealMagnet:BaseUrl"] = "http://127.0.0.1:9/",
    };

    /// <summary>
    /// Deletes what <see cref="Settings"/> named; returns null, or the first failure (then it stops: an emulator that is
    /// down would only make every further step wait out its retries).
    /// </summary>
    public static async Task<string?> DeleteAsync(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<EmailIntegrationOptions>>().Value;
        var outbound = services.GetRequiredService<IOptions<EmailIntegration.Azure.Outbound.OutboundStorageOptions>>().Value;
        var blobs = services.GetRequiredService<BlobServiceClient>();
        var queues = services.GetRequiredService<QueueServiceClient>();
        var tables = services.GetRequiredService<TableServiceClient>();
        try
        {
            await blobs.GetBlobContainerClient(options.LandingContainer).DeleteIfExistsAsync();
            await blobs.GetBlobContainerClient(options.QuarantineContainer).DeleteIfExistsAsync();
            await queues.GetQueueClient(options.TrackingQueue).DeleteIfExistsAsync();
            await queues.GetQueueClient(options.TrackingQueue + "-poison").DeleteIfExistsAsync();
            await blobs.GetBlobContainerClient(outbound.OutboundContainer).DeleteIfExistsAsync();
            await queues.GetQueueClient(outbound.OutboundQueue).DeleteIfExistsAsync();
            await queues.GetQueueClient(outbound.OutboundQueue + "-poison").DeleteIfExistsAsync();
            var erasures = services.GetRequiredService<IOptions<EmailIntegration.Azure.Erasure.ErasureStorageOptions>>().Value.ErasureTable;
            foreach (var table in new[]
                     {
                         options.WatermarkTable, options.RunLogTable, options.VendorDirectoryTable, erasures, outbound.BlastStatusTable,
                         outbound.OptOutStatusTable,
                     })
            {
                await tables.DeleteTableAsync(table);
            }

            (await services.GetRequiredService<Container>().DeleteContainerStreamAsync()).Dispose();
            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }
}
