using EmailIntegration.Azure.Configuration;
using EmailIntegration.IntegrationTests.Infrastructure;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EmailIntegration.IntegrationTests.Adapters;

public sealed class ResourceInitializerTests : IAsyncLifetime
{
    private IsolatedPipeline pipeline = null!;

    public async Task InitializeAsync() => pipeline = await IsolatedPipeline.StartAsync();

    public async Task DisposeAsync() => await pipeline.DisposeAsync();

    [Fact]
    public async Task AContainerLeftWithAnOlderIndexingPolicy_IsBroughtUpToDate_AndTheChangeFeedOrderWorksAgain()
    {
        var options = pipeline.Services.GetRequiredService<IOptions<CosmosOptions>>().Value;
        var container = pipeline.Services.GetRequiredService<CosmosClient>().GetContainer(options.Database, options.Container);
        var properties = (await container.ReadContainerAsync()).Resource;
        properties.IndexingPolicy.CompositeIndexes.Clear();
        await container.ReplaceContainerAsync(properties);
        var expected = ResourceInitializer.IndividualsContainer(options.Container).IndexingPolicy;
        Assert.False(ResourceInitializer.HasIndexingOf((await container.ReadContainerAsync()).Resource.IndexingPolicy, expected));
        var stale = await pipeline.GetAsync("/api/changes?pageSize=10");
        Assert.Equal(500, (int)stale.StatusCode);

        await pipeline.Services.GetRequiredService<ResourceInitializer>().EnsureCreatedAsync(default);
        await pipeline.Services.GetRequiredService<ResourceInitializer>().EnsureCreatedAsync(default);

        Assert.True(ResourceInitializer.HasIndexingOf((await container.ReadContainerAsync()).Resource.IndexingPolicy, expected));
        var fixedResponse = await pipeline.GetAsync("/api/changes?pageSize=10");
        Assert.Equal(200, (int)fixedResponse.StatusCode);
    }
}
