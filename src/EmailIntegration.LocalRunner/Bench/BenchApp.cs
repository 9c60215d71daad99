using EmailIntegration.LocalRunner.Hosting;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.FanOut;
using Microsoft.Azure.Cosmos;

namespace EmailIntegration.LocalRunner.Bench;

/// <summary>
/// The local runner's host as <see cref="LocalRunnerApp"/> builds it (AddEmailIntegration, the HTTP functions behind
/// Kestrel, <see cref="LocalFunctionsHost"/>), with resource names of its own (<see cref="IsolatedResources"/>) so a
/// bench never touches the local run's data, and with counting decorators of the store and the publisher that only
/// the bench registers.
/// </summary>
public sealed class BenchApp : IAsyncDisposable
{
    private BenchApp(LocalRunnerApp runner, BenchCounters counters, string suffix)
    {
        Runner = runner;
        Counters = counters;
        Suffix = suffix;
        UncountedStore = new EmailIntegration.Azure.Store.CosmosIndividualStore(runner.Services.GetRequiredService<Container>());
    }

    public LocalRunnerApp Runner { get; }

    public BenchCounters Counters { get; }

    public string Suffix { get; }

    public IServiceProvider Services => Runner.Services;

    public LocalFunctionsHost Host => Runner.Host;

    public string FunctionKey => Runner.FunctionKey;

    public string BaseUrl => Runner.BaseUrl;

    /// <summary>The store without the counting decorator: for seeding, which is not what is measured.</summary>
    public IIndividualDocumentStore UncountedStore { get; }

    public static async Task<BenchApp> StartAsync(CancellationToken cancellationToken)
    {
        var suffix = "b" + Guid.NewGuid().ToString("N")[..9];
        var counters = new BenchCounters();
        var runner = await LocalRunnerApp.CreateAsync([], IsolatedResources.Settings(suffix), cancellationToken,
            logging => logging.ClearProviders().AddSimpleConsole().AddFilter("Microsoft", LogLevel.Warning).AddFilter("EmailIntegration", LogLevel.Error),
            services =>
            {
                Decorate<IIndividualDocumentStore>(services, inner => new CountingDocumentStore(inner, counters));
                Decorate<ITrackingMessagePublisher>(services, inner => new CountingPublisher(inner, counters));
            });
        await runner.App.StartAsync(cancellationToken);
        return new BenchApp(runner, counters, suffix);
    }

    /// <summary>Drops everything the bench made (the emulators keep it in memory otherwise), then stops the host.</summary>
    public async ValueTask DisposeAsync()
    {
        if (await IsolatedResources.DeleteAsync(Services) is { } failure)
        {
            Console.Error.WriteLine($"Clean-up failed: {failure}");
        }

        await Runner.App.StopAsync(CancellationToken.None);
        await Runner.DisposeAsync();
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
