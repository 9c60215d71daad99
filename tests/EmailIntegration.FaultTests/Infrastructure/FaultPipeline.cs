using System.Net.Http.Headers;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.LocalRunner.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmailIntegration.FaultTests.Infrastructure;

/// <summary>
/// The local runner's host on this project's emulators, with names of its own, optional fault
/// decorators (<paramref name="configureServices"/>) and an optional log capture.
/// </summary>
public sealed class FaultPipeline : IAsyncDisposable
{
    private FaultPipeline(LocalRunnerApp runner, HttpClient http, string suffix, IReadOnlyDictionary<string, string?> settings)
    {
        Runner = runner;
        Http = http;
        Suffix = suffix;
        Settings = settings;
    }

    public LocalRunnerApp Runner { get; }

    public HttpClient Http { get; }

    public string Suffix { get; }

    /// <summary>The configuration overrides this pipeline runs with (the poison command gets the same).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    public IServiceProvider Services => Runner.Services;

    public LocalFunctionsHost Host => Runner.Host;

    public EmailIntegrationOptions Options => Services.GetRequiredService<IOptions<EmailIntegrationOptions>>().Value;

    public QueueClient Queue => Services.GetRequiredService<QueueServiceClient>().GetQueueClient(Options.TrackingQueue);

    public QueueClient PoisonQueue => Services.GetRequiredService<QueueServiceClient>().GetQueueClient(Options.TrackingQueue + "-poison");

    public BlobContainerClient Quarantine => Services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(Options.QuarantineContainer);

    public static Dictionary<string, string?> BaseSettings(string suffix)
    {
        var settings = IsolatedResources.Settings(suffix);
        settings["AzureWebJobsStorage"] = FaultEmulators.StorageConnectionString;
        settings["Cosmos:Endpoint"] = FaultEmulators.CosmosEndpoint;
        settings["Cosmos:Key"] = FaultEmulators.CosmosKey;
        settings["Vendors:HighRoad:Enabled"] = "false";
        settings["Vendors:Informz:Enabled"] = "false";
        return settings;
    }

    public static async Task<FaultPipeline> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null,
        Action<ILoggingBuilder>? configureLogging = null,
        string? suffix = null)
    {
        suffix ??= Guid.NewGuid().ToString("N")[..10];
        var overrides = BaseSettings(suffix);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        // Quiet by default (the faults make the host log every failed attempt); a test that reads the logs adds its own provider.
        var runner = await LocalRunnerApp.CreateAsync([], overrides, default, configureLogging ?? (logging => logging.ClearProviders()), configureServices);
        await runner.App.StartAsync();
        var http = new HttpClient { BaseAddress = new Uri(runner.BaseUrl) };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", runner.Tokens.MintWithEveryRole());
        return new FaultPipeline(runner, http, suffix, overrides);
    }

    /// <summary>What the host does at start-up (and what Azure never needs after a restart): create containers, queues, tables.</summary>
    public Task EnsureResourcesAsync() => Services.GetRequiredService<ResourceInitializer>().EnsureCreatedAsync(default);

    public Task ReplayAsync(string runId) => Host.FanOutAndApplyAsync(runId, CancellationToken.None);

    public Task<HttpResponseMessage> GetAsync(string path) => Http.GetAsync(path);

    /// <summary>The tab JSON of one individual, as the profile screen gets it.</summary>
    public async Task<string> TabAsync(string individualId)
    {
        using var response = await GetAsync($"/api/individuals/{Uri.EscapeDataString(individualId)}/email-integration?pageSize=100");
        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        // An emulator a test left down has nothing to clean: failures are expected here.
        _ = await IsolatedResources.DeleteAsync(Services);

        await Runner.App.StopAsync();
        await Runner.DisposeAsync();
    }
}
