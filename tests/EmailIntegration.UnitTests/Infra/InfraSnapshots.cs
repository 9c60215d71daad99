namespace EmailIntegration.UnitTests.Infra;

/// <summary>
/// The snapshots the infra tests look at, made once for the collection (each takes a few seconds): a production
/// environment (network isolation on by default), a developer's sandbox (off by default), and the two explicit
/// <c>environmentType</c> overrides that contradict the name.
/// </summary>
public sealed class InfraSnapshots : IAsyncLifetime
{
    private const string DeployerObjectId = "11111111-1111-1111-1111-111111111111";

    private readonly Dictionary<string, Task<BicepSnapshot>> snapshots = [];

    /// <summary>Network isolation on: the environment is named like a production one.</summary>
    public BicepSnapshot Isolated => Named("isolated");

    /// <summary>Network isolation off: a sandbox name, no environment type.</summary>
    public BicepSnapshot Open => Named("open");

    public BicepSnapshot For(bool isolated) => isolated ? Isolated : Open;

    /// <summary>One snapshot; a snapshot that could not be made fails only the tests that look at it.</summary>
    public BicepSnapshot Named(string name) => snapshots[name].GetAwaiter().GetResult();

    public async Task InitializeAsync()
    {
        var cases = new Dictionary<string, Dictionary<string, string>>
        {
            ["isolated"] = Parameters("email-integration-prod"),
            ["open"] = Parameters("email-integration-alice"),
            ["sandbox-typed-prod"] = Parameters("email-integration-alice", "prod"),
            ["prod-named-typed-dev"] = Parameters("email-integration-prod", "dev"),
        };
        foreach (var (key, parameters) in cases)
        {
            snapshots[key] = CreateAsync(key, parameters);
        }

        try
        {
            await Task.WhenAll(snapshots.Values);
        }
        catch (Exception)
        {
            // Kept in its task: Named(...) rethrows it in the tests that need that snapshot.
        }
    }

    private static async Task<BicepSnapshot> CreateAsync(string key, Dictionary<string, string> parameters)
    {
        var snapshot = await BicepSnapshot.CreateAsync(key, parameters);
        Assert.True(snapshot.Diagnostics.Count == 0, $"bicep snapshot reported for {key}: {snapshot.Diagnostics.ToJsonString()}");
        return snapshot;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static Dictionary<string, string> Parameters(string environmentName, string? environmentType = null)
    {
        var parameters = new Dictionary<string, string>
        {
            ["environmentName"] = environmentName,
            ["location"] = "eastus2",
            ["principalId"] = DeployerObjectId,
        };
        if (environmentType is not null)
        {
            parameters["environmentType"] = environmentType;
        }

        return parameters;
    }
}

[CollectionDefinition(Name)]
public sealed class InfraSnapshotCollection : ICollectionFixture<InfraSnapshots>
{
    public const string Name = "Infra snapshots";
}
