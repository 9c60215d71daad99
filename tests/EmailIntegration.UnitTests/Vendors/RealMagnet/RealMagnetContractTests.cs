using System.Net;
using System.Text;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.UnitTests.Pipeline;
using EmailIntegration.VendorSandbox.RealMagnet;
using EmailIntegration.Vendors.RealMagnet;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace EmailIntegration.UnitTests.Vendors.RealMagnet;

/// <summary>
/// The sandbox as the contract: a page cut off mid-array goes through the real <see cref="VendorTrackingFetcher"/> landed,
/// quarantined and named, the rest of the night still comes and the watermark stays; a request the vendor would refuse is
/// refused, and the run fails with a reason that names what was refused.
/// </summary>
public sealed class RealMagnetContractTests
{
    private static readonly DateTimeOffset Now = RealMagnetHarness.Today.AddHours(2).AddMinutes(15);

    private readonly Mock<IWatermarkStore> watermarks = new();
    private readonly Mock<ILandingZone> landing = new();
    private readonly Mock<IQuarantine> quarantine = new();
    private readonly Mock<IRunLog> runLog = new();
    private readonly List<string> landed = [];
    private readonly List<(string File, string Reason)> quarantined = [];
    private readonly List<FetchLogEntry> logged = [];

    public RealMagnetContractTests()
    {
        landing.Setup(z => z.LandAsync(It.IsAny<LandedFileName>(), It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<IReadOnlyDictionary<string, string>>(), It.IsAny<CancellationToken>()))
            .Callback<LandedFileName, ReadOnlyMemory<byte>, IReadOnlyDictionary<string, string>, CancellationToken>((name, _, _, _) => landed.Add(name.ToString()))
            .Returns(Task.CompletedTask);
        quarantine.Setup(q => q.QuarantineFileAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback<string, string, CancellationToken>((file, reason, _) => quarantined.Add((file, reason)))
            .Returns(Task.CompletedTask);
        runLog.Setup(r => r.WriteFetchAsync(It.IsAny<FetchLogEntry>(), It.IsAny<CancellationToken>()))
            .Callback<FetchLogEntry, CancellationToken>((entry, _) => logged.Add(entry))
            .Returns(Task.CompletedTask);
    }

    private Task<FetchRunResult> RunAsync(IVendorTrackingSource source) =>
        new VendorTrackingFetcher([source], watermarks.Object, landing.Object, quarantine.Object, runLog.Object,
            new FixedTimeProvider(Now), TestMetrics.Create(), NullLogger<VendorTrackingFetcher>.Instance).RunAsync(CancellationToken.None);

    [Fact]
    public async Task A_page_cut_off_in_the_middle_of_three_is_quarantined_named_and_the_rest_of_the_night_still_lands()
    {
        var data = RealMagnetHarness.GenerateData();
        var message = data.Mailings[0].MessageId;
        var delivered = data.Sends.Count(s => s.MessageId == message && s.IsDelivery);
        var pageSize = (delivered + 2) / 3;
        using var h = new RealMagnetHarness(pageSize);
        h.Sandbox.CorruptDetailedTrackingPage(message, "email_delivered", page: 2);

        var result = await RunAsync(h.Source);

        var prefix = $"realmagnet/2026/11/30/{result.RunId}/";
        var kind = $"delivered{message}";
        Assert.Equal([$"{prefix}{kind}-00001.json", $"{prefix}{kind}-00002.json", $"{prefix}{kind}-00003.json"],
            landed.Where(n => n.Contains($"/{kind}-", StringComparison.Ordinal)));
        var (file, reason) = Assert.Single(quarantined);
        Assert.Equal($"{prefix}{kind}-00002.json", file);
        Assert.StartsWith($"GetDetailedTracking(email_delivered) message {message} page 2: not readable JSON", reason, StringComparison.Ordinal);

        // Every later report, message and feed still landed.
        var last = data.Mailings[^1].MessageId;
        Assert.Contains(landed, n => n.Contains($"/fax{last}-", StringComparison.Ordinal));
        Assert.Contains(landed, n => n.EndsWith("/spam-00001.xml", StringComparison.Ordinal));

        var entry = Assert.Single(result.Vendors);
        Assert.Equal((FetchStatus.Incomplete, 1), (entry.Status, entry.UnreadablePages));
        Assert.Contains($"message {message} page 2", entry.Error, StringComparison.Ordinal);
        Assert.Contains($"{kind}-00002.json", entry.Error, StringComparison.Ordinal);
        Assert.Contains(entry, logged);
        watermarks.Verify(w => w.AdvanceAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<Watermark?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task An_unknown_ReportType_is_refused_and_fails_the_run_naming_the_operation()
    {
        using var h = new RealMagnetHarness();
        var message = h.Data.Mailings[0].MessageId;

        // "delivered" was the adapter's old guess; the vendor's names are tracking_report_type's.
        var entry = await RunWrongAsync(h, async (client, session) =>
            await client.GetDetailedTrackingAsync(session, message, "delivered", 1, 50, new DateOnly(2026, 11, 23), new DateOnly(2026, 11, 30), default));

        Assert.Equal(FetchStatus.Failed, entry.Status);
        Assert.Equal("realmagnet: GetDetailedTracking failed with HTTP 400 (BadRequest)", entry.Error);
    }

    [Fact]
    public async Task A_missing_SessionID_is_refused_and_fails_the_run_naming_the_operation()
    {
        using var h = new RealMagnetHarness();

        var entry = await RunWrongAsync(h, async (client, session) =>
            await client.GetUnsubscribesAsync(session with { SessionID = string.Empty }, new DateOnly(2026, 11, 23), new DateOnly(2026, 11, 30), default));

        Assert.Equal(FetchStatus.Failed, entry.Status);
        Assert.Equal("realmagnet: GetUnsubscribes failed with HTTP 401 (Unauthorized)", entry.Error);
    }

    [Fact]
    public async Task A_SOAP_call_without_a_valid_mmAuthHeader_is_refused_and_fails_the_run()
    {
        using var h = new RealMagnetHarness();

        var entry = await RunWrongAsync(h, async (client, session) =>
            await client.GetSpamComplaintsAsync(session with { SessionID = "not-a-session" }, Now.AddDays(-7), Now, default));

        Assert.Equal(FetchStatus.Failed, entry.Status);
        // The SOAP fault is read as for every SOAP call: ASMX's Client fault is a refusal, and its text (no secret in it) says why.
        Assert.Equal("realmagnet: getSpamComplaints was refused (SOAP fault Client: Invalid session: mmAuthHeader is missing or does "
            + "not hold a valid sessionId and user_id.)", entry.Error);
    }

    /// <summary>Requests the adapter never sends, straight at the sandbox: each is refused as the vendor's services would.</summary>
    [Theory]
    [InlineData("GetBounces/", "application/json", "{\"FromDate\":\"11/23/2026\"}", HttpStatusCode.NotFound)] // not an operation of the REST index
    [InlineData("GetDetailedTracking/", "text/plain", "{}", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("GetDetailedTracking/", "application/json", "[1,2]", HttpStatusCode.BadRequest)]
    [InlineData("GetDetailedTracking/", "application/json", "{\"MessageID\":1,\"Page\":1,\"RecordsPerPage\":50,\"ReportType\":\"email_delivered\"}", HttpStatusCode.BadRequest)] // no dates
    [InlineData("GetDetailedTracking/", "application/json", "{\"MessageID\":1,\"Page\":1,\"RecordsPerPage\":5000,\"ReportType\":\"email_delivered\",\"FromDate\":\"11/23/2026\",\"ToDate\":\"11/30/2026\"}", HttpStatusCode.BadRequest)]
    [InlineData("GetUnsubscribes/", "application/json", "{\"FromDate\":\"2026-11-23\"}", HttpStatusCode.BadRequest)]
    public async Task A_wrong_operation_or_body_shape_is_refused(string operation, string contentType, string body, HttpStatusCode expected)
    {
        using var h = new RealMagnetHarness();
        var session = await h.Client.AuthenticateAsync(default);
        var json = body.StartsWith('{') && body.Length > 2
            ? body.Insert(1, $"\"SessionID\":\"{session.SessionID}\",\"UserID\":\"{session.UserID}\",")
            : body;
        using var http = new HttpClient();

        using var response = await http.PostAsync(new Uri(h.Sandbox.Url, operation), new StringContent(json, Encoding.UTF8, contentType));

        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("\"http://www.magnetmail.net/getUnsubscribes\"", true)] // an operation the adapter does not call on SOAP
    [InlineData("\"http://tempuri.org/getSpamComplaints\"", true)]
    [InlineData("\"http://www.magnetmail.net/getSpamComplaints\"", false)] // the right action, but no mmAuthHeader
    public async Task A_wrong_SOAPAction_or_a_missing_auth_header_is_a_SOAP_fault(string action, bool withHeader)
    {
        using var h = new RealMagnetHarness();
        var session = await h.Client.AuthenticateAsync(default);
        var header = withHeader
            ? $"<soap:Header><mmAuthHeader xmlns=\"http://www.magnetmail.net/\"><sessionId>{session.SessionID}</sessionId><user_id>{session.UserID}</user_id></mmAuthHeader></soap:Header>"
            : string.Empty;
        var envelope = "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">" + header
            + "<soap:Body><getSpamComplaints xmlns=\"http://www.magnetmail.net/\"><fromDate>2026-11-23T00:00:00Z</fromDate><toDate>2026-11-30T00:00:00Z</toDate></getSpamComplaints></soap:Body></soap:Envelope>";
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, h.Sandbox.SoapUrl) { Content = new StringContent(envelope, Encoding.UTF8, "text/xml") };
        request.Headers.TryAddWithoutValidation("SOAPAction", action);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("<soap:Fault>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_request_the_adapter_sends_for_spam_complaints_is_accepted()
    {
        using var h = new RealMagnetHarness();
        var session = await h.Client.AuthenticateAsync(default);

        var body = Encoding.UTF8.GetString(await h.Client.GetSpamComplaintsAsync(session, Now.AddDays(-7), Now, default));

        Assert.Contains("getSpamComplaintsResponse", body, StringComparison.Ordinal);
        Assert.Equal(h.Data.SpamComplaints.Count, body.Split("<recp_unsubscribe>").Length - 1);
    }

    private async Task<FetchLogEntry> RunWrongAsync(RealMagnetHarness h, Func<RealMagnetClient, RealMagnetSession, Task> wrongCall)
    {
        var result = await RunAsync(new WrongRequestSource(h.Client, wrongCall));
        return Assert.Single(result.Vendors);
    }

    /// <summary>A source that makes one request the real one never makes, so the sandbox's refusal reaches the run log.</summary>
    private sealed class WrongRequestSource(RealMagnetClient client, Func<RealMagnetClient, RealMagnetSession, Task> call) : IVendorTrackingSource
    {
        public string Vendor => "realmagnet";

        public bool IsEnabled => true;

        public TrackingWindow? PlanWindow(DateTimeOffset? watermark, DateTimeOffset now) => new(now.AddDays(-1), now);

        public async Task FetchAsync(TrackingWindow window, IFetchedPageSink pages, CancellationToken cancellationToken) =>
            await call(client, await client.AuthenticateAsync(cancellationToken));
    }
}
