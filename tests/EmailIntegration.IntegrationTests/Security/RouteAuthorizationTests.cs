using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EmailIntegration.Functions.Security;
using EmailIntegration.IntegrationTests.Infrastructure;
using EmailIntegration.LocalRunner.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace EmailIntegration.IntegrationTests.Security;

/// <summary>
/// Every HTTP route's role, both ways, over HTTP through the local runner (the same <see cref="ApiAuthorizer"/> the
/// worker's middleware runs in Azure): no token → 401, every role but the route's → 403, only the route's role → through.
/// The rows come from <see cref="HttpFunctionCatalog"/>, so a new route is in the table the moment it exists.
/// </summary>
public sealed class RouteAuthorizationTests : IAsyncLifetime
{
    private IsolatedPipeline pipeline = null!;

    public async Task InitializeAsync() => pipeline = await IsolatedPipeline.StartAsync();

    public async Task DisposeAsync() => await pipeline.DisposeAsync();

    public static TheoryData<string> RoutesWithARole => new(HttpFunctionCatalog.All.Where(f => f.Role is not null).Select(f => f.Name));

    private static HttpRequestMessage Request(HttpFunction function, string? bearer, string query = "")
    {
        var path = "/api/" + function.Route
            .Replace("{individualId}", "IND-AUTH", StringComparison.Ordinal)
            .Replace("{blastId}", "b-auth", StringComparison.Ordinal)
            .Replace("{runId}", "20200101T000000Z-00000000", StringComparison.Ordinal)
            .Replace("{erasureId}", "er-00000000000000000000000000000000", StringComparison.Ordinal);
        var request = new HttpRequestMessage(new HttpMethod(function.Methods[0]), path + query);
        if (function.Methods[0] is "POST" or "PUT")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return request;
    }

