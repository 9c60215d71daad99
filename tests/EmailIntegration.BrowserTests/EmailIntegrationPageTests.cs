using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EmailIntegration.IntegrationTests.Infrastructure;
using EmailIntegration.VendorSandbox.RealMagnet;
using Microsoft.Playwright;

namespace EmailIntegration.BrowserTests;

/// <summary>
/// The tab page in a real browser after a nightly import from the vendor sandbox: the rows, the
/// flags, the next-page link, on a desktop and a phone viewport. Screenshots land in
/// .local/test-results/screenshots/ (or $TEST_RESULTS_DIR/screenshots/).
/// </summary>
public sealed class EmailIntegrationPageTests : IAsyncLifetime
{
    private const int PageSize = 2;

    private RealMagnetSandbox sandbox = null!;
    private IsolatedPipeline pipeline = null!;
    private IPlaywright playwright = null!;
    private IBrowser browser = null!;

    public async Task InitializeAsync()
    {
        sandbox = RealMagnetSandbox.Start(SandboxData.Generate(seed: 7, today: DateTimeOffset.UtcNow, individuals: 40, mailings: 3));
        pipeline = await IsolatedPipeline.StartAsync(sandbox.Url.ToString(), new Dictionary<string, string?>
        {
            ["Vendors:RealMagnet:UserName"] = sandbox.UserName,
            ["Vendors:RealMagnet:Password"] = sandbox.Password,
        });
        playwright = await Playwright.CreateAsync();
        browser = await DebianChromium.LaunchAsync(playwright);
    }

    public async Task DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
        await pipeline.DisposeAsync();
        sandbox.Dispose();
    }

    [Fact]
    public async Task AfterAnImport_ThePageShowsTheRowsAndFlags_AndItsNextLinkShowsTheNextRows()
    {
        var individual = BusiestIndividual();
        using (var put = await pipeline.Http.PutAsJsonAsync(
                   $"/api/individuals/{individual}", new { email = "busiest@example.org" }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        await pipeline.RunNightAsync();
        var (firstPage, secondPage) = await ExpectedMailingNamesAsync(individual);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });

        var response = await page.GotoAsync(
            $"{pipeline.Runner.BaseUrl}/api/individuals/{individual}/email-integration/view?viewToken={pipeline.Runner.ViewToken(individual)}&pageSize={PageSize}");

        Assert.Equal((int)HttpStatusCode.OK, response!.Status);
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal("E-Mail Integration", await page.Locator("h1").InnerTextAsync());
        Assert.Equal(individual, await page.Locator("#individual").InnerTextAsync());
        Assert.Equal("no", await page.Locator("[data-flag=emailInvalid]").InnerTextAsync());
        Assert.Equal("no", await page.Locator("[data-flag=doNotEmail]").InnerTextAsync());
        var tracking = page.Locator("section#tracking");
        Assert.Equal(["Mailing", "Vendor", "Received", "Opened", "Opens", "Opened by"], await tracking.Locator("thead th[scope=col]").AllInnerTextsAsync());
        Assert.All(await tracking.Locator("tbody td[data-label=Vendor]").AllInnerTextsAsync(), v => Assert.Equal("realmagnet", v));
        Assert.Equal(firstPage, await tracking.Locator("tbody th[scope=row]").AllInnerTextsAsync());
        Assert.Contains("newest first", await tracking.Locator("caption").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator("section#link-tracking tbody tr").CountAsync() > 0);
        Assert.Equal(["Link", "Mailing", "Clicked", "Clicks", "Clicked by"],
            await page.Locator("section#link-tracking thead th[scope=col]").AllInnerTextsAsync());
        Assert.Equal(["Mailing", "Type", "Sent"], await page.Locator("section#communications thead th[scope=col]").AllInnerTextsAsync());
        Assert.True(await page.Locator("section#communications tbody tr").CountAsync() > 0);

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = DebianChromium.Screenshot("email-integration-page-1280.png"), FullPage = true });

        await tracking.Locator("a[rel=next]").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("tracking.continuationToken=", StringComparison.Ordinal));

        Assert.Contains("viewToken=", page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("code=", page.Url, StringComparison.Ordinal);
        Assert.Equal(secondPage, await page.Locator("section#tracking tbody th[scope=row]").AllInnerTextsAsync());
        Assert.Equal(1, await page.Locator("section#tracking a:text('First page')").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = DebianChromium.Screenshot("email-integration-page-1280-next.png"), FullPage = true });

        await page.SetViewportSizeAsync(390, 844);
        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 390, $"The page scrolls sideways on a phone ({scrollWidth}px).");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = DebianChromium.Screenshot("email-integration-page-phone.png"), FullPage = true });
    }

    /// <summary>The tracking rows' mailing names of the first two pages, as the API serves them.</summary>
    private async Task<(string[] First, string[] Second)> ExpectedMailingNamesAsync(string individual)
    {
        var path = $"/api/individuals/{individual}/email-integration/tracking?pageSize={PageSize}";
        using var first = JsonDocument.Parse(await (await pipeline.GetAsync(path)).Content.ReadAsStringAsync());
        var token = first.RootElement.GetProperty("continuationToken").GetString();
        Assert.NotNull(token);
        using var second = JsonDocument.Parse(await (await pipeline.GetAsync(path + "&continuationToken=" + Uri.EscapeDataString(token))).Content.ReadAsStringAsync());
        return (Names(first), Names(second));

        static string[] Names(JsonDocument page) => page.RootElement.GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("mailingName").GetString() ?? i.GetProperty("mailingId").GetString()!).ToArray();
    }

    /// <summary>An individual with more tracking rows than one page holds.</summary>
    private string BusiestIndividual() =>
        sandbox.Data.ExpectedCountsByIndividual()
            .Where(e => e.Value.Delivered > 0 && e.Value.Opened > 0 && e.Value.Clicked > 0)
            .OrderByDescending(e => e.Value.Total).ThenBy(e => e.Key, StringComparer.Ordinal)
            .First().Key;
}
