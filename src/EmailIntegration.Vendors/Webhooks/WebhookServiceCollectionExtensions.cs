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
/// Registers the e-mail services' event webhooks in the vendors' one shape (<see cref="VendorRegistration"/>): options from
/// <c>Webhooks</c> (validated at start), one verifier and one parser per service
/// (the parsers join the fan-out's parser dispatch like every vendor's), the SNS certificate source and subscription
/// confirmer over a named HttpClient, and the <see cref="WebhookReceiver"/>.
/// </summary>
public static class WebhookServiceCollectionExtensions
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddVendorOptions<WebhookOptions>(configuration, WebhookOptions.Section);
        services.TryAddSingleton(TimeProvider.System);

        // Not a vendor API client but Amazon's certificate and confirmation URLs, fetched by singletons: a named client from
        // the factory, with the handler's default retries. The SubscribeURL carries the subscription's token: no request
        // logging of URLs.
        services.AddHttpClient(HttpSnsCertificateSource.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(10))
            .RemoveAllLoggers()
            .AddStandardResilienceHandler();
        services.TryAddSingleton<ISnsCertificateSource, HttpSnsCertificateSource>();
        services.TryAddSingleton<ISnsSubscriptionConfirmer, HttpSnsSubscriptionConfirmer>();

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWebhookVerifier, SendGridWebhookVerifier>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWebhookVerifier, MailgunWebhookVerifier>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWebhookVerifier, SesWebhookVerifier>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWebhookVerifier, PostmarkWebhookVerifier>());

        services.AddTrackingParser<SendGridEventParser>();
        services.AddTrackingParser<MailgunEventParser>();
        services.AddTrackingParser<SesEventParser>();
        services.AddTrackingParser<PostmarkEventParser>();

        services.TryAddSingleton<WebhookReceiver>();
        return services;
    }
}
