using EmailIntegration.Azure.Checkpoints;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Azure.Landing;
using EmailIntegration.Azure.Publishing;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Operations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Azure;

/// <summary>What the operations page and the runs list read: the run index, the poison queue of the transport in use.</summary>
public static class OperationsServiceCollectionExtensions
{
    public static IServiceCollection AddOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<TableRunLog>();
        services.AddSingleton<IRunLog>(sp => sp.GetRequiredService<TableRunLog>());
        services.AddSingleton<IRunIndex>(sp => sp.GetRequiredService<TableRunLog>());
        services.AddSingleton<IPoisonQueue>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<EmailIntegrationOptions>>().Value;
            return options.TrackingTransport switch
            {
                TrackingTransport.ServiceBus => new ServiceBusDeadLetterQueue(AzureClients.ServiceBus(configuration), options.TrackingQueue),
                _ => ActivatorUtilities.CreateInstance<StoragePoisonQueue>(sp),
            };
        });
        services.AddSingleton<IQuarantineReader, BlobQuarantine>();
        services.AddSingleton<RunOverviewReader>();
        services.AddSingleton<RequeueConfirmation>();
        return services;
    }
}
