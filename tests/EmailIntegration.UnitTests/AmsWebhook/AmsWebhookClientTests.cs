using System.Net;
using EmailIntegration.Pipeline.AmsWebhook;
using EmailIntegration.UnitTests.Pipeline;
using EmailIntegration.VendorSandbox.Ams;
using EmailIntegration.Vendors.Ams;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StandardWebhooks;

namespace EmailIntegration.UnitTests.AmsWebhook;

/// <summary>The signed, resilient client (the registration the app uses) against a local receiver.</summary>
public sealed class AmsWebhookClientTests : IDisposable
{
    // The Standard Webhooks reference implementations' test vector (e.g. standard-webhooks/standard-webhooks,
    // libraries/csharp/StandardWebhooks.Tests/WebhookTest.cs; the same values are in the Svix libraries' tests).
    private const string VectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string VectorId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long VectorTimestamp = 1614265330;
    private const string VectorBody = "{\"test\": 2432232314}";
    private const string VectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private readonly AmsWebhookReceiver receiver = AmsWebhookReceiver.Start();

    public void Dispose() => receiver.Dispose();

    private IAmsWebhookSender Client(string secret, TimeProvider? time = null, string? url = null, int retries = 2)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ams:WebhookUrl"] = url ?? receiver.Url.AbsoluteUri,
            ["Ams:WebhookSecret"] = secret,
            ["Ams:MaxRetryAttempts"] = retries.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ams:RetryBaseDelay"] = "00:00:00.010",
            ["Ams:AttemptTimeout"] = "00:00:05",
            ["Ams:Timeout"] = "00:00:20",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton(time ?? TimeProvider.System).AddAmsWebhookClient(configuration);
        return services.BuildServiceProvider().GetRequiredService<IAmsWebhookSender>();
    }

    [Fact]
    public async Task TheSignature_IsTheStandardWebhooksTestVector()
    {
        var attempts = await Client(VectorSecret, new FixedTimeProvider(DateTimeOffset.FromUnixTimeSeconds(VectorTimestamp)))
            .SendAsync(VectorId, VectorBody, default);

        var delivery = Assert.Single(receiver.Received);
        Assert.Equal((VectorId, "1614265330", VectorSignature, VectorBody), (delivery.Id, delivery.Timestamp, delivery.Signature, delivery.Body));
        Assert.Equal((204, 1), (attempts.Status, attempts.Attempts));
    }

    [Fact]
    public async Task EveryAttempt_IsSignedAfresh_AndVerifiesWithTheSecret()
    {
        var secret = AmsWebhookReceiver.NewSecret();
        receiver.AnswerNext(HttpStatusCode.InternalServerError, HttpStatusCode.TooManyRequests);

        var attempts = await Client(secret).SendAsync("msg_0123456789abcdef0123456789abcdef", "{\"items\":[],\"cursor\":null,\"more\":false}", default);

        Assert.Equal((204, 3), (attempts.Status, attempts.Attempts));
        Assert.True(attempts.FirstAttemptAt <= attempts.LastAttemptAt);
        Assert.Equal(TimeSpan.Zero, attempts.FirstAttemptAt.Offset);
        var verifier = new StandardWebhook(secret);
        Assert.All(receiver.Received, d =>
        {
            Assert.Equal("msg_0123456789abcdef0123456789abcdef", d.Id);
            verifier.Verify(d.Body, new HeaderDictionary
            {
                ["webhook-id"] = d.Id, ["webhook-timestamp"] = d.Timestamp, ["webhook-signature"] = d.Signature,
            });
        });
        Assert.Throws<StandardWebhooks.Diagnostics.WebhookVerificationException>(() => new StandardWebhook(AmsWebhookReceiver.NewSecret())
            .Verify(receiver.Received[0].Body, new HeaderDictionary
            {
                ["webhook-id"] = receiver.Received[0].Id, ["webhook-timestamp"] = receiver.Received[0].Timestamp, ["webhook-signature"] = receiver.Received[0].Signature,
            }));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Gone)]
    [InlineData(HttpStatusCode.Found)]
    public async Task ARefusal_OrARedirect_IsNotRetried(HttpStatusCode status)
    {
        receiver.AnswerWith(status);

        var attempts = await Client(AmsWebhookReceiver.NewSecret()).SendAsync("msg_0123456789abcdef0123456789abcdef", "{}", default);

        Assert.Equal(((int)status, 1, DeliveryOutcome.Permanent), (attempts.Status, attempts.Attempts, attempts.Outcome));
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task AnAmsThatKeepsFailing_EndsTheBudgetWithTheLastAnswer()
    {
        receiver.AnswerWith(HttpStatusCode.ServiceUnavailable);

        var attempts = await Client(AmsWebhookReceiver.NewSecret(), retries: 3).SendAsync("msg_0123456789abcdef0123456789abcdef", "{}", default);

        Assert.Equal((503, 4, DeliveryOutcome.Transient), (attempts.Status, attempts.Attempts, attempts.Outcome));
    }

    [Fact]
    public async Task AnUnreachableAms_IsATransientResult_NotAnException()
    {
        var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        var attempts = await Client(AmsWebhookReceiver.NewSecret(), url: $"http://127.0.0.1:{port}/hooks")
            .SendAsync("msg_0123456789abcdef0123456789abcdef", "{}", default);

        Assert.Equal((null, 3, DeliveryOutcome.Transient), (attempts.Status, attempts.Attempts, attempts.Outcome));
        Assert.StartsWith("transport error", attempts.Error, StringComparison.Ordinal);
    }
}
