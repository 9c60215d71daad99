using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.HighRoad;

/// <summary>
/// Registers the HighRoad CSV-export adapter in the vendors' one shape (<see cref="VendorRegistration"/>): options from
/// <c>Vendors:HighRoad</c> (DataAnnotations plus <see cref="HighRoadOptionsValidator"/>, validated at start), the typed
/// <see cref="HighRoadHttpClient"/> with the standard resilience handler, the source, the parser and the outbound adapter;
/// besides, the SSH.NET SFTP connector and the outbound <see cref="HighRoadOptOutPublisher"/> and
/// <see cref="HighRoadRecipientExporter"/>.
/// </summary>
public static class HighRoadServiceCollectionExtensions
{
    public static IServiceCollection AddHighRoad(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddVendorOptions<HighRoadOptions>(configuration, HighRoadOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HighRoadOptions>, HighRoadOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // The body read is bounded by the client itself. The default request logging prints the URL, whose path may carry a
        // token; the client logs the host only.
        services.AddVendorHttpClient<HighRoadHttpClient, HighRoadOptions>().RemoveAllLoggers();

        services.TryAddSingleton<IHighRoadSftpConnector, SshNetSftpConnector>();
        services.TryAddTransient<HighRoadFilePusher>();
        services.TryAddTransient<HighRoadOptOutPublisher>();
        services.TryAddTransient<HighRoadRecipientExporter>();

        services.AddTrackingSource<HighRoadTrackingSource>();
        services.AddTrackingParser<HighRoadCsvParser>();
        services.AddOutboundVendor<HighRoadOutbound>();
        return services;
    }
}
