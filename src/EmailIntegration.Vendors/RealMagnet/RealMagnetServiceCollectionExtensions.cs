using System.Net.Http.Headers;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.RealMagnet;

/// <summary>
/// Registers the Real Magnet adapter: options from <c>Vendors:RealMagnet</c> (validated at start), the typed
/// <see cref="RealMagnetClient"/> with the standard resilience handler, and the source and parser.
/// </summary>
/// <remarks>
/// REST API: https://dna.magnetmail.net/ApiAdapter/Rest/help/operations/&lt;Operation&gt; and
/// https://support.higherlogic.com/hc/en-us/articles/360032691632-REST-API. No rate limits are documented; the retry
/// honours Retry-After on 429/503 in case there are. <see cref="IVendorDirectory"/> is not registered here.
/// </remarks>
public static class RealMagnetServiceCollectionExtensions
{
    public static IServiceCollection AddRealMagnet(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<RealMagnetOptions>()
            .Bind(configuration.GetSection(RealMagnetOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddHttpClient<RealMagnetClient>((sp, http) =>
            {
                var o = sp.GetRequiredService<IOptions<RealMagnetOptions>>().Value;
                if (o.BaseUrl is not null)
                {
                    // Operations are relative ("Authenticate/"), so the base must end with a slash to keep its path.
                    http.BaseAddress = o.BaseUrl.AbsoluteUri.EndsWith('/') ? o.BaseUrl : new Uri(o.BaseUrl.AbsoluteUri + "/");
                }

                // The resilience handler's total timeout governs; HttpClient's own 100 s default would cut retries short.
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            })
            .RedactLoggedHeaders(["Authorization"])
            .AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions resilience, IServiceProvider sp) =>
                VendorResilience.Apply(resilience, sp.GetRequiredService<IOptions<RealMagnetOptions>>().Value));

        // Transient: the typed client must not be captured by a singleton, and the directory's lifetime is the host's.
        services.TryAddEnumerable(ServiceDescriptor.Transient<IVendorTrackingSource, RealMagnetTrackingSource>());
        services.TryAddEnumerable(ServiceDescriptor.Transient<ITrackingParser, RealMagnetTrackingParser>());
        return services;
    }
}
