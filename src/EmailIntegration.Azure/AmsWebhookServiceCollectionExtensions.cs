using EmailIntegration.Azure.Checkpoints;
using EmailIntegration.Pipeline.AmsWebhook;
using EmailIntegration.Vendors.Ams;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EmailIntegration.Azure;

/// <summary>The optional push of the AMS change feed (<c>Ams:WebhookUrl</c>): its client, its checkpoint and the push.</summary>
public static class AmsWebhookServiceCollectionExtensions
{
    public static IServiceCollection AddAmsWebhook(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAmsWebhookClient(configuration);
        services.AddSingleton<IAmsDeliveryStore, TableAmsDeliveryStore>();

        // Transient: it holds the typed HttpClient.
        services.AddTransient<AmsChangePush>();
        return services;
    }
}
