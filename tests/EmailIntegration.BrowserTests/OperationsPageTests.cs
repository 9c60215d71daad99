using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.IntegrationTests.Infrastructure;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.VendorSandbox.RealMagnet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace EmailIntegration.BrowserTests;

/// <summary>
/// The operations page in a real browser after a night where one vendor failed (Informz, unreachable) and one message
/// was poisoned: the run's row shows each vendor's status, the run's page its error and files, and the poison queue is
/// re-queued through the confirmation form. The bearer token travels as a header, never in the page's URLs.
/// </summary>
public sealed class OperationsPageTests : IAsyncLifetime
{
    private RealMagnetSandbox sandbox = null!;
    private IsolatedPipeline pipeline = null!;
    private IPlaywright playwright = null!;
    private IBrowser browser = null!;

    public async Task InitializeAsync()
    {
        sandbox = RealMagnetSandbox.Start(SandboxData.Generate(seed: 11, today: DateTimeOffset.UtcNow, individuals: 12, mailings: 2));
        pipeline = await IsolatedPipeline.StartAsync(sandbox.Url.ToString(), new Dictionary<string, string?>
        {
            ["Vendors:RealMagnet:UserName"] = sandbox.UserName,
            ["Vendors:RealMagnet:Password"] = sandbox.Password,
            // Nothing listens on port 1: the Informz fetch fails and keeps its watermark.
            ["Vendors:Informz:Enabled"] = "true",
            ["Vendors:Informz:BaseUrl"] = "http://127.0.0.1:1/aapi/InformzService.svc",
            ["Vendors:Informz:BrandId"] = "1",
            ["Vendors:Informz:User"] = "sandbox-user",
            ["Vendors:Informz:Password"] = "sandbox-password",
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
    public async Task AfterANightWithAFailedVendorAndAPoisonedMessage_ThePageShowsBoth_AndReQueuesAfterConfirmation()
    {
        var runId = await pipeline.RunNightAsync();
        var poisonedFile = await PoisonOneMessageAsync(runId);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + OperatorToken },
        });
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync($"{pipeline.Runner.BaseUrl}/api/operations");

        Assert.Equal((int)HttpStatusCode.OK, response!.Status);
        Assert.Equal("Operations", await page.Locator("h1").InnerTextAsync());
        var row = page.Locator($"#runs tr[data-run='{runId}']");
        Assert.Equal("Failed", await row.Locator("td[data-vendor=informz]").InnerTextAsync());
        Assert.Equal("Completed", await row.Locator("td[data-vendor=realmagnet]").InnerTextAsync());
        Assert.Equal("1", await row.Locator("td[data-label=Poisoned]").InnerTextAsync());
        Assert.Equal("1", await page.Locator("#poison-count").GetAttributeAsync("data-count"));
        Assert.Equal(poisonedFile, await page.Locator("#poison tbody td[data-label=File]").InnerTextAsync());
        Assert.DoesNotContain(OperatorToken, await page.ContentAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = DebianChromium.Screenshot("operations-page-1280.png"), FullPage = true });

