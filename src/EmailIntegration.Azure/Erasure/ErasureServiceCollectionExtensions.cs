using EmailIntegration.Pipeline.Erasure;
using EmailIntegration.Pipeline.Runs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EmailIntegration.Azure.Erasure;

public static class ErasureServiceCollectionExtensions
{
    /// <summary>
    /// Erasure (DELETE /api/individuals/{id}): the ledger and tombstones, one eraser per store, the change record; and the
    /// retention of landed files (replays refuse older runs). Called
    /// once from AddEmailIntegration; a new store that keeps an individual's data adds its <see cref="IIndividualDataEraser"/> here.
    /// </summary>
    public static IServiceCollection AddErasure(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ErasureStorageOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection(RetentionOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IErasureLedger, TableErasureLedger>();
        services.AddSingleton<IErasureChangeRecorder, CosmosErasureChangeRecorder>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIndividualDataEraser, CosmosPartitionEraser>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIndividualDataEraser, TableRowsEraser>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIndividualDataEraser, BlobOutboundEraser>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIndividualDataEraser, BlobQuarantineEraser>());
        services.AddSingleton<IndividualErasure>();
        return services;
    }
}
