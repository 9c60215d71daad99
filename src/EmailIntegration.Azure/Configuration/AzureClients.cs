using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace EmailIntegration.Azure.Configuration;

/// <summary>
/// Builds SDK clients from the same settings the Functions triggers read: a connection string
/// locally (Azurite), identity-based settings in Azure (<c>__blobServiceUri</c>, <c>__credential</c>,
/// <c>__clientId</c>), so no key ever sits in an app setting there.
/// </summary>
public static class AzureClients
{
    public const string StorageConnection = "AzureWebJobsStorage";
    public const string ServiceBusConnection = "ServiceBus";

    public static BlobServiceClient Blobs(IConfiguration configuration) =>
        ConnectionString(configuration, StorageConnection) is { } connectionString
            ? new BlobServiceClient(connectionString)
            : new BlobServiceClient(ServiceUri(configuration, StorageConnection, "blob"), Credential(configuration, StorageConnection));

    public static QueueServiceClient Queues(IConfiguration configuration)
    {
        // The Functions queue trigger expects base64 bodies by default.
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        return ConnectionString(configuration, StorageConnection) is { } connectionString
            ? new QueueServiceClient(connectionString, options)
            : new QueueServiceClient(ServiceUri(configuration, StorageConnection, "queue"), Credential(configuration, StorageConnection), options);
    }

    public static TableServiceClient Tables(IConfiguration configuration) =>
        ConnectionString(configuration, StorageConnection) is { } connectionString
            ? new TableServiceClient(connectionString)
            : new TableServiceClient(ServiceUri(configuration, StorageConnection, "table"), Credential(configuration, StorageConnection));

    public static ServiceBusClient ServiceBus(IConfiguration configuration)
    {
        var section = configuration.GetSection(ServiceBusConnection);
        var fullyQualifiedNamespace = section["fullyQualifiedNamespace"]
            ?? throw new InvalidOperationException($"Set {ServiceBusConnection}__fullyQualifiedNamespace to use the Service Bus transport.");
        return new ServiceBusClient(fullyQualifiedNamespace, Credential(configuration, ServiceBusConnection));
    }

    /// <summary>A user-assigned managed identity when a client id is configured, else the default chain.</summary>
    public static TokenCredential Credential(IConfiguration configuration, string connectionName)
    {
        var clientId = configuration[$"{connectionName}:clientId"] ?? configuration["AZURE_CLIENT_ID"];
        return clientId is { Length: > 0 }
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();
    }

    private static string? ConnectionString(IConfiguration configuration, string name) =>
        configuration[name] is { Length: > 0 } value ? value : null;

    private static Uri ServiceUri(IConfiguration configuration, string connectionName, string service)
    {
        var section = configuration.GetSection(connectionName);
        if (section[$"{service}ServiceUri"] is { Length: > 0 } uri)
        {
            return new Uri(uri);
        }

        return section["accountName"] is { Length: > 0 } account
            ? new Uri($"https://{account}.{service}.core.windows.net")
            : throw new InvalidOperationException(
                $"Set {connectionName} (a connection string) or {connectionName}__{service}ServiceUri / {connectionName}__accountName.");
    }
}
