using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using EmailIntegration.IntegrationTests.Infrastructure;
using EmailIntegration.VendorSandbox;
using Xunit.Abstractions;

namespace EmailIntegration.IntegrationTests.Webhooks;

/// <summary>
/// A signed SendGrid webhook posted to a serving local host (the same functions, DI graph and emulators as every
/// integration test) goes through landing, the blob trigger, the fan-out and the apply stage without anyone starting
/// anything: minutes, not a night. The next marketing blast then holds the complainer back.
/// </summary>
public sealed class WebhookPipelineTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ECDsa sendGridKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly VendorSandboxes sandboxes = VendorSandboxes.Start(seed: 19, today: DateTimeOffset.UtcNow);
    private IsolatedPipeline pipeline = null!;

    public async Task InitializeAsync()
    {
        pipeline = await IsolatedPipeline.StartAsync(settings: new Dictionary<string, string?>(sandboxes.AdapterSettings())
        {
            ["Webhooks:SendGrid:Enabled"] = "true",
            ["Webhooks:SendGrid:VerificationKey"] = Convert.ToBase64String(sendGridKey.ExportSubjectPublicKeyInfo()),
            ["Outbound:RealMagnet:Categories:Newsletter"] = "1001",
        });
        await pipeline.ServeLandedFilesAsync();
    }

    public async Task DisposeAsync()
    {
        await pipeline.DisposeAsync();
        sandboxes.Dispose();
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
        using var response = await pipeline.PostSendGridAsync(body, now, sendGridKey);
        var answered = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        var delivered = await IsolatedPipeline.EventuallyAsync(() => DoNotEmailAsync("IND-W1"), TimeSpan.FromSeconds(60));
        output.WriteLine($"webhook answered in {answered.TotalMilliseconds:F0} ms; doNotEmail read true {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s after the post");
        using var replay = await pipeline.PostSendGridAsync(body, now, sendGridKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("landed", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.True(delivered, "doNotEmail was not set within 60 s of the webhook");
        Assert.Equal("duplicate", (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        // The next marketing blast holds the complainer back for do-not-e-mail; a receipt still reaches them.
        var marketing = await PushBlastAsync("marketing");
        var status = await pipeline.GetJsonAsync(marketing);
        Assert.Equal("pushed", status.GetProperty("status").GetString());
        Assert.Equal((1, 1), (status.GetProperty("suppressed").GetProperty("doNotEmail").GetInt32(), status.GetProperty("suppressed").GetProperty("total").GetInt32()));
        var listed = Assert.Single((await pipeline.GetJsonAsync(marketing + "/suppressed")).GetProperty("items").EnumerateArray());
        Assert.Equal(("IND-W1", "doNotEmail"), (listed.GetProperty("individualId").GetString(), listed.GetProperty("reason").GetString()));
        Assert.DoesNotContain(sandboxes.RealMagnet.ReceivedUpserts, u => u.Details["CustomMemberID"] == "IND-W1");

        var receipt = await PushBlastAsync("transactional");
        Assert.Equal(0, (await pipeline.GetJsonAsync(receipt)).GetProperty("suppressed").GetProperty("total").GetInt32());
        Assert.Single(sandboxes.RealMagnet.ReceivedUpserts, u => u.Details["CustomMemberID"] == "IND-W1");
    }

    [Fact]
    public async Task AWebhookSignedByAnotherKey_Is401ProblemJson_AndChangesNothing()
    {
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var body = $$"""[{"email":"other@example.org","timestamp":{{now}},"event":"spamreport","sg_event_id":"forged","ams_id":"IND-W2"}]""";

        using var response = await pipeline.PostSendGridAsync(body, now, stranger);
        await Task.Delay(TimeSpan.FromSeconds(3));
        using var profile = await pipeline.GetAsync("/api/individuals/IND-W2/profile");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, profile.StatusCode);
    }

    /// <summary>Posts a RealMagnet blast of kind <paramref name="kind"/> to IND-W1, pushes it, and returns its status location.</summary>
    private async Task<string> PushBlastAsync(string kind)
    {
        using var post = await pipeline.Http.PostAsJsonAsync("/api/blasts", new
        {
            vendor = "realmagnet",
            mailingType = "Newsletter",
            kind,
            recipients = new[] { new { individualId = "IND-W1", fields = new Dictionary<string, string> { ["Email"] = "member@example.org" } } },
        });
        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        await pipeline.Host.DrainOutboundQueueAsync(CancellationToken.None);
        return post.Headers.Location!.OriginalString;
    }


    private async Task<bool> DoNotEmailAsync(string individualId)
    {
        using var response = await pipeline.GetAsync($"/api/individuals/{individualId}/profile");
        return response.StatusCode == HttpStatusCode.OK
               && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("doNotEmail").GetBoolean();
    }
}
