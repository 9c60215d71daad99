using System.Reflection;
using EmailIntegration.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace EmailIntegration.UnitTests.Azure;

/// <summary>
/// The graph that the Functions app, the local runner and the tests share: every service resolvable, and no
/// singleton that keeps a typed HttpClient (directly or through a transient) for the life of the process, which would
/// pin one handler and lose DNS changes and handler rotation.
/// </summary>
public sealed class ServiceLifetimeTests
{
    private static IServiceCollection Graph()
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(SampleSettings()).Build();
        return new ServiceCollection().AddLogging().AddEmailIntegration(settings);
    }

    [Fact]
    public void EveryRegisteredService_IsResolvable_WithScopesValidated()
    {
        using var provider = Graph().BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.NotNull(provider.GetRequiredService<EmailIntegration.Pipeline.Fetch.VendorTrackingFetcher>());
    }

    [Fact]
    public void NoSingleton_CapturesATypedHttpClient()
    {
        var services = Graph();
        var captive = new List<string>();
        foreach (var singleton in services.Where(d => d.Lifetime == ServiceLifetime.Singleton && ImplementationOf(d) is not null))
        {
            if (PathToHttpClient(services, ImplementationOf(singleton)!, [], depth: 0) is { } path)
            {
                captive.Add($"{singleton.ServiceType.Name} → {path}");
            }
        }

        Assert.Empty(captive);
    }

    [Fact]
    public void TheCheck_FindsACaptiveTypedClient()
    {
        var services = new ServiceCollection();
        services.AddHttpClient<TypedClient>();
        services.AddSingleton<HoldsTypedClient>();

        var singleton = services.Single(d => d.ServiceType == typeof(HoldsTypedClient));

        Assert.Equal("TypedClient → HttpClient", PathToHttpClient(services, ImplementationOf(singleton)!, [], 0));
    }

    /// <summary>local.settings.sample.json's values, with app-setting names (<c>A__B</c>) as configuration keys (<c>A:B</c>).</summary>
    private static Dictionary<string, string?> SampleSettings()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory!.FullName, "EmailIntegration.sln")))
        {
            directory = directory.Parent;
        }

        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(directory.FullName, "local.settings.sample.json")));
        return document.RootElement.GetProperty("Values").EnumerateObject()
            .ToDictionary(p => p.Name.Replace("__", ":", StringComparison.Ordinal), p => p.Value.GetString());
    }

    /// <summary>The class a registration builds; for a factory (how typed HttpClients are registered), its concrete service type.</summary>
    private static Type? ImplementationOf(ServiceDescriptor d) =>
        d.IsKeyedService ? null
        : d.ImplementationType
          ?? (d.ImplementationFactory is not null && d.ServiceType is { IsClass: true, IsAbstract: false } ? d.ServiceType : null);

    /// <summary>The chain of non-singleton dependencies from <paramref name="type"/> to an HttpClient, if any.</summary>
    private static string? PathToHttpClient(IServiceCollection services, Type type, HashSet<Type> seen, int depth)
    {
        if (depth > 12 || !seen.Add(type))
        {
            return null;
        }

        var constructor = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance).MaxBy(c => c.GetParameters().Length);
        foreach (var parameter in constructor?.GetParameters() ?? [])
        {
            var wanted = parameter.ParameterType.IsGenericType && parameter.ParameterType.GetGenericTypeDefinition() == typeof(IEnumerable<>)
                ? parameter.ParameterType.GetGenericArguments()[0]
                : parameter.ParameterType;
            if (wanted == typeof(HttpClient))
            {
                return "HttpClient";
            }

            foreach (var dependency in services.Where(d => d.ServiceType == wanted && d.Lifetime != ServiceLifetime.Singleton))
            {
                if (ImplementationOf(dependency) is { } implementation
                    && PathToHttpClient(services, implementation, seen, depth + 1) is { } rest)
                {
                    return $"{implementation.Name} → {rest}";
                }
            }
        }

        return null;
    }

    private sealed class TypedClient(HttpClient http)
    {
        public HttpClient Http { get; } = http;
    }

    private sealed class HoldsTypedClient(TypedClient client)
    {
        public TypedClient Client { get; } = client;
    }
}
