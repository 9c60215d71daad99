using EmailIntegration.Functions.Http;
using EmailIntegration.Functions.Outbound;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EmailIntegration.UnitTests.Security;

/// <summary>JSON that carries members' data is never cached and never sniffed.</summary>
public sealed class PrivateResponseHeadersTests
{
    private static async Task<HttpResponse> ExecuteAsync(IActionResult result)
    {
        var services = new ServiceCollection().AddLogging().AddMvcCore().Services.BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        return context.Response;
    }

    public static TheoryData<string> Results => new() { "json", "accepted" };

    [Theory]
    [MemberData(nameof(Results))]
    public async Task ApiJson_IsSentNoStore_AndNosniff(string kind)
    {
        var value = new { email = "someone@example.org" };
        var response = await ExecuteAsync(kind == "json" ? ApiResults.Json(value) : OutboundHttp.Accepted("/api/blasts/b-1", value));

        Assert.Equal("no-store", response.Headers.CacheControl.ToString());
        Assert.Equal("nosniff", response.Headers["X-Content-Type-Options"].ToString());
        Assert.StartsWith("application/json", response.ContentType, StringComparison.Ordinal);
    }
}
