using System.Net;
using System.Text.Json;
using EmailIntegration.IntegrationTests.Infrastructure;

namespace EmailIntegration.IntegrationTests.Http;

public sealed class TabHttpTests : IAsyncLifetime
{
    private IsolatedPipeline pipeline = null!;

    public async Task InitializeAsync() => pipeline = await IsolatedPipeline.StartAsync();

    public async Task DisposeAsync() => await pipeline.DisposeAsync();

    [Fact]
    public async Task WithoutTheFunctionKey_Returns401Problem()
    {
        using var response = await pipeline.GetAsync("/api/individuals/IND-1/email-integration", withKey: false);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task UnknownIndividual_Returns404Problem()
    {
        using var response = await pipeline.GetAsync("/api/individuals/IND-NOBODY/email-integration");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("bad%20id")]
    [InlineData("x'%20OR%201=1")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task MalformedIndividualId_Returns400Problem_WithoutAStackTrace(string id)
    {
        using var response = await pipeline.GetAsync($"/api/individuals/{id}/email-integration");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
    }
}
