using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.HighRoad;

/// <summary>
/// Registers the HighRoad CSV-export adapter: options from <c>Vendors:HighRoad</c> (DataAnnotations plus
/// <see cref="HighRoadOptionsValidator"/>, validated at start), the typed <see cref="HighRoadHttpClient"/> with the
/// standard resilience handler, the SSH.NET SFTP connector, the source, the parser, and the outbound
/// <see cref="HighRoadOptOutPublisher"/> and <see cref="HighRoadRecipientExporter"/>.
/// </summary>
public static class HighRoadServiceCollectionExtensions
{
    public static IServiceCollection AddHighRoad(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<HighRoadOptions>()
            .Bind(configuration.GetSection(HighRoadOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HighRoadOptions>, HighRoadOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.AddHttpClient<HighRoadHttpClient>(http =>
            {
                // The resilience handler's total timeout governs; the body read is bounded by the client itself.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })

            // The default request logging prints the URL, whose path may carry a token; the client logs the host only.
            .RemoveAllLoggers()
            .AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions resilience, IServiceProvider sp) =>
                VendorResilience.Apply(resilience, sp.GetRequiredService<IOptions<HighRoadOptions>>().Value));

        services.TryAddSingleton<IHighRoadSftpConnector, SshNetSftpConnector>();
        services.TryAddTransient<HighRoadFilePusher>();
        services.TryAddTransient<HighRoadOptOutPublisher>();
        services.TryAddTransient<HighRoadRecipientExporter>();

        // Transient: the typed client must not be captured by a singleton.
        services.TryAddEnumerable(ServiceDescriptor.Transient<IVendorTrackingSource, HighRoadTrackingSource>());
        services.TryAddEnumerable(ServiceDescriptor.Transient<ITrackingParser, HighRoadCsvParser>());
        return services;
    }
}
