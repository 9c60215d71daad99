using EmailIntegration.Azure.Checkpoints;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Azure.Landing;
using EmailIntegration.Azure.Publishing;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Operations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

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
        services.AddMetricsExport(configuration);
        return services;
    }

    /// <summary>
    /// In Azure (an Application Insights connection string is set) the pipeline's metrics go to Application Insights'
    /// customMetrics, which the alerts (infra/app/alerts.bicep) query; with Entra authentication
    /// (APPLICATIONINSIGHTS_AUTHENTICATION_STRING <c>Authorization=AAD;ClientId=…</c>) as the app's identity.
    /// Locally the runner's import summary and the operations page read them.
    /// </summary>
    private static void AddMetricsExport(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"] is not { Length: > 0 } connectionString)
        {
            return;
        }

        var authentication = configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] ?? string.Empty;
        var clientId = authentication.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2)).Where(kv => kv.Length == 2 && kv[0].Equals("ClientId", StringComparison.OrdinalIgnoreCase))
            .Select(kv => kv[1]).FirstOrDefault();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddAzureMonitorMetricExporter(exporter =>
        {
            exporter.ConnectionString = connectionString;
            if (authentication.Contains("Authorization=AAD", StringComparison.OrdinalIgnoreCase))
            {
                exporter.Credential = clientId is { Length: > 0 }
                    ? new global::Azure.Identity.ManagedIdentityCredential(global::Azure.Identity.ManagedIdentityId.FromUserAssignedClientId(clientId))
                    : new global::Azure.Identity.DefaultAzureCredential();
            }
        }));
    }
}
