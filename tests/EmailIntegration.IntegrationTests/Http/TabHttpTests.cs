using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using EmailIntegration.IntegrationTests.Infrastructure;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.Serve;
using Microsoft.Extensions.DependencyInjection;

namespace EmailIntegration.IntegrationTests.Http;

/// <summary>
/// The tab API on the emulators: every route, paging, filters, token binding and errors. Every
/// response is also checked against the served OpenAPI document.
/// </summary>
public sealed class TabHttpTests : IAsyncLifetime
{
    private const string Individual = "IND-SEED";
    private const string Tab = $"/api/individuals/{Individual}/email-integration";

    private IsolatedPipeline pipeline = null!;
    private OpenApiResponseValidator openApi = null!;

    public static TheoryData<string> StoredForms => new(ChildForms.All.Where(f => f.DocumentType is not null).Select(f => f.Segment));

    public static TheoryData<string> AllRoutes => new(
        new[] { "email-integration", "email-integration/view" }.Concat(ChildForms.All.Select(f => f.Route.Replace("individuals/{individualId}/", "", StringComparison.Ordinal))));

    public async Task InitializeAsync()
    {
        pipeline = await IsolatedPipeline.StartAsync();
        await TabSeed.SeedAsync(pipeline.Services.GetRequiredService<IIndividualDocumentStore>(), Individual);
        using var response = await pipeline.GetAsync("/api/openapi.json", withKey: false);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        openApi = OpenApiResponseValidator.Parse(await response.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync() => await pipeline.DisposeAsync();

    [Theory]
    [MemberData(nameof(AllRoutes))]
    public async Task WithoutACredential_Returns401Problem(string route)
    {
        var (status, _) = await GetAsync($"/api/individuals/{Individual}/{route}", withKey: false);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Theory]
    [MemberData(nameof(AllRoutes))]
    public async Task UnknownIndividual_Returns404Problem(string route)
    {
        var (status, body) = await GetAsync($"/api/individuals/IND-NOBODY/{route}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(404, body.RootElement.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("bad%20id", "email-integration")]
    [InlineData("x'%20OR%201=1", "email-integration")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "email-integration")]
    [InlineData("a%40b.example", "email-integration/tracking")]
    [InlineData("bad%20id", "email-integration/view")]
    [InlineData("bad%20id", "customer-actions")]
    public async Task MalformedIndividualId_Returns400Problem_WithoutAStackTraceOrTheValue(string id, string route)
    {
        var (status, body) = await GetAsync($"/api/individuals/{id}/{route}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Invalid individualId.", body.RootElement.GetProperty("title").GetString());
        Assert.DoesNotContain(" at ", body.RootElement.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("@", body.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("pageSize=ten", "pageSize")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-02-30", "to")]
    [InlineData("from=2026-03-05&to=2026-03-01", "to")]
    [InlineData("vendor=someone%40example.org", "vendor")]
    [InlineData("continuationToken=not-a-token", "continuationToken")]
    [InlineData("continuationToken=%2B%2B%2B", "continuationToken")]
    public async Task MalformedQueryValue_Returns400ProblemNamingIt(string query, string parameter)
    {
        foreach (var route in new[] { "email-integration/tracking", "interest-activities" })
        {
            var (status, body) = await GetAsync($"/api/individuals/{Individual}/{route}?{query}");

            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal($"Invalid {parameter}.", body.RootElement.GetProperty("title").GetString());
            Assert.DoesNotContain("someone", body.RootElement.GetRawText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheTab_HasTheFirstPageOfEveryForm_NewestFirst_AndUnknownFlags()
    {
        var (status, tab) = await GetAsync(Tab + "?pageSize=3");

        Assert.Equal(HttpStatusCode.OK, status);
        var root = tab.RootElement;
        Assert.Equal(Individual, root.GetProperty("individualId").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("flags").GetProperty("emailInvalid").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("flags").GetProperty("doNotEmail").ValueKind);
        Assert.Equal(["m7", "m6", "m5"], Items(root.GetProperty("tracking")).Select(i => i.GetProperty("mailingId").GetString()));
        Assert.NotNull(root.GetProperty("tracking").GetProperty("continuationToken").GetString());
        Assert.Equal(2, Items(root.GetProperty("linkTracking")).Count);
        Assert.Single(Items(root.GetProperty("faxTracking")));
        Assert.Equal("Newsletter", Assert.Single(Items(root.GetProperty("unsubscribes"))).GetProperty("emailGroup").GetString());
        Assert.Equal("452 mailbox full", Assert.Single(Items(root.GetProperty("bounces"))).GetProperty("reason").GetString());
        // Communications are the tracking rows' deliveries, newest first, paged on their own.
        Assert.Equal(["m7", "m6", "m5"], Items(root.GetProperty("communications")).Select(i => i.GetProperty("mailingId").GetString()));
        Assert.NotNull(root.GetProperty("communications").GetProperty("continuationToken").GetString());
        Assert.Equal("E-Mail Link Click", Assert.Single(Items(root.GetProperty("customerActions"))).GetProperty("actionType").GetString());
        Assert.Equal("EVENTS", Assert.Single(Items(root.GetProperty("interestActivities"))).GetProperty("interestCode").GetString());
    }

    [Fact]
    public async Task TrackingPages_FollowTheirTokens_ThroughEveryRow_NewestFirst()
    {
        var pages = await PageThroughAsync("email-integration/tracking", "pageSize=3");

        Assert.Equal([3, 3, 1], pages.Select(p => p.Count));
        Assert.Equal(["m7", "m6", "m5", "m4", "m3", "m2", "m1"], pages.SelectMany(p => p).Select(i => i.GetProperty("mailingId").GetString()));
    }

    [Theory]
    [MemberData(nameof(StoredForms))]
    public async Task EveryStoredForm_PagesOneRowAtATime_ThroughEveryRow(string segment)
    {
        var expected = segment switch { "tracking" or "communications" => 7, "link-tracking" => 2, _ => 1 };
        var route = ChildForms.Get(segment).Route.Replace("individuals/{individualId}/", "", StringComparison.Ordinal);

        var pages = await PageThroughAsync(route, "pageSize=1");

        Assert.Equal(expected, pages.Sum(p => p.Count));
        Assert.All(pages.SkipLast(1), p => Assert.Single(p));
    }

    [Theory]
    [InlineData("vendor=informz", new[] { "m7", "m5", "m3", "m1" })]
    [InlineData("vendor=RealMagnet", new[] { "m6", "m4", "m2" })]
    [InlineData("from=2026-03-03&to=2026-03-06", new[] { "m5", "m4", "m3" })]
    [InlineData("from=2026-03-03T09:30:00Z&to=2026-03-06T09:30:00Z&vendor=informz", new[] { "m5", "m3" })]
    [InlineData("from=2026-03-03T10:30:00%2B01:00", new[] { "m7", "m6", "m5", "m4", "m3" })]
    [InlineData("from=2027-01-01", new string[0])]
    public async Task Filters_NarrowTheRows_AcrossPages(string filters, string[] mailings)
    {
        var pages = await PageThroughAsync("email-integration/tracking", "pageSize=2&" + filters);

        Assert.Equal(mailings, pages.SelectMany(p => p).Select(i => i.GetProperty("mailingId").GetString()));
    }

    [Theory]
    [InlineData("vendor=realmagnet", "vendor=informz")]
    [InlineData("vendor=realmagnet", "")]
    [InlineData("from=2026-03-01", "from=2026-03-02")]
    [InlineData("to=2026-03-08", "")]
    public async Task ATokenReusedWithOtherFilters_Returns400(string issuedWith, string reusedWith)
    {
        var token = await FirstTokenAsync("email-integration/tracking", "pageSize=1&" + issuedWith);

        var (status, body) = await GetAsync($"{Tab}/tracking?pageSize=1&{reusedWith}&continuationToken={Uri.EscapeDataString(token)}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Invalid continuationToken.", body.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task ATokenOfAnotherFormOrIndividual_OrTampered_Returns400_ButAnotherPageSizeIsFine()
    {
        await TabSeed.SeedAsync(pipeline.Services.GetRequiredService<IIndividualDocumentStore>(), "IND-OTHER");
        var token = await FirstTokenAsync("email-integration/tracking", "pageSize=1");
        var tampered = token[..^5] + (token[^5] == 'A' ? 'B' : 'A') + token[^4..];

        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync($"{Tab}/link-tracking?pageSize=1&continuationToken={token}")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync($"/api/individuals/IND-OTHER/email-integration/tracking?pageSize=1&continuationToken={token}")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync($"{Tab}/tracking?pageSize=1&continuationToken={tampered}")).Status);
        var (status, page) = await GetAsync($"{Tab}/tracking?pageSize=4&continuationToken={token}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["m6", "m5", "m4", "m3"], Items(page.RootElement).Select(i => i.GetProperty("mailingId").GetString()));
    }

    [Fact]
    public async Task TheTabsToken_ContinuesOnTheFormsRoute_WithTheSameFilters()
    {
        var (_, tab) = await GetAsync(Tab + "?pageSize=2&vendor=informz");
        var token = tab.RootElement.GetProperty("tracking").GetProperty("continuationToken").GetString()!;

        var (status, page) = await GetAsync($"{Tab}/tracking?pageSize=2&vendor=informz&continuationToken={token}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["m3", "m1"], Items(page.RootElement).Select(i => i.GetProperty("mailingId").GetString()));
    }

    [Fact]
    public async Task ThePage_ShowsTheRowsEncoded_AndItsNextLinkKeepsTheViewLinkAndShowsTheNextRows()
    {
        var view = "viewToken=" + pipeline.Runner.ViewToken(Individual);
        using var response = await pipeline.Anonymous.GetAsync(Tab + "/view?" + view + "&pageSize=3");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Empty(openApi.Validate(Tab + "/view", 200, response.Content.Headers.ContentType?.MediaType, html));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Contains("Mailing &lt;7&gt; &amp; &quot;friends&quot;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<7>", html, StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        var next = WebUtility.HtmlDecode(Regex.Match(html, "<section id=\"tracking\".*?rel=\"next\" href=\"([^\"]+)\"", RegexOptions.Singleline).Groups[1].Value);
        Assert.Equal(["pageSize=3", "tracking.continuationToken", view],
            next.Split('#')[0].TrimStart('?').Split('&').Select(p => p.StartsWith("tracking.", StringComparison.Ordinal) ? p.Split('=')[0] : p).Order(StringComparer.Ordinal));

        using var second = await pipeline.Anonymous.GetAsync(Tab + "/view" + next.Split('#')[0]);
        var secondHtml = await second.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var secondTracking = Regex.Match(secondHtml, "<section id=\"tracking\".*?</section>", RegexOptions.Singleline).Value;
        Assert.Contains("Mailing &lt;4&gt;", secondTracking, StringComparison.Ordinal);
        Assert.DoesNotContain("Mailing &lt;7&gt;", secondTracking, StringComparison.Ordinal);
        // The other forms stay on their first page (communications: the same deliveries, newest first).
        Assert.Contains("Mailing &lt;7&gt;", Regex.Match(secondHtml, "<section id=\"communications\".*?</section>", RegexOptions.Singleline).Value, StringComparison.Ordinal);
        Assert.Contains(">First page</a>", secondHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePage_WithATamperedToken_Returns400Problem()
    {
        var (status, _) = await GetAsync(Tab + "/view?tracking.continuationToken=AQID");

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task TheOpenApiDocument_IsServedWithoutAKey_AndDescribesEveryRouteAndParameter()
    {
        foreach (var form in ChildForms.All)
        {
            Assert.Equal(
                new HashSet<string> { "pageSize", "continuationToken", "from", "to", "vendor" },
                openApi.QueryParameters("/api/" + form.Route));
        }

        Assert.Contains("tracking.continuationToken", openApi.QueryParameters(Tab + "/view"));
        Assert.Contains("ProblemDetails", openApi.Document.Components!.Schemas!.Keys);
        Assert.Contains("TrackingItem", openApi.Document.Components!.Schemas!.Keys);
    }

    [Fact]
    public async Task WithoutAPageTokenKey_TheHostDoesNotStart_AndSaysWhichSetting()
    {
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            IsolatedPipeline.StartAsync(settings: new Dictionary<string, string?> { ["Api:PageTokenKey"] = "" }));

        Assert.Contains("Api__PageTokenKey", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>GETs and checks the response against the OpenAPI document; returns the JSON body.</summary>
    private async Task<(HttpStatusCode Status, JsonDocument Body)> GetAsync(string path, bool withKey = true)
    {
        using var response = await pipeline.GetAsync(path, withKey);
        var body = await response.Content.ReadAsStringAsync();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        Assert.Empty(openApi.Validate(path, (int)response.StatusCode, mediaType, body));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Assert.Equal("application/problem+json", mediaType);
        }

        return (response.StatusCode, JsonDocument.Parse(body));
    }

    private async Task<List<List<JsonElement>>> PageThroughAsync(string route, string query)
    {
        var pages = new List<List<JsonElement>>();
        string? token = null;
        do
        {
            var path = $"/api/individuals/{Individual}/{route}?{query}" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token));
            var (status, page) = await GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, status);
            pages.Add(Items(page.RootElement));
            token = page.RootElement.GetProperty("continuationToken").GetString();
        }
        while (token is not null && pages.Count < 20);

        return pages;
    }

    private async Task<string> FirstTokenAsync(string route, string query)
    {
        var (status, page) = await GetAsync($"/api/individuals/{Individual}/{route}?{query}");
        Assert.Equal(HttpStatusCode.OK, status);
        return page.RootElement.GetProperty("continuationToken").GetString()!;
    }

    private static List<JsonElement> Items(JsonElement page) => page.GetProperty("items").EnumerateArray().ToList();
}
