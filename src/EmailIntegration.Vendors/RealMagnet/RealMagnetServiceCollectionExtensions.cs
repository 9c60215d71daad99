using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EmailIntegration.Vendors.RealMagnet;

/// <summary>
/// Registers the Real Magnet adapter in the vendors' one shape (<see cref="VendorRegistration"/>): options from
/// <c>Vendors:RealMagnet</c> (validated at start), the typed <see cref="RealMagnetClient"/> with the standard resilience
/// handler, the source, the parser and the outbound adapter.
/// </summary>
/// <remarks>
/// REST API: https://dna.magnetmail.net/ApiAdapter/Rest/help/operations/&lt;Operation&gt; and
/// https://support.higherlogic.com/hc/en-us/articles/360032691632-REST-API. No rate limits are documented; the retry
/// honours Retry-After on 429/503 in case there are. <see cref="Pipeline.FanOut.IVendorDirectory"/> is not registered here.
/// </remarks>
public static class RealMagnetServiceCollectionExtensions
{
    public static IServiceCollection AddRealMagnet(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddVendorOptions<RealMagnetOptions>(configuration, RealMagnetOptions.SectionName);
        services.AddVendorHttpClient<RealMagnetClient, RealMagnetOptions>((http, o) =>
        {
            if (o.BaseUrl is not null)
            {
                // Operations are relative ("Authenticate/"), so the base must end with a slash to keep its path.
                http.BaseAddress = o.BaseUrl.AbsoluteUri.EndsWith('/') ? o.BaseUrl : new Uri(o.BaseUrl.AbsoluteUri + "/");
            }

            http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        });

        services.AddTrackingSource<RealMagnetTrackingSource>();
        services.AddTrackingParser<RealMagnetTrackingParser>();
        services.AddOutboundVendor<RealMagnetOutbound>();
        return services;
    }
}
