using EmailIntegration.Azure;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Functions.Security;
using EmailIntegration.VendorSandbox;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration.Memory;

namespace EmailIntegration.LocalRunner.Hosting;

/// <summary>
/// The local runner's web host: the same DI graph as the Functions app (AddEmailIntegration), the
/// HTTP functions behind Kestrel, the host emulation for the other triggers, and optionally the
/// vendor sandbox standing in for the vendors.
/// </summary>
public sealed class LocalRunnerApp : IAsyncDisposable
{
    private LocalRunnerApp(WebApplication app, VendorSandboxes? sandbox)
    {
        App = app;
        Sandbox = sandbox;
    }

    public WebApplication App { get; }

    /// <summary>The vendor sandboxes standing in for Real Magnet, Informz and HighRoad, when enabled.</summary>
    public VendorSandboxes? Sandbox { get; }

    public IServiceProvider Services => App.Services;

    public LocalFunctionsHost Host => App.Services.GetRequiredService<LocalFunctionsHost>();

    public string FunctionKey => App.Configuration["LocalRunner:FunctionKey"] ?? "local-dev-key";

    /// <summary>The stand-in for the host's master key: made at start, never the function key.</summary>
    public string AdminKey => App.Configuration["LocalRunner:AdminKey"]!;

    /// <summary>Mints bearer tokens with roles that this run's API accepts (and no other).</summary>
    public LocalTokenIssuer Tokens => new(
        Convert.FromBase64String(App.Configuration[ApiSecurityServiceCollectionExtensions.LocalSigningKeySetting]!),
        App.Services.GetRequiredService<TimeProvider>());

    /// <summary>A read-only view link token for one individual (the <c>viewToken</c> of the Tab: and Page: URLs).</summary>
    public string ViewToken(string individualId, TimeSpan? lifetime = null) =>
        App.Services.GetRequiredService<ViewLinks>().Create(individualId, lifetime).Token;

    /// <summary>The address Kestrel listens on once started.</summary>
    public string BaseUrl => App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    private static readonly Dictionary<string, string?> QuietLogging = new()
    {
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:System.Net.Http"] = "Warning",
        ["Logging:LogLevel:EmailIntegration"] = "Warning",
        ["Logging:LogLevel:Polly"] = "Warning",
    };

    public static async Task<LocalRunnerApp> CreateAsync(
        string[] args, IReadOnlyDictionary<string, string?>? overrides = null, CancellationToken cancellationToken = default,
        Action<ILoggingBuilder>? configureLogging = null, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

        // The summary reports the counts; per-file and per-request lines only when asked for
        // (Logging__LogLevel__EmailIntegration=Information). Defaults as the lowest configuration source, not code filters,
        // so that every documented setting (environment, local.settings.json, command line) overrides them.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = QuietLogging });
        builder.Configuration
            .AddLocalSettings(Path.Combine(AppContext.BaseDirectory, "local.settings.sample.json"))
            .AddLocalSettings(Path.Combine(Directory.GetCurrentDirectory(), "local.settings.json"))
            .AddEnvironmentVariables()
            .AddCommandLine(args);
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        // The local token issuer's signing key and the admin key: random per run unless a test sets them.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [ApiSecurityServiceCollectionExtensions.LocalSigningKeySetting] =
                builder.Configuration[ApiSecurityServiceCollectionExtensions.LocalSigningKeySetting] is { Length: > 0 } key ? key : LocalTokenIssuer.NewSigningKey(),
            ["LocalRunner:AdminKey"] = builder.Configuration["LocalRunner:AdminKey"] is { Length: > 0 } admin ? admin : LocalTokenIssuer.NewSigningKey(),
        });

        VendorSandboxes? sandbox = null;
        if (builder.Configuration.GetValue("LocalRunner:Sandbox", false))
        {
            sandbox = VendorSandboxes.Start(seed: 42, today: DateTimeOffset.UtcNow);
            builder.Configuration.AddInMemoryCollection(sandbox.AdapterSettings());
        }

        configureLogging?.Invoke(builder.Logging);
        builder.Services.AddEmailIntegration(builder.Configuration).AddApiSecurity(builder.Configuration);

        // Tests add log providers and wrap adapters (fault injection) here; the runner itself passes neither.
        configureServices?.Invoke(builder.Services);
        builder.Services.AddMvcCore();
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<LocalFunctionsHost>(
            sp, LocalSettings.QueueRules(Path.Combine(AppContext.BaseDirectory, "host.json"))));
        builder.WebHost.UseUrls($"http://127.0.0.1:{builder.Configuration.GetValue("LocalRunner:Port", 7071)}");

        var app = builder.Build();
        app.MapHttpFunctions(new LocalFunctionKeys(app.Configuration["LocalRunner:FunctionKey"] ?? "local-dev-key", app.Configuration["LocalRunner:AdminKey"]!));
        await app.Services.GetRequiredService<ResourceInitializer>().EnsureCreatedAsync(cancellationToken);
        return new LocalRunnerApp(app, sandbox);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        Sandbox?.Dispose();
    }
}
