using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace EmailIntegration.VendorSandbox.HighRoad;

/// <summary>A file HighRoad's sandbox received: its name (Content-Disposition), bytes and content type.</summary>
public sealed record HighRoadReceivedFile(string? FileName, byte[] Content, string? ContentType)
{
    public string Text => Encoding.UTF8.GetString(Content);
}

/// <summary>
/// A local HighRoad over <see cref="HighRoadSandboxData"/>, on 127.0.0.1, for the local runner and tests. HighRoad
/// publishes no API, so this serves what the adapter is configured to read:
/// <list type="bullet">
/// <item><c>GET /highroad/export.csv?from=yyyy-MM-dd&amp;to=yyyy-MM-dd</c> (HTTP Basic): the rows in [from, to) (00:00 UTC,
/// to exclusive) as CSV with a UTF-8 BOM, CRLF, the sandbox's own header names (see <see cref="Headers"/>), the chosen
/// delimiter, and local dates <c>MM/dd/yyyy hh:mm:ss tt</c> in the data's zone.</item>
/// <item><c>POST /highroad/optouts</c> and <c>POST /highroad/recipients</c> (HTTP Basic): record the body
/// (<see cref="ReceivedOptOutFiles"/>, <see cref="ReceivedRecipientFiles"/>).</item>
/// </list>
/// <see cref="AdapterSettings"/> gives the configuration (column map included) that points the adapter here.
/// Faults for tests: <see cref="FailNextRequests"/>.
/// </summary>
public sealed class HighRoadSandbox : IDisposable
{
    public const string ExportPath = "/highroad/export.csv";
    public const string OptOutPath = "/highroad/optouts";
    public const string RecipientPath = "/highroad/recipients";
    public const string DateFormat = "MM/dd/yyyy hh:mm:ss tt";

    /// <summary>The export's header names, by the adapter's column-map field.</summary>
    public static readonly IReadOnlyDictionary<string, string> Headers = new Dictionary<string, string>
    {
        ["IndividualId"] = "Member ID",
        ["Email"] = "Email Address",
        ["MailingId"] = "Blast ID",
        ["MailingName"] = "Blast Name",
        ["EventKind"] = "Activity",
        ["Date"] = "Activity Date",
        ["Url"] = "Link URL",
        ["EmailGroup"] = "Email Group",
        ["FaxNumber"] = "Fax Number",
        ["Status"] = "Status",
        ["Reason"] = "Bounce Reason",
    };

    private static readonly string[] Order =
        ["IndividualId", "Email", "MailingId", "MailingName", "EventKind", "Date", "Url", "EmailGroup", "FaxNumber", "Status", "Reason"];

    private readonly WireMockServer server;
    private readonly SandboxFaults faults = new();
    private readonly ConcurrentQueue<HighRoadReceivedFile> optOuts = new();
    private readonly ConcurrentQueue<HighRoadReceivedFile> recipients = new();

