using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.UnitTests.Pipeline;
using EmailIntegration.Vendors.Informz;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace EmailIntegration.UnitTests.Vendors.Informz;

/// <summary>
/// The Informz source run by the real <see cref="VendorTrackingFetcher"/> against the sandbox: what is landed, quarantined and
/// written to the run log, and whether the watermark moves.
/// </summary>
public sealed class InformzFetchRunTests
{
    private readonly Mock<IWatermarkStore> watermarks = new();
    private readonly Mock<ILandingZone> landingZone = new();
    private readonly Mock<IQuarantine> quarantine = new();
    private readonly Mock<IRunLog> runLog = new();
    private readonly List<(string Name, byte[] Content)> landed = [];
    private readonly List<(string File, string Reason)> quarantined = [];
    private readonly List<FetchLogEntry> logged = [];

    public InformzFetchRunTests()
    {
        landingZone.Setup(l => l.LandAsync(It.IsAny<LandedFileName>(), It.IsAny<ReadOnlyMemory<byte>>(),
                It.IsAny<IReadOnlyDictionary<string, string>>(), It.IsAny<CancellationToken>()))
            .Callback<LandedFileName, ReadOnlyMemory<byte>, IReadOnlyDictionary<string, string>, CancellationToken>(
                (name, content, _, _) => landed.Add((name.ToString(), content.ToArray())))
            .Returns(Task.CompletedTask);
        quarantine.Setup(q => q.QuarantineFileAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback<string, string, CancellationToken>((file, reason, _) => quarantined.Add((file, reason)))
            .Returns(Task.CompletedTask);
        runLog.Setup(r => r.WriteFetchAsync(It.IsAny<FetchLogEntry>(), It.IsAny<CancellationToken>()))
            .Callback<FetchLogEntry, CancellationToken>((entry, _) => logged.Add(entry))
            .Returns(Task.CompletedTask);
    }

    private async Task<FetchLogEntry> RunAsync(InformzHarness h)
    {
        var fetcher = new VendorTrackingFetcher([h.Source], watermarks.Object, landingZone.Object, quarantine.Object,
            runLog.Object, new FixedTimeProvider(InformzHarness.Now), TestMetrics.Create(), NullLogger<VendorTrackingFetcher>.Instance);
        var entry = Assert.Single((await fetcher.RunAsync(CancellationToken.None)).Vendors);
        Assert.Equal(entry, logged[^1]); // what the run log holds
        return entry;
    }

    [Fact]
    public async Task A_bad_page_in_the_middle_of_three_is_quarantined_with_its_bytes_named_in_the_run_log_and_the_watermark_stays()
    {
        using var h = new InformzHarness(pageSize: 100);
        var window = h.FirstWindow;
        var mailing = h.Data.Mailings
            .Where(m => m.MailingDate >= window.Start.AddDays(-30) && m.MailingDate < window.End)
            .OrderBy(m => m.MailingDate).ThenBy(m => m.MailingInstanceId.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal)
            .First(m => h.Data.Activity.Count(a => a.MailingInstanceId == m.MailingInstanceId) > 100);
        var rows = h.Data.Activity.Count(a => a.MailingInstanceId == mailing.MailingInstanceId);
        Assert.InRange(rows, 201, 300); // three pages of 100
        h.Sandbox.CorruptPage("mailing_activity_subscriber_actions", 101);

        var entry = await RunAsync(h);

        var kind = InformzTrackingSource.Kinds.Activity(mailing.MailingDate);
        var pages = landed.Where(l => l.Name.Contains("/" + kind + "-", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, pages.Count);
        var (file, reason) = Assert.Single(quarantined);
        Assert.Equal(pages[1].Name, file); // the middle page, landed with its bytes before it was read
        Assert.EndsWith($"{kind}-00002.xml", file, StringComparison.Ordinal);
        Assert.Contains($"mailing_activity_subscriber_actions (mailing_instance_id EQ {mailing.MailingInstanceId}) StartRow 101", reason,
            StringComparison.Ordinal);
        Assert.Contains("not a readable GridResponse", reason, StringComparison.Ordinal);

        // The fetch went on: the third page, the later mailings, the subscribers and interests all landed.
        Assert.Contains(landed, l => l.Name.Contains("/subscribers-", StringComparison.Ordinal));
        Assert.Contains(landed, l => l.Name.Contains("/interests-", StringComparison.Ordinal));
        Assert.Equal((FetchStatus.Incomplete, 1), (entry.Status, entry.UnreadablePages));
        Assert.Contains($"StartRow 101", entry.Error, StringComparison.Ordinal);
        Assert.Contains($"{kind}-00002.xml", entry.Error, StringComparison.Ordinal);
        Assert.Equal(landed.Count, entry.Pages);
        watermarks.Verify(w => w.AdvanceAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<Watermark?>(), It.IsAny<CancellationToken>()),
            Times.Never);
    }

    [Fact]
    public async Task A_clean_run_moves_the_watermark_and_lands_the_responses_unchanged()
    {
        using var h = new InformzHarness(pageSize: 500);

        var entry = await RunAsync(h);

        Assert.Equal(FetchStatus.Completed, entry.Status);
        Assert.Empty(quarantined);
        Assert.All(landed, l => Assert.StartsWith("<s:Envelope", Encoding.UTF8.GetString(l.Content), StringComparison.Ordinal));
        watermarks.Verify(w => w.AdvanceAsync("informz", h.FirstWindow.End, null, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_wrong_SOAPAction_is_refused_by_the_sandbox_and_fails_the_run_with_the_reason()
    {
        using var h = new InformzHarness(extra: new()
        {
            ["Vendors:Informz:SoapAction"] = "http://partner.informz.net/aapi/2009/08/IInformzService/PostInformzMessage",
        });

        var entry = await RunAsync(h);

        Assert.Equal(FetchStatus.Failed, entry.Status);
        Assert.Contains("was refused (SOAP fault ActionNotSupported", entry.Error, StringComparison.Ordinal);
        Assert.Contains("ContractFilter mismatch", entry.Error, StringComparison.Ordinal);
        Assert.Equal(0, h.Sandbox.RequestsFor("subscriber")); // refused by the dispatcher, before any operation
        Assert.Empty(landed);
        watermarks.Verify(w => w.AdvanceAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<Watermark?>(), It.IsAny<CancellationToken>()),
            Times.Never);
    }

    [Fact]
    public async Task An_unframed_request_is_refused_by_the_sandbox_and_fails_the_run_with_the_reason()
    {
        using var h = new InformzHarness(unframeRequests: true);

        var entry = await RunAsync(h);

        Assert.Equal(FetchStatus.Failed, entry.Status);
        Assert.Contains("was refused (SOAP fault Client", entry.Error, StringComparison.Ordinal);
        Assert.Contains("not a gzip-compressed, length-prefixed, base64-encoded string", entry.Error, StringComparison.Ordinal);
        Assert.Equal(0, h.Sandbox.RequestsFor("subscriber")); // refused before the grid was looked at
        Assert.Empty(landed);
    }
}

/// <summary>
/// Stands in for an adapter that forgot the framing: rewrites each GridRequest so that <c>&lt;Grids&gt;</c> holds the Grid node
/// as plain XML, and sends the rest unchanged.
/// </summary>
internal sealed class UnframingHandler : DelegatingHandler
{
    private static readonly XNamespace Soap = "http://schemas.xmlsoap.org/soap/envelope/";
    private static readonly XNamespace X = "http://partner.informz.net/aapi/2009/08/";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var envelope = XDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken));
        var x = envelope.Root!.Element(Soap + "Body")!.Element(X + "PostInformzMessage")!.Element(X + "x")!;
        var document = XElement.Parse(x.Value);
        if (document.Element(X + "Grids") is { } grids)
        {
            grids.ReplaceNodes(XElement.Parse(InformzFrame.Decode(grids.Value)));
            x.Value = document.ToString(SaveOptions.DisableFormatting);
        }

        var content = new StringContent(envelope.ToString(SaveOptions.DisableFormatting), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/xml") { CharSet = "utf-8" };
        request.Content = content;
        return await base.SendAsync(request, cancellationToken);
    }
}
