using System.Globalization;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.VendorSandbox.HighRoad;
using EmailIntegration.Vendors.HighRoad;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EmailIntegration.UnitTests.Vendors.HighRoad;

/// <summary>A HighRoad sandbox and a service provider wired to it the way a host would be (AddHighRoad).</summary>
internal sealed class HighRoadHarness : IDisposable
{
    public static readonly DateTimeOffset Today = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider provider;

    public HighRoadHarness(
        string? password = null, int maxRetryAttempts = 3, char delimiter = ',', int seed = 20261130,
        Dictionary<string, string?>? extra = null, IHighRoadSftpConnector? sftp = null)
    {
        Data = HighRoadSandboxData.Generate(seed, Today.AddHours(2));
        Sandbox = HighRoadSandbox.Start(Data, delimiter: delimiter);
        var settings = new Dictionary<string, string?>(Sandbox.AdapterSettings())
        {
            ["Vendors:HighRoad:Timeout"] = "00:00:30",
            ["Vendors:HighRoad:AttemptTimeout"] = "00:00:10",
            ["Vendors:HighRoad:RetryBaseDelay"] = "00:00:00.050",
            ["Vendors:HighRoad:MaxRetryAttempts"] = maxRetryAttempts.ToString(CultureInfo.InvariantCulture),
        };
        if (password is not null)
        {
            settings["Vendors:HighRoad:HttpsPassword"] = password;
        }

        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(new FixedTime(Today.AddHours(2).AddMinutes(15)));
        if (sftp is not null)
        {
            services.AddSingleton(sftp);
        }

        services.AddHighRoad(configuration);
        provider = services.BuildServiceProvider(validateScopes: true);
    }

    public HighRoadSandboxData Data { get; }

    public HighRoadSandbox Sandbox { get; }

    public IServiceProvider Services => provider;

    public IVendorTrackingSource Source => provider.GetServices<IVendorTrackingSource>().Single(s => s.Vendor == "highroad");

    public ITrackingParser Parser => provider.GetServices<ITrackingParser>().Single(p => p.Vendor == "highroad");

    public TrackingWindow FirstWindow => Source.PlanWindow(null, Today.AddHours(2).AddMinutes(15))!;

    public Task<List<FetchedPage>> FetchAllAsync(TrackingWindow? window = null) =>
        EmailIntegration.UnitTests.Pipeline.CollectingPageSink.FetchAllAsync(Source, window ?? FirstWindow);

    public void Dispose()
    {
        provider.Dispose();
        Sandbox.Dispose();
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
