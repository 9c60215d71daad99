using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace EmailIntegration.VendorSandbox.Ams;

/// <summary>
/// Stands in for the AMS's webhook endpoint: records every delivery (its Standard Webhooks headers and raw body) and
/// answers with the status it is told to (<see cref="AnswerWith"/>; 204 by default).
/// </summary>
public sealed class AmsWebhookReceiver : IDisposable
{
    public const string Path = "/ams/changes";

    private readonly WireMockServer server;
    private readonly ConcurrentQueue<AmsReceivedDelivery> received = new();
    private readonly ConcurrentQueue<int> scripted = new();
    private volatile int status = (int)HttpStatusCode.NoContent;

    private AmsWebhookReceiver()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{port}"], StartAdminInterface = false });
        server.Given(Request.Create().UsingPost().WithPath(Path)).RespondWith(Response.Create().WithCallback(Handle));
        Url = new Uri($"http://127.0.0.1:{port}{Path}");
    }

    public static AmsWebhookReceiver Start() => new();

    public Uri Url { get; }

    /// <summary>A fresh Standard Webhooks secret (<c>whsec_</c> + base64 of 32 random bytes).</summary>
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Every request received, in order, whatever it was answered.</summary>
    public IReadOnlyList<AmsReceivedDelivery> Received => received.ToList();

    /// <summary>The status every later request gets (after any <see cref="AnswerNext"/>).</summary>
    public void AnswerWith(HttpStatusCode code) => status = (int)code;

    /// <summary>The statuses the next requests get, one each, before <see cref="AnswerWith"/>'s.</summary>
    public void AnswerNext(params HttpStatusCode[] codes)
    {
        foreach (var code in codes)
        {
            scripted.Enqueue((int)code);
        }
    }

    public void Dispose() => server.Stop();

    private ResponseMessage Handle(IRequestMessage request)
    {
        var answer = scripted.TryDequeue(out var next) ? next : status;
        received.Enqueue(new AmsReceivedDelivery(Header(request, "webhook-id"), Header(request, "webhook-timestamp"),
            Header(request, "webhook-signature"), request.Body ?? string.Empty, answer));
        return new ResponseMessage { StatusCode = answer };
    }

    private static string? Header(IRequestMessage request, string name) =>
        request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
}

/// <param name="AnsweredWith">The status the receiver answered this request with.</param>
public sealed record AmsReceivedDelivery(string? Id, string? Timestamp, string? Signature, string Body, int AnsweredWith);
