using Azure.Data.Tables;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using EmailIntegration.Azure.Checkpoints;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Azure.Erasure;
using EmailIntegration.Azure.Landing;
using EmailIntegration.Azure.Outbound;
using EmailIntegration.Azure.Publishing;
using EmailIntegration.Azure.Store;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.Changes;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Individuals;
using EmailIntegration.Pipeline.Runs;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Pipeline.Observability;
using EmailIntegration.Pipeline.Serve;
using EmailIntegration.Vendors;
using EmailIntegration.Vendors.HighRoad;
using EmailIntegration.Vendors.Informz;
using EmailIntegration.Vendors.RealMagnet;
using EmailIntegration.Vendors.Webhooks;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace EmailIntegration.Azure;

public static class EmailIntegrationServiceCollectionExtensions
{
    /// <summary>
    /// Registers the whole pipeline: options, Azure clients, adapters, vendor adapters and the
    /// stage services. The Functions app, the local runner and the tests all call this.
    /// </summary>
    public static IServiceCollection AddEmailIntegration(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmailIntegrationOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CosmosOptions>().Bind(configuration.GetSection("Cosmos")).ValidateDataAnnotations().ValidateOnStart();
        services.AddMetrics();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(PipelineMetrics.MeterName));
        services.AddSingleton<PipelineMetrics>();
        services.AddOptions<EffectsOptions>().Bind(configuration.GetSection(EffectsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<EffectsOptions>>().Value.ToRules());
        services.AddSingleton(TimeProvider.System);

        // One client per service for the process's life, as the SDKs recommend.
        services.AddSingleton(_ => AzureClients.Blobs(configuration));
        services.AddSingleton(_ => AzureClients.Queues(configuration));
        services.AddSingleton(_ => AzureClients.Tables(configuration));
        services.AddSingleton(sp => CosmosClientFactory.Create(sp.GetRequiredService<IOptions<CosmosOptions>>().Value, configuration));
        services.AddSingleton(sp =>
        {
            var cosmos = sp.GetRequiredService<IOptions<CosmosOptions>>().Value;
            return sp.GetRequiredService<CosmosClient>().GetContainer(cosmos.Database, cosmos.Container);
        });

        services.AddSingleton<ILandingZone, BlobLandingZone>();
        services.AddSingleton<IQuarantine, BlobQuarantine>();
        services.AddSingleton<IWatermarkStore, TableWatermarkStore>();
        services.AddSingleton<IVendorDirectory, TableVendorDirectory>();
        // Every save goes through the change capture, so the AMS change feed sees what every writer changed.
        services.AddSingleton<CosmosIndividualStore>();
        services.AddSingleton<IChangeLog, CosmosChangeLog>();
        services.AddSingleton<IIndividualDocumentStore>(sp =>
            ActivatorUtilities.CreateInstance<ChangeCapturingStore>(sp, sp.GetRequiredService<CosmosIndividualStore>()));
        services.AddSingleton<ChangeFeed>();
        services.AddSingleton<ResourceInitializer>();
        services.AddSingleton<ITrackingMessagePublisher>(sp =>
            sp.GetRequiredService<IOptions<EmailIntegrationOptions>>().Value.TrackingTransport switch
            {
                TrackingTransport.ServiceBus => ActivatorUtilities.CreateInstance<ServiceBusPublisher>(sp,
                    AzureClients.ServiceBus(configuration).CreateSender(
                        sp.GetRequiredService<IOptions<EmailIntegrationOptions>>().Value.TrackingQueue)),
                _ => ActivatorUtilities.CreateInstance<StorageQueuePublisher>(sp),
            });

        services.AddRealMagnet(configuration);
        services.AddHighRoad(configuration);
        services.AddInformz(configuration);
        services.AddWebhooks(configuration);
        services.AddVendorEndpointRules();

        // Transient: the vendor sources hold typed HttpClients, which must not outlive their handler rotation.
        services.AddTransient<VendorTrackingFetcher>();
        services.AddSingleton<LandedFileFanOut>();
        services.AddSingleton<IndividualTrackingApplier>();
        services.AddSingleton<EmailIntegrationTabReader>();
        services.AddSingleton<IndividualProfileService>();
        services.AddSingleton<RunReplayer>();
        services.AddOutbound(configuration);
        services.AddOperations(configuration);
        services.AddAmsWebhook(configuration);
        services.AddErasure(configuration);
        return services;
    }
}
