using System.Net;
using System.Text;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Vendors;
using EmailIntegration.Vendors.Soap;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EmailIntegration.UnitTests.Vendors;

/// <summary>The one send-and-classify every vendor client uses: which answers are transient, which permanent, and what the message says.</summary>
public sealed class VendorHttpTests
{
    private const string Secret = "s3cret-Pa55";

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, VendorFailureKind.Permanent)]
    [InlineData(HttpStatusCode.Unauthorized, VendorFailureKind.Permanent)]
    [InlineData(HttpStatusCode.Forbidden, VendorFailureKind.Permanent)]
    [InlineData(HttpStatusCode.NotFound, VendorFailureKind.Permanent)]
    [InlineData(HttpStatusCode.UnsupportedMediaType, VendorFailureKind.Permanent)]
    [InlineData(HttpStatusCode.RequestTimeout, VendorFailureKind.Transient)]
    [InlineData(HttpStatusCode.TooManyRequests, VendorFailureKind.Transient)]
    [InlineData(HttpStatusCode.InternalServerError, VendorFailureKind.Transient)]
    [InlineData(HttpStatusCode.BadGateway, VendorFailureKind.Transient)]
    [InlineData(HttpStatusCode.ServiceUnavailable, VendorFailureKind.Transient)]
    public async Task AnAnswerThatIsNotASuccess_IsClassifiedByItsStatus_WhicheverWayItIsRead(HttpStatusCode status, VendorFailureKind kind)
    {
        using var http = Answering(status, "{\"echo\":\"" + Secret + "\"}");

        var bytes = await Assert.ThrowsAsync<VendorFetchException>(() =>
            VendorHttp.SendForBytesAsync(http, Request(), "realmagnet", "GetGroups", NullLogger.Instance, default));
        var headers = await Assert.ThrowsAsync<VendorFetchException>(() =>
            VendorHttp.SendAsync(http, Request(), "highroad", "the upload at example.test", default));

        Assert.Equal((kind, status), (bytes.Kind, bytes.StatusCode));
        Assert.Equal((kind, status), (headers.Kind, headers.StatusCode));
        Assert.Equal($"realmagnet: GetGroups failed with HTTP {(int)status} ({status})", bytes.Message);
        Assert.Equal($"highroad: the upload at example.test failed with HTTP {(int)status} ({status})", headers.Message);
        Assert.DoesNotContain(Secret, bytes.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASuccess_ReturnsTheBodyUnchanged_OrTheResponseToRead()
    {
        using var http = Answering(HttpStatusCode.OK, "[1, 2]");

        Assert.Equal("[1, 2]", Encoding.UTF8.GetString(
            await VendorHttp.SendForBytesAsync(http, Request(), "realmagnet", "GetGroups", NullLogger.Instance, default)));
        using var response = await VendorHttp.SendAsync(http, Request(), "highroad", "the export download at example.test", default);
        Assert.Equal("[1, 2]", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TransportFailures_AndTimeouts_AreTransient_ButTheCallersCancellationIsNotAFailure()
    {
        using var broken = new HttpClient(new Handler(_ => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused")))
            { BaseAddress = new Uri("https://vendor.example.test/") };
        using var slow = new HttpClient(new Handler(_ => throw new TaskCanceledException("attempt timeout")))
            { BaseAddress = new Uri("https://vendor.example.test/") };

        var transport = await Assert.ThrowsAsync<VendorFetchException>(() =>
            VendorHttp.SendForBytesAsync(broken, Request(), "informz", "subscriber", NullLogger.Instance, default));
        var timeout = await Assert.ThrowsAsync<VendorFetchException>(() =>
            VendorHttp.SendAsync(slow, Request(), "highroad", "the export download at example.test", default));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        Assert.Equal(("informz: subscriber failed: ConnectionError", VendorFailureKind.Transient, (HttpStatusCode?)null),
            (transport.Message, transport.Kind, transport.StatusCode));
        Assert.Equal(("highroad: the export download at example.test timed out", VendorFailureKind.Transient),
            (timeout.Message, timeout.Kind));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            VendorHttp.SendAsync(slow, Request(), "highroad", "the export download at example.test", cancelled.Token));
    }

    [Theory]
    [InlineData("soap:Client", HttpStatusCode.InternalServerError, "was refused", VendorFailureKind.Permanent)]
    [InlineData("s:Sender", HttpStatusCode.InternalServerError, "was refused", VendorFailureKind.Permanent)]
    [InlineData("a:ActionNotSupported", HttpStatusCode.InternalServerError, "was refused", VendorFailureKind.Permanent)]
    [InlineData("soap:Server", HttpStatusCode.InternalServerError, "failed", VendorFailureKind.Transient)]
    [InlineData("soap:Client", HttpStatusCode.OK, "was refused", VendorFailureKind.Permanent)]
    public async Task ASoapFault_IsClassifiedByItsCode_WithItsTextRedacted(string code, HttpStatusCode status, string what, VendorFailureKind kind)
    {
        using var http = Answering(status, Fault(code, $"Login {Secret} for ann@example.org refused"), "text/xml");

        var ex = await Assert.ThrowsAsync<VendorFetchException>(() =>
            VendorHttp.SendSoapAsync(http, Request(), "realmagnet", "getSpamComplaints", [Secret], NullLogger.Instance, default));

        var local = code[(code.IndexOf(':', StringComparison.Ordinal) + 1)..];
        Assert.Equal($"realmagnet: getSpamComplaints {what} (SOAP fault {local}: Login *** for [e-mail] refused)", ex.Message);
        Assert.Equal((kind, status), (ex.Kind, ex.StatusCode));
    }

    [Fact]
    public async Task AFault_IsReadOnlyOnASoapCall_AndASoapAnswerWithoutOne_Passes()
    {
        using var faulted = Answering(HttpStatusCode.InternalServerError, Fault("soap:Client", "no"), "text/xml");
        using var ok = Answering(HttpStatusCode.OK, Envelope("<getSpamComplaintsResponse xmlns=\"http://www.magnetmail.net/\"/>"), "text/xml");

        var rest = await Assert.ThrowsAsync<VendorFetchException>(() =>
            VendorHttp.SendForBytesAsync(faulted, Request(), "realmagnet", "GetGroups", NullLogger.Instance, default));
        var body = await VendorHttp.SendSoapAsync(ok, Request(), "realmagnet", "getSpamComplaints", [], NullLogger.Instance, default);

        Assert.Equal(VendorFailureKind.Transient, rest.Kind);
        Assert.Contains("getSpamComplaintsResponse", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, "soap:Client", true)]
    [InlineData(HttpStatusCode.InternalServerError, "soap:Server", false)]
    [InlineData(HttpStatusCode.ServiceUnavailable, "soap:Client", false)]
    public async Task TheRetry_StopsOnlyAt_A500CarryingASenderFault(HttpStatusCode status, string code, bool final)
    {
        using var response = new HttpResponseMessage(status) { Content = new StringContent(Fault(code, "x"), Encoding.UTF8, "text/xml") };
        using var json = new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new StringContent("{\"Fault\":1}") };

        Assert.Equal(final, await SoapFault.IsSenderFaultAsync(response));
        Assert.False(await SoapFault.IsSenderFaultAsync(json));
    }

    private static HttpRequestMessage Request() => new(HttpMethod.Post, "Operation/") { Content = new StringContent("{}") };

    private static HttpClient Answering(HttpStatusCode status, string body, string mediaType = "application/json") =>
        new(new Handler(_ => new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) }))
        {
            BaseAddress = new Uri("https://vendor.example.test/"),
        };

    private static string Fault(string code, string text) =>
        Envelope($"<soap:Fault><faultcode>{code}</faultcode><faultstring>{text}</faultstring></soap:Fault>");

    private static string Envelope(string body) =>
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" "
        + "xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:a=\"urn:a\"><soap:Body>" + body + "</soap:Body></soap:Envelope>";

    private sealed class Handler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(answer(request));
        }
    }
}
