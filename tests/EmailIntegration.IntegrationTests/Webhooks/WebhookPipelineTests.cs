using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EmailIntegration.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace EmailIntegration.IntegrationTests.Webhooks;

/// <summary>
/// A signed SendGrid webhook posted to a serving local host (the same functions, DI graph and emulators as every
/// integration test) goes through landing, the blob trigger, the fan-out and the apply stage without anyone starting
/// anything: minutes, not a night.
/// </summary>
public sealed class WebhookPipelineTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ECDsa sendGridKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private IsolatedPipeline pipeline = null!;

    public async Task InitializeAsync()
    {
        pipeline = await IsolatedPipeline.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Webhooks:SendGrid:Enabled"] = "true",
            ["Webhooks:SendGrid:VerificationKey"] = Convert.ToBase64String(sendGridKey.ExportSubjectPublicKeyInfo()),
        });
        await pipeline.ServeLandedFilesAsync();
    }

    public async Task DisposeAsync()
    {
        await pipeline.DisposeAsync();
        sendGridKey.Dispose();
    }

    [Fact]
    public async Task ASpamComplaintWebhook_SetsDoNotEmailOnTheProfile_WithoutARestart()
    {
        using (var put = await pipeline.Http.PutAsJsonAsync(
                   $"/api/individuals/IND-W1", new { email = "member@example.org", doNotEmail = false }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        Assert.False(await DoNotEmailAsync("IND-W1"));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var body = $$"""[{"email":"member@example.org","timestamp":{{now}},"event":"spamreport","sg_event_id":"spam-{{now}}","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0","ams_id":"IND-W1","mailing_type":"Newsletter"}]""";

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var response = await PostSendGridAsync(body, now, sendGridKey);
        var answered = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        var delivered = await IsolatedPipeline.EventuallyAsync(() => DoNotEmailAsync("IND-W1"), TimeSpan.FromSeconds(60));
        output.WriteLine($"webhook answered in {answered.TotalMilliseconds:F0} ms; doNotEmail read true {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s after the post");
        using var replay = await PostSendGridAsync(body, now, sendGridKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("landed", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.True(delivered, "doNotEmail was not set within 60 s of the webhook");
        Assert.Equal("duplicate", (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task AWebhookSignedByAnotherKey_Is401ProblemJson_AndChangesNothing()
    {
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var body = $$"""[{"email":"other@example.org","timestamp":{{now}},"event":"spamreport","sg_event_id":"forged","ams_id":"IND-W2"}]""";

        using var response = await PostSendGridAsync(body, now, stranger);
        await Task.Delay(TimeSpan.FromSeconds(3));
        using var profile = await pipeline.GetAsync("/api/individuals/IND-W2/profile");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, profile.StatusCode);
    }

    private async Task<bool> DoNotEmailAsync(string individualId)
    {
        using var response = await pipeline.GetAsync($"/api/individuals/{individualId}/profile");
        return response.StatusCode == HttpStatusCode.OK
               && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("doNotEmail").GetBoolean();
    }

    /// <summary>Posts as SendGrid does: no function key, ECDSA over the timestamp's text then the body.</summary>
    private Task<HttpResponseMessage> PostSendGridAsync(string body, long timestamp, ECDsa key)
    {
        var text = timestamp.ToString(CultureInfo.InvariantCulture);
        var signature = key.SignData(Encoding.UTF8.GetBytes(text + body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/sendgrid") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Twilio-Email-Event-Webhook-Signature", Convert.ToBase64String(signature));
        request.Headers.Add("X-Twilio-Email-Event-Webhook-Timestamp", text);
        return pipeline.Http.SendAsync(request);
    }
}
