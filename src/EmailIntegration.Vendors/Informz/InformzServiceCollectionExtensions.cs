using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EmailIntegration.Vendors.Informz;

/// <summary>
/// Registers the Informz adapter in the vendors' one shape (<see cref="VendorRegistration"/>): options from
/// <c>Vendors:Informz</c> (validated at start), the typed <see cref="InformzClient"/> with the standard resilience handler, the
/// source, the parser and the outbound adapter.
/// </summary>
/// <remarks>
/// Endpoint and setup: http://informz.knowledgeowl.com/help/setup-api ; API General Information
/// https://support.higherlogic.com/hc/en-us/articles/360033049191-API-General-Information. No rate limits are documented; the
/// retry honours Retry-After on 429/503 in case there are. <see cref="Pipeline.FanOut.IVendorDirectory"/> is not registered here.
/// </remarks>
public static class InformzServiceCollectionExtensions
{
    public static IServiceCollection AddInformz(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddVendorOptions<InformzOptions>(configuration, InformzOptions.SectionName);

        // The endpoint is the service itself (…/InformzService.svc): requests go to it with no relative path.
        services.AddVendorHttpClient<InformzClient, InformzOptions>((http, o) => http.BaseAddress = o.BaseUrl);

        services.AddTrackingSource<InformzTrackingSource>();
        services.AddTrackingParser<InformzTrackingParser>();
        services.AddOutboundVendor<InformzOutbound>();
        return services;
    }
}