    private HighRoadSandbox(HighRoadSandboxData data, int port, char delimiter)
    {
        Data = data;
        Delimiter = delimiter;
        server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{port}"],
            StartAdminInterface = false,
            MaxRequestLogCount = 50,
        });
        server
            .Given(Request.Create().WithPath(new RegexMatcher(@"\A/highroad/.*\z")))
            .RespondWith(Response.Create().WithCallback(Handle));
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>Starts on 127.0.0.1, on <paramref name="port"/> or a free port, writing <paramref name="delimiter"/>.</summary>
    public static HighRoadSandbox Start(HighRoadSandboxData data, int? port = null, char delimiter = ',')
    {
        ArgumentNullException.ThrowIfNull(data);
        return new HighRoadSandbox(data, port ?? FreePort(), delimiter);
    }

    public HighRoadSandboxData Data { get; }

    public char Delimiter { get; }

    public Uri BaseUrl { get; }

    /// <summary>The export URL template, with the adapter's <c>{from}</c>/<c>{to}</c> placeholders.</summary>
    public string ExportUrlTemplate => new Uri(BaseUrl, ExportPath).AbsoluteUri + "?from={from}&to={to}";

    public Uri OptOutUrl => new(BaseUrl, OptOutPath);

    public Uri RecipientUrl => new(BaseUrl, RecipientPath);

    public string UserName { get; } = "sandbox-highroad";

    /// <summary>Fixed, so a runner in another process can be configured without talking to this one.</summary>
    public string Password { get; } = "sandbox-HR-p@ss";

    public IReadOnlyList<HighRoadReceivedFile> ReceivedOptOutFiles => [.. optOuts];

    public IReadOnlyList<HighRoadReceivedFile> ReceivedRecipientFiles => [.. recipients];

    /// <summary>
    /// Configuration that points the HighRoad adapter at this sandbox (keys under <paramref name="section"/>, default
    /// <c>Vendors:HighRoad</c>): source Https, credentials, delimiter, the column map of <see cref="Headers"/>, the date
    /// format and zone, and the outbound endpoints. Add it with <c>ConfigurationBuilder.AddInMemoryCollection</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string?> AdapterSettings(string section = "Vendors:HighRoad")
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [$"{section}:Enabled"] = "true",
            [$"{section}:Source"] = "Https",
            [$"{section}:HttpsUrl"] = ExportUrlTemplate,
            [$"{section}:HttpsUserName"] = UserName,
            [$"{section}:HttpsPassword"] = Password,
            [$"{section}:Delimiter"] = Delimiter == '\t' ? "tab" : Delimiter.ToString(),
            [$"{section}:DateFormat"] = DateFormat,
            [$"{section}:TimeZone"] = Data.Zone.Id,
            [$"{section}:KindMap"] =
                "Sent=Delivered; Open=Opened; Click=LinkClicked; Fax=FaxSent; Unsubscribe=Unsubscribed; "
                + "Hard Bounce=Bounced:Hard; Soft Bounce=Bounced:Soft; Spam=SpamComplaint",
            [$"{section}:Outbound:Target"] = "Https",
            [$"{section}:Outbound:OptOutUrl"] = OptOutUrl.AbsoluteUri,
            [$"{section}:Outbound:RecipientUrl"] = RecipientUrl.AbsoluteUri,
        };
        foreach (var (field, header) in Headers)
        {
            settings[$"{section}:Columns:{field}"] = header;
        }

        return settings;
    }

    /// <summary>Requests received for "export", "optouts" or "recipients" (including refused and faulted ones).</summary>
    public int RequestsFor(string operation) => faults.RequestsFor(operation);

    /// <summary>The next <paramref name="count"/> requests of <paramref name="operation"/> answer <paramref name="statusCode"/>.</summary>
    public void FailNextRequests(string operation, int statusCode, int count = 1, TimeSpan? retryAfter = null) =>
        faults.FailNext(operation, statusCode, count, retryAfter);

    /// <summary>The export the sandbox serves for [from, to): what the adapter should land byte for byte.</summary>
    public byte[] Export(DateTimeOffset from, DateTimeOffset to)
    {
        var text = new StringBuilder();
        text.Append('\uFEFF');
        AppendRow(text, Order.Select(o => Headers[o]));
        foreach (var a in Data.Between(from, to))
        {
            var local = TimeZoneInfo.ConvertTime(a.OccurredAt, Data.Zone);
            AppendRow(text,
            [
                a.Recipient.IndividualId,
                a.Recipient.Email,
                a.Mailing.MailingId,
                a.Mailing.Name,
                a.Activity,
                local.ToString(DateFormat, CultureInfo.InvariantCulture),
                a.Url,
                a.Mailing.EmailGroup,
                a.Mailing.IsFax ? a.Recipient.FaxNumber : null,
                a.Status,
                a.Reason,
            ]);
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public void Dispose()
    {
        server.Stop();
        server.Dispose();
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private void AppendRow(StringBuilder text, IEnumerable<string?> fields)
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                text.Append(Delimiter);
            }

            first = false;
            if (string.IsNullOrEmpty(field))
            {
                continue;
            }

            if (field.AsSpan().IndexOfAny(['"', '\r', '\n', Delimiter]) >= 0)
            {
                text.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                text.Append(field);
            }
        }

        text.Append("\r\n");
    }

    private ResponseMessage Handle(IRequestMessage request)
    {
        var path = request.Path.TrimEnd('/');
        var operation = path switch
        {
            ExportPath => "export",
            OptOutPath => "optouts",
            RecipientPath => "recipients",
            _ => "unknown",
        };
        var failure = faults.Take(operation).Failure;

        if (failure is { } f)
        {
            var response = Text(f.Status, $"Sandbox fault {f.Status}");
            if (f.RetryAfter is { } after)
            {
                response.AddHeader("Retry-After", ((int)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
            }

            return response;
        }

        if (!Authorized(request))
        {
            var refused = Text(401, "Authentication required");
            refused.AddHeader("WWW-Authenticate", "Basic realm=\"highroad\"");
            return refused;
        }

        return (operation, request.Method.ToUpperInvariant()) switch
        {
            ("export", "GET") => ServeExport(request),
            ("optouts", "POST") => Receive(request, optOuts),
            ("recipients", "POST") => Receive(request, recipients),
            ("unknown", _) => Text(404, "Not found"),
            _ => Text(405, "Method not allowed"),
        };
    }

    private bool Authorized(IRequestMessage request)
    {
        var header = request.Headers?.FirstOrDefault(h => string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase)).Value;
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{UserName}:{Password}"));
        return header is not null && header.Any(v => string.Equals(v, expected, StringComparison.Ordinal));
    }

    private ResponseMessage ServeExport(IRequestMessage request)
    {
        string? Query(string name) =>
            request.Query?.FirstOrDefault(q => string.Equals(q.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
        if (!DateOnly.TryParseExact(Query("from"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
            || !DateOnly.TryParseExact(Query("to"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to))
        {
            return Text(400, "from and to (yyyy-MM-dd) are required");
        }

        var body = Export(
            new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
            new DateTimeOffset(to.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        var response = new ResponseMessage
        {
            StatusCode = 200,
            BodyData = new BodyData { DetectedBodyType = BodyType.Bytes, BodyAsBytes = body },
        };
        response.AddHeader("Content-Type", "text/csv; charset=utf-8");
        return response;
    }

    private static ResponseMessage Receive(IRequestMessage request, ConcurrentQueue<HighRoadReceivedFile> into)
    {
        var bytes = request.BodyAsBytes ?? Encoding.UTF8.GetBytes(request.Body ?? string.Empty);
        string? Header(string name) =>
            request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
        var disposition = Header("Content-Disposition");
        string? fileName = null;
        if (disposition is not null && System.Net.Http.Headers.ContentDispositionHeaderValue.TryParse(disposition, out var parsed))
        {
            fileName = parsed.FileName?.Trim('"');
        }

        into.Enqueue(new HighRoadReceivedFile(fileName, bytes, Header("Content-Type")));
        return Text(200, "OK");
    }

    private static ResponseMessage Text(int status, string text)
    {
        var response = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData { DetectedBodyType = BodyType.String, BodyAsString = text, Encoding = Encoding.UTF8 },
        };
        response.AddHeader("Content-Type", "text/plain; charset=utf-8");
        return response;
    }
}
