using System.Net.Http.Headers;
using EmailIntegration.Pipeline.AmsWebhook;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.Ams;

public static class AmsWebhookServiceCollectionExtensions
{
    /// <summary>The AMS webhook's options (section <c>Ams</c>, validated at start-up) and its signed, resilient HTTP client.</summary>
    public static IServiceCollection AddAmsWebhookClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AmsWebhookOptions>().Bind(configuration.GetSection(AmsWebhookOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddTransient<StandardWebhookSigningHandler>();
        var client = services.AddHttpClient<IAmsWebhookSender, AmsWebhookClient>(http =>
            {
                // The resilience handler's total timeout is the retry budget; HttpClient's own would cut it short.
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            })
            // A redirect is an answer, not a new destination: the signed body goes only to the configured URL.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .RedactLoggedHeaders([StandardWebhookSigningHandler.SignatureHeader]);
        client.AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions resilience, IServiceProvider sp) =>
                VendorResilience.Apply(resilience, new AmsRetry(sp.GetRequiredService<IOptions<AmsWebhookOptions>>().Value)));

        // Added after the resilience handler, so inside it: every attempt is signed at its own time.
        client.AddHttpMessageHandler<StandardWebhookSigningHandler>();
        return services;
    }

    private sealed class AmsRetry(AmsWebhookOptions options) : IVendorRetryOptions
    {
        public TimeSpan Timeout => options.Timeout;

        public TimeSpan AttemptTimeout => options.AttemptTimeout;

        public int MaxRetryAttempts => options.MaxRetryAttempts;

        public TimeSpan RetryBaseDelay => options.RetryBaseDelay;
    }
}
