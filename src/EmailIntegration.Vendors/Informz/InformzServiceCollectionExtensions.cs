using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.Informz;

/// <summary>
/// Registers the Informz adapter: options from <c>Vendors:Informz</c> (validated at start), the typed
/// <see cref="InformzClient"/> with the standard resilience handler, and the source and parser.
/// </summary>
/// <remarks>
/// Endpoint and setup: http://informz.knowledgeowl.com/help/setup-api ; API General Information
/// https://support.higherlogic.com/hc/en-us/articles/360033049191-API-General-Information. No rate limits are documented; the
/// retry honours Retry-After on 429/503 in case there are. <see cref="IVendorDirectory"/> is not registered here.
/// </remarks>
public static class InformzServiceCollectionExtensions
{
    public static IServiceCollection AddInformz(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<InformzOptions>()
            .Bind(configuration.GetSection(InformzOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddHttpClient<InformzClient>((sp, http) =>
            {
                var o = sp.GetRequiredService<IOptions<InformzOptions>>().Value;

                // The endpoint is the service itself (…/InformzService.svc): requests go to it with no relative path.
                http.BaseAddress = o.BaseUrl;

                // The resilience handler's total timeout governs; HttpClient's own 100 s default would cut retries short.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions resilience, IServiceProvider sp) =>
            {
                VendorResilience.Apply(resilience, sp.GetRequiredService<IOptions<InformzOptions>>().Value);

                // A 500 that is a SOAP Client/Sender fault (refused credentials, a bad document) is final:
                // retrying it would only repeat a refused login.
                resilience.Retry.ShouldHandle = async args =>
                    HttpClientResiliencePredicates.IsTransient(args.Outcome)
                    && !(args.Outcome.Result is { } response && await InformzClient.IsSenderFaultAsync(response));
            });

        // Transient: the typed client must not be captured by a singleton, and the directory's lifetime is the host's.
        services.TryAddEnumerable(ServiceDescriptor.Transient<IVendorTrackingSource, InformzTrackingSource>());
        services.TryAddEnumerable(ServiceDescriptor.Transient<ITrackingParser, InformzTrackingParser>());
        return services;
    }
}
