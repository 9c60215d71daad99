using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EmailIntegration.Vendors.SendGrid;
using EmailIntegration.LocalRunner.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace EmailIntegration.IntegrationTests.Infrastructure;

/// <summary>
/// The local runner's host, wired to the real emulators with names of its own (containers,
/// queues, tables, Cosmos container), so tests never see each other's data.
/// </summary>
public sealed class IsolatedPipeline : IAsyncDisposable
{
    private IsolatedPipeline(LocalRunnerApp runner, HttpClient http, HttpClient anonymous, string suffix)
    {
        Runner = runner;
        Http = http;
        Anonymous = anonymous;
        Suffix = suffix;
    }

    private readonly CancellationTokenSource stopServing = new();
    private Task? serving;

    public LocalRunnerApp Runner { get; }

    /// <summary>A client whose requests carry a bearer token with every role (the runner's local issuer).</summary>
    public HttpClient Http { get; }

    /// <summary>A client with no credential at all.</summary>
    public HttpClient Anonymous { get; }

    public string Suffix { get; }

    public IServiceProvider Services => Runner.Services;

    public LocalFunctionsHost Host => Runner.Host;

    public static async Task<IsolatedPipeline> StartAsync(
        string? realMagnetUrl = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var overrides = IsolatedResources.Settings(suffix);
        if (realMagnetUrl is not null)
        {
            overrides["Vendors:RealMagnet:Enabled"] = "true";
            overrides["Vendors:RealMagnet:BaseUrl"] = realMagnetUrl;

            // The sandbox serves the SOAP service (spam complaints) beside the REST adapter, as the vendor does.
            overrides["Vendors:RealMagnet:SoapUrl"] =
                new Uri(new Uri(realMagnetUrl), EmailIntegration.VendorSandbox.RealMagnet.RealMagnetSandbox.SoapPath).AbsoluteUri;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        var runner = await LocalRunnerApp.CreateAsync([], overrides);
        await runner.App.StartAsync();
        var http = new HttpClient { BaseAddress = new Uri(runner.BaseUrl) };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", runner.Tokens.MintWithEveryRole());
        var anonymous = new HttpClient { BaseAddress = new Uri(runner.BaseUrl) };
        anonymous.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return new IsolatedPipeline(runner, http, anonymous, suffix);
    }

    /// <summary>Timer, then blob trigger per landed file, then the queue until empty: one night.</summary>
    public async Task<string> RunNightAsync()
    {
        var fetch = await Host.FireTimerAsync(CancellationToken.None);
        await ReplayAsync(fetch.RunId);
        return fetch.RunId;
    }

    public Task ReplayAsync(string runId) => Host.FanOutAndApplyAsync(runId, CancellationToken.None);

    /// <summary>
    /// From now on the host fires the blob trigger for whatever lands and drains the queue, as the runner does while it
    /// serves (and Event Grid in Azure); until the pipeline is disposed.
    /// </summary>
    public async Task ServeLandedFilesAsync() => serving ??= await Host.ServeLandedFilesAsync(stopServing.Token);

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes; true when it held.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(250);
        }

        return await condition();
    }

    /// <summary>GET with a token holding every role, or (<paramref name="withKey"/> false) with no credential.</summary>
    public Task<HttpResponseMessage> GetAsync(string path, bool withKey = true) => (withKey ? Http : Anonymous).GetAsync(path);

    /// <summary>GET with a token holding every role; asserts 200 and returns the JSON body.</summary>
    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();
    }

    /// <summary>Posts as SendGrid does: ECDSA (P-256, SHA-256, DER) over the timestamp's text then the body.</summary>
    public Task<HttpResponseMessage> PostSendGridAsync(string body, long timestamp, ECDsa key)
    {
        var text = timestamp.ToString(CultureInfo.InvariantCulture);
        var signature = key.SignData(Encoding.UTF8.GetBytes(text + body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/sendgrid") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(SendGridWebhookVerifier.SignatureHeader, Convert.ToBase64String(signature));
        request.Headers.Add(SendGridWebhookVerifier.TimestampHeader, text);
        return Http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        await stopServing.CancelAsync();
        if (serving is not null)
        {
            await serving;
        }

        stopServing.Dispose();
        Http.Dispose();
        Anonymous.Dispose();

        // The emulators keep everything in memory: drop what this test made.
        if (await IsolatedResources.DeleteAsync(Services) is { } failure)
        {
            throw new InvalidOperationException("Clean-up failed: " + failure);
        }

        await Runner.App.StopAsync();
        await Runner.DisposeAsync();
    }
}
