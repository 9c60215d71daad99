using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using EmailIntegration.Azure;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.LocalRunner.Hosting;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.FanOut;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace EmailIntegration.LocalRunner.Bench;

/// <summary>
/// The local runner's host as <see cref="LocalRunnerApp"/> builds it (AddEmailIntegration, the HTTP functions behind
/// Kestrel, <see cref="LocalFunctionsHost"/>), with resource names of its own (like the integration tests'
/// IsolatedPipeline) so a bench never touches the local run's data, and with counting decorators of the store and
/// the publisher that only the bench registers.
/// </summary>
public sealed class BenchApp : IAsyncDisposable
{
    private BenchApp(WebApplication app, BenchCounters counters, string suffix)
    {
        App = app;
        Counters = counters;
        Suffix = suffix;
    }

    public WebApplication App { get; }

    public BenchCounters Counters { get; }

    public string Suffix { get; }

    public IServiceProvider Services => App.Services;

    public LocalFunctionsHost Host => Services.GetRequiredService<LocalFunctionsHost>();

    public string FunctionKey => App.Configuration["LocalRunner:FunctionKey"] ?? "local-dev-key";

    public string BaseUrl => Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>The store without the counting decorator: for seeding, which is not what is measured.</summary>
    public IIndividualDocumentStore UncountedStore { get; private set; } = null!;

    public static async Task<BenchApp> StartAsync(CancellationToken cancellationToken)
    {
        var suffix = "b" + Guid.NewGuid().ToString("N")[..9];
        var overrides = new Dictionary<string, string?>
        {
            ["LandingContainer"] = $"landing-{suffix}",
            ["QuarantineContainer"] = $"quarantine-{suffix}",
            ["TrackingQueue"] = $"tracking-{suffix}",
            ["WatermarkTable"] = $"Watermarks{suffix}",
            ["RunLogTable"] = $"RunLog{suffix}",
            ["VendorDirectoryTable"] = $"VendorDirectory{suffix}",
            ["Cosmos:Container"] = $"individuals-{suffix}",
            ["LocalRunner:Sandbox"] = "false",
            ["LocalRunner:Port"] = "0",
            ["Vendors:RealMagnet:Enabled"] = "false",
            ["Vendors:RealMagnet:BaseUrl"] = "http://127.0.0.1:9/",
        };

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration
            .AddLocalSettings(Path.Combine(AppContext.BaseDirectory, "local.settings.sample.json"))
            .AddLocalSettings(Path.Combine(Directory.GetCurrentDirectory(), "local.settings.json"))
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().AddFilter(_ => true)
            .AddFilter("Microsoft", LogLevel.Warning).AddFilter("System.Net.Http", LogLevel.Warning)
            .AddFilter("EmailIntegration", LogLevel.Error).AddFilter("Polly", LogLevel.Warning);

        var counters = new BenchCounters();
        builder.Services.AddEmailIntegration(builder.Configuration);
        Decorate<IIndividualDocumentStore>(builder.Services, inner => new CountingDocumentStore(inner, counters));
        Decorate<ITrackingMessagePublisher>(builder.Services, inner => new CountingPublisher(inner, counters));
        builder.Services.AddMvcCore();
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<LocalFunctionsHost>(
            sp, LocalSettings.MaxDequeueCount(Path.Combine(AppContext.BaseDirectory, "host.json"))));
        builder.WebHost.UseUrls("http://127.0.0.1:0");

        var app = builder.Build();
        app.MapHttpFunctions(app.Configuration["LocalRunner:FunctionKey"] ?? "local-dev-key");
        await app.Services.GetRequiredService<ResourceInitializer>().EnsureCreatedAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        return new BenchApp(app, counters, suffix)
        {
            UncountedStore = new EmailIntegration.Azure.Store.CosmosIndividualStore(app.Services.GetRequiredService<Container>()),
        };
    }

    /// <summary>Drops everything the bench made (the emulators keep it in memory otherwise), then stops the host.</summary>
    public async ValueTask DisposeAsync()
    {
        var options = Services.GetRequiredService<IOptions<EmailIntegrationOptions>>().Value;
        var blobs = Services.GetRequiredService<BlobServiceClient>();
        var queues = Services.GetRequiredService<QueueServiceClient>();
        var tables = Services.GetRequiredService<TableServiceClient>();
        await Try(() => blobs.GetBlobContainerClient(options.LandingContainer).DeleteIfExistsAsync());
        await Try(() => blobs.GetBlobContainerClient(options.QuarantineContainer).DeleteIfExistsAsync());
        await Try(() => queues.GetQueueClient(options.TrackingQueue).DeleteIfExistsAsync());
        await Try(() => queues.GetQueueClient(options.TrackingQueue + "-poison").DeleteIfExistsAsync());
        foreach (var table in new[] { options.WatermarkTable, options.RunLogTable, options.VendorDirectoryTable })
        {
            await Try(() => tables.DeleteTableAsync(table));
        }

        await Try(() => Services.GetRequiredService<Container>().DeleteContainerStreamAsync());
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }

    private static async Task Try<T>(Func<Task<T>> cleanup)
    {
        try
        {
            await cleanup();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"Clean-up step failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static void Decorate<T>(IServiceCollection services, Func<T, T> wrap)
        where T : class
    {
        var original = services.Last(d => d.ServiceType == typeof(T));
        services.Remove(original);
        services.Add(ServiceDescriptor.Describe(typeof(T), sp => wrap((T)Create(sp, original)), original.Lifetime));
    }

    private static object Create(IServiceProvider sp, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(sp)
        ?? ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!);
}
