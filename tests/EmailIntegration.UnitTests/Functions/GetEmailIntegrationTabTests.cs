using System.Reflection;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Functions.Http;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.Serve;
using EmailIntegration.UnitTests.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.OpenApi;
using Moq;
using Xunit;
using static EmailIntegration.UnitTests.Domain.TrackingEvents;

namespace EmailIntegration.UnitTests.Functions;

public sealed class GetEmailIntegrationTabTests
{
    private readonly Mock<IIndividualDocumentStore> store = new();

    private Task<IActionResult> Get(string individualId, string query = "")
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query);
        return new GetEmailIntegrationTab(EmailIntegrationTabReaderTests.Reader(store), NullLogger<GetEmailIntegrationTab>.Instance)
            .Run(context.Request, individualId, CancellationToken.None);
    }

    [Fact]
    public async Task AnIndividualWithData_Gets200WithTheTabAsApiJson()
    {
        EmailIntegrationTabReaderTests.SetupForms(store, "ind-1", EmailIntegrationTabReaderTests.DocumentsOf(Delivered("ind-1", "m-1", T0)));

        var result = await Get("ind-1");

        var json = Assert.IsAssignableFrom<JsonResult>(result);
        Assert.Equal(StatusCodes.Status200OK, json.StatusCode);
        Assert.Same(ApiJson.Options, json.SerializerSettings);
        var tab = Assert.IsType<EmailIntegrationTab>(json.Value);
        Assert.Equal("ind-1", tab.IndividualId);
        Assert.Equal("m-1", Assert.Single(tab["tracking"].ItemsOf<TrackingItem>()).MailingId);
    }

    [Fact]
    public async Task TheTabJson_HasEveryFormUnderItsJsonName_AndTheFlags()
    {
        EmailIntegrationTabReaderTests.SetupForms(store, "ind-1", EmailIntegrationTabReaderTests.DocumentsOf(Delivered("ind-1", "m-1", T0)));

        var tab = (EmailIntegrationTab)((JsonResult)await Get("ind-1")).Value!;
        using var json = System.Text.Json.JsonDocument.Parse(System.Text.Json.JsonSerializer.Serialize(tab, ApiJson.Options));

        Assert.Equal(["individualId", "flags", .. ChildForms.All.Select(f => f.JsonName)], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.RootElement.GetProperty("flags").GetProperty("doNotEmail").ValueKind);
        Assert.Equal("2026-11-29T08:00:00.000Z", json.RootElement.GetProperty("tracking").GetProperty("items")[0].GetProperty("receivedAt").GetString());
    }

    [Fact]
    public async Task AnIndividualWithNoData_Gets404Problem()
    {
        EmailIntegrationTabReaderTests.SetupForms(store, "ind-1", []);

        var result = await Get("ind-1");

        var problem = Assert.IsType<ObjectResult>(result);
        Assert.Equal(StatusCodes.Status404NotFound, problem.StatusCode);
        Assert.Equal(404, Assert.IsType<ProblemDetails>(problem.Value).Status);
        Assert.Contains("application/problem+json", problem.ContentTypes);
    }

    [Theory]
    [InlineData("bad id", "", "individualId")]
    [InlineData("a/b", "", "individualId")]
    [InlineData("", "", "individualId")]
    [InlineData("ind-1", "?pageSize=0", "pageSize")]
    [InlineData("ind-1", "?from=tomorrow", "from")]
    [InlineData("ind-1", "?vendor=a%40b.example", "vendor")]
    public async Task ABadValue_Gets400ProblemNamingTheParameter_WithoutEchoingIt(string individualId, string query, string parameter)
    {
        var result = await Get(individualId, query);

        var problem = Assert.IsType<ObjectResult>(result);
        Assert.Equal(StatusCodes.Status400BadRequest, problem.StatusCode);
        var details = Assert.IsType<ProblemDetails>(problem.Value);
        Assert.Contains(parameter, details.Title, StringComparison.Ordinal);
        Assert.DoesNotContain("a@b.example", details.Detail, StringComparison.Ordinal);
        store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task AStoreFailure_Gets500ProblemThatSaysNothingOfTheCause()
    {
        store.Setup(s => s.QueryAsync(It.IsAny<string>(), It.IsAny<FormQuery>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("secret connection detail for someone@example.org"));

        var result = await Get("ind-1");

        var problem = Assert.IsType<ObjectResult>(result);
        Assert.Equal(StatusCodes.Status500InternalServerError, problem.StatusCode);
        var details = Assert.IsType<ProblemDetails>(problem.Value);
        Assert.DoesNotContain("secret", details.Title + details.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("@", details.Title + details.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryRegisteredForm_HasExactlyOneFunctionOnItsRoute_AndNoRouteUnderTheIndividualHasAnotherParameter()
    {
        var triggers = typeof(GetEmailIntegrationTab).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
            .SelectMany(m => m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).OfType<HttpTriggerAttribute>())
            .ToList();

        foreach (var form in ChildForms.All)
        {
            Assert.Single(triggers, t => t.Route == form.Route);
        }

        // One function per route and method (PUT and DELETE of an individual share its route).
        var routeMethods = triggers.SelectMany(t => (t.Methods ?? []).Select(m => (t.Route, Method: m.ToUpperInvariant()))).ToList();
        Assert.Equal(routeMethods.Count, routeMethods.Distinct().Count());
        // The host does not rank a literal segment above a parameter (azure-functions-host#9876): no parameter may shadow a form.
        Assert.All(triggers.Where(t => t.Route?.StartsWith("individuals/{individualId}/", StringComparison.Ordinal) == true),
            t => Assert.DoesNotContain("{", t.Route!["individuals/{individualId}/".Length..], StringComparison.Ordinal));
        Assert.Equal(ChildForms.All.Count, ChildForms.All.Select(f => f.Segment).Distinct().Count());
        Assert.Equal(ChildForms.All.Count, ChildForms.All.Select(f => f.JsonName).Distinct().Count());
    }

    [Fact]
    public async Task TheView_EncodesEveryValue_AndKeepsTheKeyInItsPagingLinks()
    {
        var hostile = "<script>alert('x')</script>&\"";
        EmailIntegrationTabReaderTests.SetupForms(store, "ind-1",
            EmailIntegrationTabReaderTests.DocumentsOf(Delivered("ind-1", "m-1", T0, hostile), Clicked("ind-1", "m-1", "https://e.example/?a=1&b=<2>", T0, hostile),
                Clicked("ind-1", "m-1", "https://e.example/second", T0.AddMinutes(-1), hostile)));
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?code=k%26ey&pageSize=1");
        var view = new GetEmailIntegrationView(EmailIntegrationTabReaderTests.Reader(store), NullLogger<GetEmailIntegrationView>.Instance);

        var result = await view.Run(context.Request, "ind-1", CancellationToken.None);
        context.Response.Body = new MemoryStream();
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        var html = System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());

        Assert.StartsWith("text/html", context.Response.ContentType, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;", html, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("<caption>", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"col\">Received</th>", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"next\" href=\"?code=k%26ey&amp;pageSize=1&amp;link-tracking.continuationToken=", html, StringComparison.Ordinal);
        Assert.Contains("<dd data-flag=\"doNotEmail\">unknown</dd>", html, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", context.Response.Headers.ContentSecurityPolicy.ToString(), StringComparison.Ordinal);
        foreach (var form in ChildForms.All)
        {
            Assert.Contains($"<h2 id=\"{form.Segment}-heading\">{System.Net.WebUtility.HtmlEncode(form.Title)}</h2>", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheOpenApiDocument_DescribesEveryRoute_AndReadsBackWithoutErrors()
    {
        var json = await OpenApiDocumentFactory.Create().SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1);

        var read = OpenApiDocument.Parse(json, "json");

        Assert.Empty(read.Diagnostic!.Errors);
        var paths = read.Document!.Paths.Keys.ToList();
        foreach (var form in ChildForms.All)
        {
            Assert.Contains("/" + form.Route, paths);
        }

        Assert.Contains("/individuals/{individualId}/email-integration", paths);
        Assert.Contains("/individuals/{individualId}/email-integration/view", paths);
        Assert.Contains("/openapi.json", paths);

        // Every HTTP function of the app, with its method.
        var triggers = typeof(GetEmailIntegrationTab).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).OfType<HttpTriggerAttribute>());
        foreach (var trigger in triggers)
        {
            var path = read.Document.Paths["/" + trigger.Route];
            foreach (var method in trigger.Methods!)
            {
                Assert.True(path.Operations!.ContainsKey(new HttpMethod(method.ToUpperInvariant())), $"{method} /{trigger.Route} is not described");
            }
        }
    }

    [Fact]
    public void EveryFunctionsRoute_IsOneOfRoutes_AndEveryRouteServesAFunction()
    {
        var declared = typeof(Routes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        var served = typeof(GetEmailIntegrationTab).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).OfType<HttpTriggerAttribute>())
            .Select(t => t.Route!).ToList();

        Assert.Equal(declared.Order(StringComparer.Ordinal), served.Distinct().Order(StringComparer.Ordinal));
    }
}
