using System.Text;
using EmailIntegration.Functions.Http;
using EmailIntegration.Functions.Webhooks;
using EmailIntegration.Pipeline.Webhooks;
using EmailIntegration.UnitTests.Pipeline;
using EmailIntegration.UnitTests.Webhooks;
using EmailIntegration.Vendors.SendGrid;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging.Abstractions;

namespace EmailIntegration.UnitTests.Functions;

/// <summary>The webhook function's HTTP edge: status codes and problem+json, the body read bounded.</summary>
public sealed class ReceiveWebhookTests
{
    private const long Timestamp = 1770920772;
    private readonly InMemoryLandingZone landing = new();

    private ReceiveWebhook Function()
    {
        var options = WebhookTestOptions.Create();
        var receiver = new WebhookReceiver([new SendGridWebhookVerifier(options)], landing,
            new FixedTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Timestamp)), options, TestMetrics.Create(), NullLogger<WebhookReceiver>.Instance);
        return new ReceiveWebhook(receiver, NullLogger<ReceiveWebhook>.Instance);
    }

    private static HttpRequest Post(string body, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        return context.Request;
    }

    [Fact]
    public async Task ASignedDelivery_Is200_AndLanded()
    {
        var body = SendGridWebhookTests.PublishedExample;

        var result = await Function().Run(Post(body, SendGridSigner.Shared.Headers(body, Timestamp)), "sendgrid", default);

        Assert.Equal(StatusCodes.Status200OK, Assert.IsAssignableFrom<JsonResult>(result).StatusCode);
        Assert.Single(landing.Files);
    }

    [Fact]
    public async Task AnUnsignedRequest_Is401ProblemJson_AndNothingLands()
    {
        var result = Assert.IsType<ObjectResult>(await Function().Run(Post(SendGridWebhookTests.PublishedExample), "sendgrid", default));

        Assert.Equal(StatusCodes.Status401Unauthorized, result.StatusCode);
        Assert.Contains(ApiResults.ProblemJson, result.ContentTypes);
        Assert.Empty(landing.Files);
    }

    [Fact]
    public async Task AnUnknownService_Is404_AndABodyOverTheLimit413()
    {
        var unknown = Assert.IsType<ObjectResult>(await Function().Run(Post("{}"), "../sendgrid", default));
        var large = Post("[]");
        large.ContentLength = 4 * 1024 * 1024 + 1;
        var tooLarge = Assert.IsType<ObjectResult>(await Function().Run(large, "sendgrid", default));

        Assert.Equal(StatusCodes.Status404NotFound, unknown.StatusCode);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, tooLarge.StatusCode);
        Assert.Empty(landing.Files);
    }
}
