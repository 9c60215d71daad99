using System.Globalization;
using System.Security;
using System.Text;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.UnitTests.Vendors.RealMagnet;
using EmailIntegration.Vendors.Informz;
using EmailIntegration.VendorSandbox.Informz;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;


namespace EmailIntegration.UnitTests.Vendors.Informz;

/// <summary>A sandbox and a service provider wired to it the way a host would be (AddInformz + a directory + a clock).</summary>
internal sealed class InformzHarness : IDisposable
{
    public static readonly DateTimeOffset Today = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset Now = Today.AddHours(2).AddMinutes(15);

    private readonly ServiceProvider provider;

    public InformzHarness(int pageSize = 50, string? password = null, int maxRetryAttempts = 3, int seed = 20261130,
        Dictionary<string, string?>? extra = null, bool unframeRequests = false)
    {
        Data = InformzSandboxData.Generate(seed, Today.AddHours(2));
        Sandbox = InformzSandbox.Start(Data);
        var settings = new Dictionary<string, string?>(Sandbox.AdapterSettings(pageSize))
        {
            // Short delays and timeouts so fault tests run in seconds.
            ["Vendors:Informz:Timeout"] = "00:00:30",
            ["Vendors:Informz:AttemptTimeout"] = "00:00:10",
            ["Vendors:Informz:RetryBaseDelay"] = "00:00:00.050",
            ["Vendors:Informz:MaxRetryAttempts"] = maxRetryAttempts.ToString(CultureInfo.InvariantCulture),
        };
        if (password is not null)
        {
            settings["Vendors:Informz:Password"] = password;
        }

        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IVendorDirectory>(Directory);
        services.AddSingleton<TimeProvider>(new FixedTimeProvider(Now));
        services.AddInformz(configuration);
        if (unframeRequests)
        {
            services.AddHttpClient<InformzClient>().AddHttpMessageHandler(() => new UnframingHandler());
        }
        provider = services.BuildServiceProvider(validateScopes: true);
    }

    public InformzSandboxData Data { get; }

    public InformzSandbox Sandbox { get; }

    public InMemoryVendorDirectory Directory { get; } = new();

    public IVendorTrackingSource Source => provider.GetServices<IVendorTrackingSource>().Single(s => s.Vendor == "informz");

    public ITrackingParser Parser => provider.GetServices<ITrackingParser>().Single(p => p.Vendor == "informz");

    public InformzClient Client => provider.GetRequiredService<InformzClient>();

    public TrackingWindow FirstWindow => Source.PlanWindow(null, Now)!;

    public Task<List<FetchedPage>> FetchAllAsync(TrackingWindow? window = null, Func<FetchedPage, Task>? onPage = null) =>
        EmailIntegration.UnitTests.Pipeline.CollectingPageSink.FetchAllAsync(Source, window ?? FirstWindow, onPage);

    public void Dispose()
    {
        provider.Dispose();
        Sandbox.Dispose();
    }

    /// <summary>A GridResponse inside a PostInformzMessage SOAP response, as the service answers and the fetch lands it.</summary>
    public static string Envelope(string gridResponse) =>
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
        + "<PostInformzMessageResponse xmlns=\"http://partner.informz.net/aapi/2009/08/\"><PostInformzMessageResult>"
        + SecurityElement.Escape(gridResponse)
        + "</PostInformzMessageResult></PostInformzMessageResponse></s:Body></s:Envelope>";

    /// <summary>A GridResponse with the given records, each a list of (element, value-or-null), its Grid node framed in
    /// <c>&lt;Grids&gt;</c> as the service answers ("Making the Call", 360044600992).</summary>
    public static string Grid(string type, params (string Element, string? Value)[][] records) =>
        "<?xml version=\"1.0\" encoding=\"utf-16\"?>\n<GridResponse xmlns=\"http://partner.informz.net/aapi/2009/08/\">"
        + "<Brand id=\"9999\">Test Brand</Brand><User>testuser</User><Grids>"
        + InformzFrame.Encode(GridNode(type, records))
        + "</Grids></GridResponse>";

    /// <summary>The same GridResponse with the Grid node as plain XML: what the service never sends.</summary>
    public static string UnframedGrid(string type, params (string Element, string? Value)[][] records) =>
        "<?xml version=\"1.0\" encoding=\"utf-16\"?>\n<GridResponse xmlns=\"http://partner.informz.net/aapi/2009/08/\">"
        + "<Brand id=\"9999\">Test Brand</Brand><User>testuser</User><Grids>"
        + GridNode(type, records)
        + "</Grids></GridResponse>";

    /// <summary>The Grid node (in the AAPI namespace) with its records.</summary>
    public static string GridNode(string type, params (string Element, string? Value)[][] records)
    {
        var sb = new StringBuilder("<Grid xmlns=\"http://partner.informz.net/aapi/2009/08/\" type=\"").Append(type).Append("\">");
        var row = 1;
        foreach (var record in records)
        {
            sb.Append("<Record row=\"").Append(row++).Append("\"><Fields>");
            foreach (var (element, value) in record)
            {
                sb.Append(value is null
                    ? $"<Field element=\"{element}\" />"
                    : $"<Field element=\"{element}\">{SecurityElement.Escape(value)}</Field>");
            }

            sb.Append("</Fields></Record>");
        }

        return sb.Append("</Grid>").ToString();
    }
}

/// <summary>A clock stopped at one instant.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
