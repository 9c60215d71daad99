using EmailIntegration.Azure.Configuration;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;

namespace EmailIntegration.Azure.Store;

public static class CosmosClientFactory
{
    public static CosmosClient Create(CosmosOptions options, IConfiguration configuration)
    {
        var clientOptions = new CosmosClientOptions
        {
            ApplicationName = "EmailIntegration",
            // Retries on 429 are the SDK's; our own retry loop is only for ETag conflicts.
            MaxRetryAttemptsOnRateLimitedRequests = 9,
        };

        if (options.AcceptSelfSignedCertificate && EmailIntegration.Vendors.VendorEndpoints.IsLoopback(options.Endpoint?.Host))
        {
            // The local emulator: one HTTPS gateway with a self-signed certificate and no other endpoints.
            clientOptions.ConnectionMode = ConnectionMode.Gateway;
            clientOptions.LimitToEndpoint = true;
            clientOptions.HttpClientFactory = () => new HttpClient(new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
            });
        }

        return options.Key is { Length: > 0 } key
            ? new CosmosClient(options.Endpoint!.ToString(), key, clientOptions)
            : new CosmosClient(options.Endpoint!.ToString(), AzureClients.Credential(configuration, "Cosmos"), clientOptions);
    }
}
