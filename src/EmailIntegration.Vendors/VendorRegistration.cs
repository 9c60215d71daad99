using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Outbound;
using EmailIntegration.Vendors.Soap;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors;

/// <summary>
/// The one shape every vendor module registers itself in (<c>AddRealMagnet</c>, <c>AddInformz</c>, <c>AddHighRoad</c>,
/// <c>AddWebhooks</c>): its options bound from its section and validated at start, its typed HttpClient behind the standard
/// resilience handler, and its parts (tracking source, parsers, outbound adapter) added to the pipeline's lists.
/// </summary>
public static class VendorRegistration
{
    /// <summary>Options from <paramref name="section"/>, DataAnnotations checked, validated at start-up.</summary>
    public static OptionsBuilder<TOptions> AddVendorOptions<TOptions>(
        this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddOptions<TOptions>()
            .Bind(configuration.GetSection(section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
    }

    /// <summary>
    /// The vendor's typed HttpClient: no HttpClient timeout of its own (the resilience handler's total timeout governs; the
    /// 100 s default would cut retries short), the Authorization header redacted from request logs, and the standard
    /// resilience handler with the vendor's numbers (<see cref="VendorResilience.Apply"/>), which does not retry a SOAP sender
    /// fault. <paramref name="configure"/> sets what differs per vendor (base address, default headers).
    /// </summary>
    public static IHttpClientBuilder AddVendorHttpClient<TClient, TOptions>(
        this IServiceCollection services, Action<HttpClient, TOptions>? configure = null)
        where TClient : class
        where TOptions : class, IVendorRetryOptions
    {
        var client = services.AddHttpClient<TClient>((sp, http) =>
            {
                http.Timeout = Timeout.InfiniteTimeSpan;
                configure?.Invoke(http, sp.GetRequiredService<IOptions<TOptions>>().Value);
            })
            .RedactLoggedHeaders(["Authorization"]);
        client.AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions resilience, IServiceProvider sp) =>
            {
                VendorResilience.Apply(resilience, sp.GetRequiredService<IOptions<TOptions>>().Value);

                // A 500 that is a SOAP Client/Sender fault (refused credentials, a bad document) is final: retrying it would
                // only repeat a refused login. Answers that are not SOAP are never such a fault.
                resilience.Retry.ShouldHandle = async args =>
                    HttpClientResiliencePredicates.IsTransient(args.Outcome)
                    && !(args.Outcome.Result is { } response && await SoapFault.IsSenderFaultAsync(response));
            });
        return client;
    }

    /// <summary>
    /// Transient, as every vendor part that holds a typed HttpClient must be (a singleton would pin one handler for the
    /// process's life); added once to the fetch's sources.
    /// </summary>
    public static IServiceCollection AddTrackingSource<TSource>(this IServiceCollection services)
        where TSource : class, IVendorTrackingSource
    {
        services.TryAddEnumerable(ServiceDescriptor.Transient<IVendorTrackingSource, TSource>());
        return services;
    }

    /// <summary>Added once to the fan-out's parser dispatch.</summary>
    public static IServiceCollection AddTrackingParser<TParser>(this IServiceCollection services)
        where TParser : class, ITrackingParser
    {
        services.TryAddEnumerable(ServiceDescriptor.Transient<ITrackingParser, TParser>());
        return services;
    }

    /// <summary>Transient like the sources (it holds the vendor's typed client); added once to the outbound push's vendors.</summary>
    public static IServiceCollection AddOutboundVendor<TOutbound>(this IServiceCollection services)
        where TOutbound : class, IOutboundVendor
    {
        services.TryAddEnumerable(ServiceDescriptor.Transient<IOutboundVendor, TOutbound>());
        return services;
    }
}
