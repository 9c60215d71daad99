using System.Globalization;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.VendorSandbox.RealMagnet;
using EmailIntegration.Vendors.RealMagnet;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EmailIntegration.UnitTests.Vendors.RealMagnet;

/// <summary>A sandbox and a service provider wired to it the way a host would be (AddRealMagnet + a directory).</summary>
internal sealed class RealMagnetHarness : IDisposable
{
    public static readonly DateTimeOffset Today = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider provider;

    public const int DefaultSeed = 20261130;

    public RealMagnetHarness(int pageSize = 50, string? password = null, int maxRetryAttempts = 3, int seed = DefaultSeed)
    {
        Data = GenerateData(seed);
        Sandbox = RealMagnetSandbox.Start(Data);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings(Sandbox, pageSize, password, maxRetryAttempts)).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IVendorDirectory>(Directory);
        services.AddRealMagnet(configuration);
        provider = services.BuildServiceProvider(validateScopes: true);
    }

    /// <summary>The data a harness with <paramref name="seed"/> serves, for tests that size their pages from it.</summary>
    public static SandboxData GenerateData(int seed = DefaultSeed) => SandboxData.Generate(seed, Today.AddHours(2));

    public static Dictionary<string, string?> Settings(RealMagnetSandbox sandbox, int pageSize, string? password, int maxRetryAttempts)
    {
        var settings = new Dictionary<string, string?>(sandbox.AdapterSettings(pageSize))
        {
            // Short delays and timeouts so fault tests run in seconds.
            ["Vendors:RealMagnet:Timeout"] = "00:00:30",
            ["Vendors:RealMagnet:AttemptTimeout"] = "00:00:10",
            ["Vendors:RealMagnet:RetryBaseDelay"] = "00:00:00.050",
            ["Vendors:RealMagnet:MaxRetryAttempts"] = maxRetryAttempts.ToString(CultureInfo.InvariantCulture),
        };
        if (password is not null)
        {
            settings["Vendors:RealMagnet:Password"] = password;
        }

        return settings;
    }

    public SandboxData Data { get; }

    public RealMagnetSandbox Sandbox { get; }

    public InMemoryVendorDirectory Directory { get; } = new();

    public IVendorTrackingSource Source => provider.GetServices<IVendorTrackingSource>().Single(s => s.Vendor == "realmagnet");

    /// <summary>The typed client as the source gets it, for calls the source would never make.</summary>
    public RealMagnetClient Client => provider.GetRequiredService<RealMagnetClient>();

    public ITrackingParser Parser => provider.GetServices<ITrackingParser>().Single(p => p.Vendor == "realmagnet");

    public TrackingWindow FirstWindow => Source.PlanWindow(null, Today.AddHours(2).AddMinutes(15))!;

    public Task<List<FetchedPage>> FetchAllAsync(TrackingWindow? window = null, Func<FetchedPage, Task>? onPage = null) =>
        EmailIntegration.UnitTests.Pipeline.CollectingPageSink.FetchAllAsync(Source, window ?? FirstWindow, onPage);

    public void Dispose()
    {
        provider.Dispose();
        Sandbox.Dispose();
    }
}
