using EmailIntegration.Pipeline.Outbound;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EmailIntegration.Azure.Outbound;

public static class OutboundServiceCollectionExtensions
{
    /// <summary>
    /// The outbound side: blasts (landed in Blob, status in Table, queued) and AMS opt-outs, pushed to the vendors from
    /// the outbound queue. Called once from AddEmailIntegration, after the vendor modules, which register their outbound
    /// adapters (<c>IOutboundVendor</c>).
    /// </summary>
    public static IServiceCollection AddOutbound(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OutboundStorageOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OutboundOptions>().Bind(configuration.GetSection(OutboundOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton<IBlastStore, BlobBlastStore>();
        services.AddSingleton<IBlastStatusStore, TableBlastStatusStore>();
        services.AddSingleton<ISuppressionLedger, BlobSuppressionLedger>();
        services.AddSingleton<IOptOutResultStore, TableOptOutResultStore>();
        services.AddSingleton<IOutboundQueue, StorageOutboundQueue>();
        services.AddSingleton<IVendorRecipientIndex, TableVendorRecipientIndex>();

        services.AddSingleton<FieldMapper>();
        services.AddTransient<BlastService>();
        services.AddTransient<OptOutService>();
        services.AddTransient<OutboundProcessor>();
        services.AddSingleton<BlastSuppressionReport>();
        return services;
    }
}
