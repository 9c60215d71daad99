using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Webhooks;
using EmailIntegration.Vendors.Mailgun;
using EmailIntegration.Vendors.Postmark;
using EmailIntegration.Vendors.SendGrid;
using EmailIntegration.Vendors.Ses;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EmailIntegration.Vendors.Webhooks;

/// <summary>
/// Registers the e-mail services' event webhooks: options from <c>Webhooks</c>, one verifier and one parser per service
/// (the parsers join the fan-out's parser dispatch like every vendor's), the SNS certificate source and subscription
/// confirmer over a named HttpClient, and the <see cref="WebhookReceiver"/>.
/// </summary>
public static class WebhookServiceCollectionExtensions
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<WebhookOptions>()
            .Bind(configuration.GetSection(WebhookOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        // The SubscribeURL carries the subscription's token: no request logging of URLs.
        services.AddHttpClient(HttpSnsCertificateSource.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(10))
            .RemoveAllLoggers()
            .AddStandardResilienceHandler();
        services.TryAddSingleton<ISnsCertificateSource, HttpSnsCertificateSource>();
        services.TryAddSingleton<ISnsSubscriptionConfirmer, HttpSnsSubscriptionConfirmer>();

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWebhookVerifier, SendGridWebhookVerifier>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWebhookVerifier, MailgunWebhookVerifier>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWebhookVerifier, SesWebhookVerifier>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWebhookVerifier, PostmarkWebhookVerifier>());

        services.TryAddEnumerable(ServiceDescriptor.Transient<ITrackingParser, SendGridEventParser>());
        services.TryAddEnumerable(ServiceDescriptor.Transient<ITrackingParser, MailgunEventParser>());
        services.TryAddEnumerable(ServiceDescriptor.Transient<ITrackingParser, SesEventParser>());
        services.TryAddEnumerable(ServiceDescriptor.Transient<ITrackingParser, PostmarkEventParser>());

        services.TryAddSingleton<WebhookReceiver>();
        return services;
    }
}