        await row.Locator("a").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/api/operations/runs/" + runId, StringComparison.Ordinal));
        var informz = page.Locator("#vendors tr", new PageLocatorOptions { HasText = "informz" });
        Assert.Equal("Failed", await informz.Locator("td[data-label=Status]").InnerTextAsync());
        Assert.NotEqual("—", await informz.Locator("td[data-label=Error]").InnerTextAsync());
        Assert.True(await page.Locator("#files tbody tr").CountAsync() > 0);
        Assert.Equal(1, await page.Locator("#run-poisoned tbody tr").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = DebianChromium.Screenshot("operations-run-1280.png"), FullPage = true });

        await page.Locator("a", new PageLocatorOptions { HasText = "All runs" }).ClickAsync();
        await page.Locator("#requeue").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/api/operations/requeue", StringComparison.Ordinal));
        Assert.Contains("Re-queue 1 message(s)", await page.Locator("#confirm-requeue").InnerTextAsync(), StringComparison.Ordinal);
        var token = await page.Locator("input[name=confirmation]").GetAttributeAsync("value");
        await page.Locator("#confirm-requeue").ClickAsync();

        Assert.Equal("Re-queued 1 message(s) to " + Options.TrackingQueue + ".", await page.Locator("#requeued").InnerTextAsync());
        Assert.Equal(0, (await PoisonQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Equal(1, (await pipeline.Host.DrainQueueAsync(CancellationToken.None)).Processed);

        // Repeating the confirmed POST (a double submit) moves nothing more; the page then shows an empty poison queue.
        using var again = await SendAsync(HttpMethod.Post, "/api/operations/requeue/confirm", new FormUrlEncodedContent([new("confirmation", token!)]));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("Re-queued 0 message(s)", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await page.GotoAsync($"{pipeline.Runner.BaseUrl}/api/operations");
        Assert.Equal("0", await page.Locator("#poison-count").GetAttributeAsync("data-count"));
        Assert.Equal(0, await page.Locator("#requeue").CountAsync());
        await context.CloseAsync();
    }

    [Fact]
    public async Task ARequeuePost_WithoutTheConfirmation_OrFromAnotherSite_IsRefused()
    {
        using var confirmationPage = await SendAsync(HttpMethod.Get, "/api/operations/requeue", null);
        var html = await confirmationPage.Content.ReadAsStringAsync();
        Assert.Equal("form-action 'self'", Assert.Single(
            confirmationPage.Headers.GetValues("Content-Security-Policy").Single().Split("; "), p => p.StartsWith("form-action", StringComparison.Ordinal)));

        using var withoutConfirmation = await SendAsync(HttpMethod.Post, "/api/operations/requeue/confirm", new FormUrlEncodedContent([]));
        using var forged = await SendAsync(HttpMethod.Post, "/api/operations/requeue/confirm", new FormUrlEncodedContent([new("confirmation", "AQ" + new string('A', 60))]));
        using var withoutKey = await pipeline.Anonymous.PostAsync("/api/operations/requeue/confirm", new FormUrlEncodedContent([]));
        var valid = pipeline.Services.GetRequiredService<EmailIntegration.Pipeline.Operations.RequeueConfirmation>().Issue();
        using var crossSite = await SendAsync(HttpMethod.Post, "/api/operations/requeue/confirm",
            new FormUrlEncodedContent([new("confirmation", valid)]), ("Sec-Fetch-Site", "cross-site"));
        using var otherOrigin = await SendAsync(HttpMethod.Post, "/api/operations/requeue/confirm",
            new FormUrlEncodedContent([new("confirmation", valid)]), ("Origin", "https://attacker.example"));
        using var sameSite = await SendAsync(HttpMethod.Post, "/api/operations/requeue/confirm",
            new FormUrlEncodedContent([new("confirmation", valid)]), ("Sec-Fetch-Site", "same-origin"));

        Assert.Equal(HttpStatusCode.BadRequest, withoutConfirmation.StatusCode);
        Assert.Equal("application/problem+json", withoutConfirmation.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, crossSite.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, otherOrigin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, sameSite.StatusCode);
        Assert.Contains("Nothing to re-queue.", html, StringComparison.Ordinal);
    }

    /// <summary>A bearer token with the Operations role only, from the runner's local issuer.</summary>
    private string OperatorToken => operatorToken ??= pipeline.Runner.Tokens.Mint([EmailIntegration.Functions.Security.ApiRoles.Operations]);

    private string? operatorToken;

    private QueueClient PoisonQueue => pipeline.Services.GetRequiredService<QueueServiceClient>().GetQueueClient(Options.TrackingQueue + "-poison");

    private EmailIntegrationOptions Options => pipeline.Services.GetRequiredService<IOptions<EmailIntegrationOptions>>().Value;

    /// <summary>What the host does after maxDequeueCount failures: the message, unchanged, in the poison queue.</summary>
    private async Task<string> PoisonOneMessageAsync(string runId)
    {
        string? file = null;
        await foreach (var name in pipeline.Services.GetRequiredService<ILandingZone>().ListRunAsync(runId, CancellationToken.None))
        {
            file ??= name;
        }

        Assert.NotNull(file);
        var body = JsonSerializer.Serialize(new
        {
            individualId = "IND-POISON",
            sourceFile = file,
            part = 0,
            events = new[]
            {
                new { eventId = "e-poison", vendor = "realmagnet", kind = "Opened", individualId = "IND-POISON", mailingId = "m-poison", occurredAt = "2026-11-01T00:00:00Z" },
            },
        });
        await PoisonQueue.CreateIfNotExistsAsync();
        await PoisonQueue.SendMessageAsync(new BinaryData(Encoding.UTF8.GetBytes(body)));
        return file;
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", OperatorToken);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return pipeline.Anonymous.SendAsync(request);
    }
}