    private async Task<(HttpStatusCode Status, string? MediaType, HttpResponseMessage Response)> SendAsync(HttpRequestMessage request)
    {
        var response = await pipeline.Anonymous.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, response);
    }

    [Theory]
    [MemberData(nameof(RoutesWithARole))]
    public async Task EveryRoute_RefusesACallerWithoutAToken_With401Problem(string functionName)
    {
        var function = HttpFunctionCatalog.Find(functionName)!;

        var (status, mediaType, response) = await SendAsync(Request(function, bearer: null));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [MemberData(nameof(RoutesWithARole))]
    public async Task EveryRoute_RefusesACallerWithEveryRoleButItsOwn_With403Problem(string functionName)
    {
        var function = HttpFunctionCatalog.Find(functionName)!;
        var token = pipeline.Runner.Tokens.Mint(ApiRoles.All.Where(r => r != function.Role!.Role));

        var (status, mediaType, _) = await SendAsync(Request(function, token));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("application/problem+json", mediaType);
    }

    [Theory]
    [MemberData(nameof(RoutesWithARole))]
    public async Task EveryRoute_LetsACallerWithOnlyItsRoleThrough(string functionName)
    {
        var function = HttpFunctionCatalog.Find(functionName)!;
        var token = pipeline.Runner.Tokens.Mint([function.Role!.Role]);

        var (status, _, _) = await SendAsync(Request(function, token));

        Assert.NotEqual(HttpStatusCode.Unauthorized, status);
        Assert.NotEqual(HttpStatusCode.Forbidden, status);
    }

    public static TheoryData<string> BadTokens => new() { "expired", "other-issuer-key", "garbage", "no-signature" };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task AnInvalidToken_Is401_EvenWithTheRightRole(string kind)
    {
        var function = HttpFunctionCatalog.Find("GetIndividualProfile")!;
        var roles = new[] { ApiRoles.TabRead };
        var token = kind switch
        {
            "expired" => new LocalTokenIssuer(Convert.FromBase64String(pipeline.Runner.App.Configuration[ApiSecurityServiceCollectionExtensions.LocalSigningKeySetting]!),
                new FixedClock(DateTimeOffset.UtcNow.AddDays(-2))).Mint(roles, TimeSpan.FromHours(1)),
            "other-issuer-key" => new LocalTokenIssuer(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), TimeProvider.System).Mint(roles),
            "no-signature" => string.Join('.', pipeline.Runner.Tokens.Mint(roles).Split('.')[..2]) + ".",
            _ => "not.a.token",
        };

        var (status, _, _) = await SendAsync(Request(function, token));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task APrincipalHeader_IsNeverTrusted()
    {
        var principal = Convert.ToBase64String(Encoding.UTF8.GetBytes(
            """{"auth_typ":"aad","claims":[{"typ":"roles","val":"Operations"},{"typ":"roles","val":"Tab.Read"}],"name_typ":"name","role_typ":"roles"}"""));
        var request = Request(HttpFunctionCatalog.Find("GetRunLog")!, bearer: null);
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL", principal);
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL-NAME", "admin@example.org");

        var (status, _, _) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task TheFunctionKey_OpensNoRoute()
    {
        var request = Request(HttpFunctionCatalog.Find("PostBlast")!, bearer: null, "?code=" + pipeline.Runner.FunctionKey);
        request.Headers.Add("x-functions-key", pipeline.Runner.FunctionKey);

        var (status, _, _) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task AViewLink_ReadsItsOwnIndividual_AndNothingElse()
    {
        var view = "?viewToken=" + pipeline.Runner.ViewToken("IND-AUTH");
        var other = "?viewToken=" + pipeline.Runner.ViewToken("IND-OTHER");

        var (ownTab, _, _) = await SendAsync(Request(HttpFunctionCatalog.Find("GetEmailIntegrationTab")!, null, view));
        var (otherTab, _, _) = await SendAsync(Request(HttpFunctionCatalog.Find("GetEmailIntegrationTab")!, null, other));
        var (profile, _, _) = await SendAsync(Request(HttpFunctionCatalog.Find("GetIndividualProfile")!, null, view));
        var (put, _, _) = await SendAsync(Request(HttpFunctionCatalog.Find("PutIndividual")!, null, view));
        var (optOut, _, _) = await SendAsync(Request(HttpFunctionCatalog.Find("PostOptOut")!, null, view));

        Assert.Equal(HttpStatusCode.NotFound, ownTab); // through the gate; nobody by that id yet
        Assert.Equal(HttpStatusCode.Unauthorized, otherTab);
        Assert.Equal(HttpStatusCode.Unauthorized, profile);
        Assert.Equal(HttpStatusCode.Unauthorized, put);
        Assert.Equal(HttpStatusCode.Unauthorized, optOut);
    }

    [Fact]
    public async Task AnExpiredViewLink_Is401()
    {
        var token = pipeline.Runner.ViewToken("IND-AUTH", TimeSpan.FromSeconds(1));
        await Task.Delay(TimeSpan.FromSeconds(2.2));

        var (status, _, _) = await SendAsync(Request(HttpFunctionCatalog.Find("GetEmailIntegrationView")!, null, "?viewToken=" + token));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task ACreatedViewLink_OpensThePageWithoutAnyOtherCredential()
    {
        var create = Request(HttpFunctionCatalog.Find("CreateViewLink")!, pipeline.Runner.Tokens.Mint([ApiRoles.TabRead]));
        using var created = await pipeline.Anonymous.SendAsync(create);
        using var json = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var url = json.RootElement.GetProperty("url").GetString()!;

        using var page = await pipeline.Anonymous.GetAsync(url);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.DoesNotContain("code=", url, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode); // through the gate; nobody by that id yet
    }

    [Fact]
    public void TheAdminLevel_TakesOnlyTheAdminKey_NeverTheFunctionKey()
    {
        var keys = new LocalFunctionKeys(pipeline.Runner.FunctionKey, pipeline.Runner.AdminKey);
        HttpRequest With(string key)
        {
            var context = new DefaultHttpContext();
            context.Request.Headers["x-functions-key"] = key;
            return context.Request;
        }

        Assert.NotEqual(pipeline.Runner.FunctionKey, pipeline.Runner.AdminKey);
        Assert.False(HttpFunctionRoutes.KeyAccepted(AuthorizationLevel.Admin, With(pipeline.Runner.FunctionKey), keys));
        Assert.True(HttpFunctionRoutes.KeyAccepted(AuthorizationLevel.Admin, With(pipeline.Runner.AdminKey), keys));
        Assert.True(HttpFunctionRoutes.KeyAccepted(AuthorizationLevel.Function, With(pipeline.Runner.FunctionKey), keys));
        Assert.False(HttpFunctionRoutes.KeyAccepted(AuthorizationLevel.Function, With("wrong"), keys));
        Assert.False(HttpFunctionRoutes.KeyAccepted(AuthorizationLevel.Admin, With(""), keys));
    }

    [Fact]
    public async Task ReplayingAnUnknownRun_Is404()
    {
        var token = pipeline.Runner.Tokens.Mint([ApiRoles.Operations]);

        var (status, mediaType, _) = await SendAsync(Request(HttpFunctionCatalog.Find("ReplayRun")!, token));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("application/problem+json", mediaType);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
