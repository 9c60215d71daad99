using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace EmailIntegration.VendorSandbox.RealMagnet;

/// <summary>An UpsertRecipient the sandbox took: RecipientDetails' string fields, its CustomFields, and the id it answered.</summary>
public sealed record RealMagnetReceivedUpsert(
    IReadOnlyDictionary<string, string?> Details, IReadOnlyDictionary<int, string?> CustomFields, string? UpsertType, long RecipientId);

/// <summary>An UnsubscribeRecipient the sandbox took.</summary>
public sealed record RealMagnetReceivedUnsubscribe(long RecipientId, bool IsAll, int? CategoryId, int? Group);

/// <summary>
/// A local Real Magnet REST ApiAdapter and SOAP service over <see cref="SandboxData"/>, on 127.0.0.1, for the local runner
/// and tests: the contract the adapter is held to. Serves <c>POST {Url}{Operation}/</c> for Authenticate, GetGroups,
/// GetMessageList, GetDetailedTracking, ExecuteReport (report 2), GetMessageLinkTracking, GetUnsubscribes,
/// GetSuppressedRecipients, and the writes UpsertRecipient, SearchRecipient (by CustomID or Email) and UnsubscribeRecipient
/// (recorded in <see cref="ReceivedUpserts"/> and <see cref="ReceivedUnsubscribes"/>), and the SOAP <c>getSpamComplaints</c> at
/// <see cref="SoapUrl"/>, with WCF dates (<c>"\/Date(ms-0500)\/"</c>).
/// </summary>
/// <remarks>
/// <para>Shapes, and where each comes from (docs/vendors.md has the table): REST help pages
/// (https://dna.magnetmail.net/ApiAdapter/Rest/help/operations/&lt;Operation&gt;) for GetMessageList, GetMessageLinkTracking and
/// the writes; the MagnetMail SOAP WSDL (https://hlma-apie1.magnetmail.net/mmapi.asmx?WSDL, a copy in public repository
/// MemberJunction/MJ at packages/Integration/connectors-registry/magnetmail/scripts/wsdl.xml) for the report names
/// (<c>tracking_report_type</c>), the TrackingDetails/recp_track, recp_unsubscribe and Recipient records, the EmailStatus and
/// FaxStatus codes, the <c>mmAuthHeader</c> and getSpamComplaints. The REST requests of GetUnsubscribes and
/// GetSuppressedRecipients are not published: the sandbox takes the adapter's assumption and says so.</para>
/// <para>It refuses what the vendor would: an operation it does not have (404), a body that is not a JSON object or a
/// request that is not <c>application/json</c> (400/415), a missing or unknown SessionID (401), a ReportType outside
/// <c>tracking_report_type</c> and missing required fields (400); on SOAP, a SOAPAction it does not know or a missing
/// mmAuthHeader (500 with a SOAP fault, as ASMX answers).</para>
/// <para>Date-only request parameters are read as 00:00 UTC and ranges as [start, end), the adapter's assumption.
/// Faults for tests: <see cref="FailNextRequests"/>, <see cref="CorruptNext"/>, <see cref="DelayNext"/>
/// (WireMock.Net 1.25 has no connection-reset fault; <see cref="CorruptNext"/> is the page cut mid-body) and
/// <see cref="CorruptDetailedTrackingPage"/> (one given page).</para>
/// </remarks>
public sealed class RealMagnetSandbox : IDisposable
{
    public const string BasePath = "/ApiAdapter/Rest/";

    public const string SoapPath = "/mmapi.asmx";

    /// <summary>The WSDL's <c>tracking_report_type</c> values.</summary>
    public static readonly IReadOnlySet<string> ReportTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "email_sent", "email_delivered", "email_bounced", "email_opened", "unsubscribed", "fax_sent", "fax_delivered", "fax_failed",
        "links", "all", "fax_all",
    };

    private static readonly TimeSpan ServerOffset = TimeSpan.FromHours(-5);

    private readonly WireMockServer server;
    private readonly SandboxData data;
    private readonly SandboxFaults faults = new();
    private readonly ConcurrentDictionary<string, byte> sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RealMagnetReceivedUpsert> upserts = new();
    private readonly ConcurrentQueue<RealMagnetReceivedUnsubscribe> unsubscribes = new();
    private readonly object recipientLock = new();
    private readonly Dictionary<string, long> upsertedByKey = new(StringComparer.OrdinalIgnoreCase);
    private long nextRecipientId = 9_000_000_001;
    private readonly ConcurrentDictionary<(long MessageId, string ReportType, int Page), byte> corruptPages = new();

    private RealMagnetSandbox(SandboxData data, int port)
    {
        this.data = data;
        server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{port}"],
            StartAdminInterface = false,
            MaxRequestLogCount = 50,
        });
        server
            .Given(Request.Create().UsingPost().WithPath(new RegexMatcher(@"\A/ApiAdapter/Rest/[A-Za-z]+/?\z")))
            .RespondWith(Response.Create().WithCallback(Handle));
        server
            .Given(Request.Create().UsingPost().WithPath(SoapPath))
            .RespondWith(Response.Create().WithCallback(HandleSoap));
        Url = new Uri($"http://127.0.0.1:{port}{BasePath}");
        SoapUrl = new Uri($"http://127.0.0.1:{port}{SoapPath}");
    }

    /// <summary>Starts on 127.0.0.1, on <paramref name="port"/> or a free port.</summary>
    public static RealMagnetSandbox Start(SandboxData data, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new RealMagnetSandbox(data, port ?? FreePort());
    }

    /// <summary>The API base URL (ends with <c>/ApiAdapter/Rest/</c>): use it as the adapter's BaseUrl.</summary>
    public Uri Url { get; }

    /// <summary>The SOAP service (getSpamComplaints): use it as the adapter's SoapUrl.</summary>
    public Uri SoapUrl { get; }

    public string UserName { get; } = "sandbox-api-user";

    /// <summary>Fixed, so a runner in another process can be configured without talking to this one.</summary>
    public string Password { get; } = "sandbox-P@ssw0rd";

    /// <summary>
    /// Configuration that points the Real Magnet adapter at this sandbox (keys under <paramref name="section"/>,
    /// default <c>Vendors:RealMagnet</c>); add it with <c>ConfigurationBuilder.AddInMemoryCollection</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string?> AdapterSettings(int? pageSize = null, string section = "Vendors:RealMagnet")
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [$"{section}:Enabled"] = "true",
            [$"{section}:BaseUrl"] = Url.AbsoluteUri,
            [$"{section}:SoapUrl"] = SoapUrl.AbsoluteUri,
            [$"{section}:UserName"] = UserName,
            [$"{section}:Password"] = Password,
        };
        if (pageSize is { } size)
        {
            settings[$"{section}:PageSize"] = size.ToString(CultureInfo.InvariantCulture);
        }

        return settings;
    }

    public SandboxData Data => data;

    /// <summary>Every UpsertRecipient taken, in order.</summary>
    public IReadOnlyList<RealMagnetReceivedUpsert> ReceivedUpserts => [.. upserts];

    /// <summary>Every UnsubscribeRecipient taken, in order.</summary>
    public IReadOnlyList<RealMagnetReceivedUnsubscribe> ReceivedUnsubscribes => [.. unsubscribes];

    /// <summary>Requests received for an operation (including refused and faulted ones).</summary>
    public int RequestsFor(string operation) => faults.RequestsFor(operation);

    public void ResetRequestCounts() => faults.ResetRequestCounts();

    /// <summary>The next <paramref name="count"/> requests of <paramref name="operation"/> answer <paramref name="statusCode"/>.</summary>
    public void FailNextRequests(string operation, int statusCode, int count = 1, TimeSpan? retryAfter = null) =>
        faults.FailNext(operation, statusCode, count, retryAfter);

    /// <summary>The next request of <paramref name="operation"/> answers 200 with truncated JSON.</summary>
    public void CorruptNext(string operation, int count = 1) => faults.CorruptNext(operation, count);

    /// <summary>The next <paramref name="count"/> requests of <paramref name="operation"/> answer only after <paramref name="delay"/>.</summary>
    public void DelayNext(string operation, TimeSpan delay, int count = 1) => faults.DelayNext(operation, delay, count);

    /// <summary>That page of that report of that message answers 200 with its JSON cut off mid-array, every time it is asked.</summary>
    public void CorruptDetailedTrackingPage(long messageId, string reportType, int page) => corruptPages[(messageId, reportType, page)] = 0;

    /// <summary>Drops every fault not yet served.</summary>
    public void ClearFaults()
    {
        faults.Clear();
        corruptPages.Clear();
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

    public void Dispose()
    {
        server.Stop();
        server.Dispose();
    }

    private ResponseMessage Handle(IRequestMessage request)
    {
        var operation = request.Path[BasePath.Length..].TrimEnd('/');
        var (delay, failure, corrupt) = faults.Take(operation);
        if (delay is { } wait)
        {
            // The callback is synchronous; a slow vendor is a slow thread here.
            Thread.Sleep(wait);
        }

        if (failure is { } f)
        {
            var response = Json(f.Status, $"{{\"Message\":\"Sandbox fault {f.Status}\",\"Status\":0}}");
            if (f.RetryAfter is { } after)
            {
                response.AddHeader("Retry-After", ((int)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
            }

            return response;
        }

        var contentType = request.Headers?.FirstOrDefault(h => string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase)).Value;
        if (contentType is null || !contentType.Any(v => v.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)))
        {
            // A WCF WebHttp endpoint taking JSON refuses another content type.
            return Json(415, "{\"Message\":\"The request must be application/json\",\"Status\":0}");
        }

        JsonElement body;
        try
        {
            using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(request.Body) ? "{}" : request.Body);
            body = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Json(400, "{\"Message\":\"Request body is not JSON\",\"Status\":0}");
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return Json(400, "{\"Message\":\"Request body is not a JSON object\",\"Status\":0}");
        }

        ResponseMessage result;
        if (string.Equals(operation, "Authenticate", StringComparison.OrdinalIgnoreCase))
        {
            result = Authenticate(request, body);
        }
        else if (!HasSession(body))
        {
            result = Json(401, "{\"Message\":\"Invalid session\",\"Status\":0}");
        }
        else
        {
            try
            {
                result = operation.ToUpperInvariant() switch
                {
                    "GETGROUPS" => Json(200, GetGroups()),
                    "GETMESSAGELIST" => Json(200, GetMessageList(body)),
                    "GETDETAILEDTRACKING" => Json(200, GetDetailedTracking(body)),
                    "EXECUTEREPORT" => Json(200, ExecuteReport(body)),
                    "GETMESSAGELINKTRACKING" => Json(200, GetMessageLinkTracking(body)),
                    "GETUNSUBSCRIBES" => Json(200, GetUnsubscribes(body)),
                    "GETSUPPRESSEDRECIPIENTS" => Json(200, GetSuppressedRecipients(body)),
                    "UPSERTRECIPIENT" => Json(200, UpsertRecipient(body)),
                    "SEARCHRECIPIENT" => Json(200, SearchRecipient(body)),
                    "UNSUBSCRIBERECIPIENT" => Json(200, UnsubscribeRecipient(body)),
                    _ => Json(404, "{\"Message\":\"Unknown operation\",\"Status\":0}"),
                };
            }
            catch (BadRequest ex)
            {
                result = Json(400, JsonSerializer.Serialize(new { ex.Message, Status = 0 }));
            }
        }

        corrupt |= string.Equals(operation, "GetDetailedTracking", StringComparison.OrdinalIgnoreCase) && result.StatusCode is 200
                   && body.TryGetProperty("MessageID", out var m) && m.TryGetInt64(out var mid)
                   && body.TryGetProperty("ReportType", out var r) && r.ValueKind == JsonValueKind.String
                   && body.TryGetProperty("Page", out var pg) && pg.TryGetInt32(out var pageNumber)
                   && corruptPages.ContainsKey((mid, r.GetString()!, pageNumber));
        if (corrupt && result.BodyData?.BodyAsString is { Length: > 2 } text)
        {
            result.BodyData.BodyAsString = text[..(text.Length / 2)];
        }

        return result;
    }

    private ResponseMessage Authenticate(IRequestMessage request, JsonElement body)
    {
        var header = request.Headers?.FirstOrDefault(h => string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase)).Value;
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{UserName}:{Password}"));
        var basicOk = header is not null && header.Any(v => string.Equals(v, expected, StringComparison.Ordinal));
        var bodyOk = (!body.TryGetProperty("UserName", out var u) || u.GetString() == UserName)
                     && (!body.TryGetProperty("Password", out var p) || p.GetString() == Password);
        if (!basicOk || !bodyOk)
        {
            return Json(401, "{\"Message\":\"Authentication failed\",\"Status\":0}");
        }

        var session = Guid.NewGuid().ToString();
        sessions[session] = 0;
        return Json(200, JsonSerializer.Serialize(new { LoginID = 1234567, SessionID = session, UserID = "SANDBOX" }));
    }

    private bool HasSession(JsonElement body) =>
        body.TryGetProperty("SessionID", out var s) && s.ValueKind == JsonValueKind.String && sessions.ContainsKey(s.GetString()!)
        && body.TryGetProperty("UserID", out var u) && u.ValueKind == JsonValueKind.String && u.GetString() == "SANDBOX";

    private string GetGroups() => Write(w =>
    {
        w.WriteStartArray();
        foreach (var g in data.Groups)
        {
            w.WriteStartObject();
            WriteDate(w, "DateCreated", data.Today.AddDays(-400));
            w.WriteBoolean("DisplayStatus", true);
            w.WriteNumber("GroupID", g.GroupId);
            w.WriteString("GroupName", g.GroupName);
            WriteDate(w, "LastUpdated", data.Today.AddDays(-30));
            w.WriteNumber("LastUpdatedLoginID", 1234567);
            w.WriteBoolean("SubscriptionGroup", true);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    private string GetMessageList(JsonElement body)
    {
        var from = Date(body, "SendStartDate", "yyyy-MM-dd", required: false) ?? DateTimeOffset.MinValue;
        var to = Date(body, "SendEndDate", "yyyy-MM-dd", required: false) ?? DateTimeOffset.MaxValue;
        return Write(w =>
        {
            w.WriteStartArray();
            foreach (var m in data.Mailings.Where(m => m.SentAt >= from && m.SentAt < to))
            {
                w.WriteStartObject();
                WriteDate(w, "DateCreated", m.DateCreated);
                w.WriteStartArray("GroupsMessageIsSentTo");
                foreach (var g in m.GroupIds)
                {
                    w.WriteNumberValue(g);
                }

                w.WriteEndArray();
                WriteDate(w, "LastSent", m.SentAt);
                w.WriteNumber("LoginID", 1234567);
                w.WriteNumber("MessageID", m.MessageId);
                w.WriteString("MessageName", m.Name);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    /// <summary>
    /// GetDetailedTracking: the WSDL's <c>TrackingDetails{totalRecords, page, recordsPerPage, RecipientDetails: [recp_track]}</c>,
    /// in the WSDL's names (the REST casing is not published), dates in WCF form, a "never" date as WCF's DateTime.MinValue.
    /// </summary>
    private string GetDetailedTracking(JsonElement body)
    {
        var messageId = Number(body, "MessageID");
        var page = (int)Number(body, "Page");
        var perPage = (int)Number(body, "RecordsPerPage");
        if (page < 1 || perPage is < 1 or > 2000)
        {
            throw new BadRequest("Page must be >= 1 and RecordsPerPage 1..2000");
        }

        var reportType = body.TryGetProperty("ReportType", out var rt) && rt.ValueKind == JsonValueKind.String ? rt.GetString()! : null;
        if (reportType is null || !ReportTypes.Contains(reportType))
        {
            throw new BadRequest("ReportType must be one of " + string.Join(", ", ReportTypes.Order(StringComparer.Ordinal)));
        }

        var from = Date(body, "FromDate", "MM/dd/yyyy", required: true)!.Value;
        var to = Date(body, "ToDate", "MM/dd/yyyy", required: true)!.Value;
        bool In(DateTimeOffset d) => d >= from && d < to;
        var rows = reportType switch
        {
            "email_delivered" => data.Sends.Where(a => a.IsDelivery).Select(a => Track.Email(a, opened: false)),
            "email_bounced" => data.Sends.Where(a => a.IsBounce).Select(a => Track.Email(a, opened: false)),
            "email_sent" => data.Sends.Select(a => Track.Email(a, opened: false)),
            "email_opened" => data.Opens.Select(a => Track.Email(a, opened: true)),
            "fax_all" => data.Faxes.Select(Track.Fax),
            "fax_sent" or "fax_delivered" => data.Faxes.Where(f => f.Status == "Delivered").Select(Track.Fax),
            "fax_failed" => data.Faxes.Where(f => f.Status == "Failed").Select(Track.Fax),
            _ => [],
        };
        var list = rows.Where(t => t.MessageId == messageId && In(t.Date)).OrderBy(t => t.Date).ThenBy(t => t.RecipientId).ToList();
        return Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("totalRecords", list.Count);
            w.WriteNumber("page", page);
            w.WriteNumber("recordsPerPage", perPage);
            w.WriteStartArray("RecipientDetails");
            foreach (var t in list.Skip((page - 1) * perPage).Take(perPage))
            {
                w.WriteStartObject();
                w.WritePropertyName("recipient");
                WriteRecipient(w, data.Recipient(t.RecipientId));
                WriteDate(w, "ResultDate", t.ResultDate);
                if (t.Remarks is null)
                {
                    w.WriteNull("remarks");
                }
                else
                {
                    w.WriteString("remarks", t.Remarks);
                }

                w.WriteString("Status", t.Status);
                WriteDate(w, "OpenDate", t.OpenDate);
                w.WriteNumber("MMId", t.RecipientId ^ messageId);
                w.WriteString("faxStatus", t.FaxStatus);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>GetUnsubscribes: a list of the WSDL's recp_unsubscribe (the adapter's assumption for the REST shape).</summary>
    private string GetUnsubscribes(JsonElement body)
    {
        var from = Date(body, "FromDate", "MM/dd/yyyy", required: true)!.Value;
        var to = Date(body, "ToDate", "MM/dd/yyyy", required: true)!.Value;
        return Write(w => WriteUnsubscribes(w, data.Unsubscribes.Where(u => u.Date >= from && u.Date < to)));
    }

    /// <summary>GetSuppressedRecipients: a list of the WSDL's Recipient with suppressed and suppressed_date (the adapter's assumption).</summary>
    private string GetSuppressedRecipients(JsonElement body)
    {
        var from = Date(body, "FromDate", "MM/dd/yyyy", required: true)!.Value;
        var to = Date(body, "ToDate", "MM/dd/yyyy", required: true)!.Value;
        return Write(w =>
        {
            w.WriteStartArray();
            foreach (var s in data.Suppressions.Where(s => s.Date >= from && s.Date < to).OrderBy(s => s.Date))
            {
                WriteRecipient(w, data.Recipient(s.RecipientId), suppressedAt: s.Date);
            }

            w.WriteEndArray();
        });
    }

    private void WriteUnsubscribes(Utf8JsonWriter w, IEnumerable<SandboxUnsubscribe> rows)
    {
        w.WriteStartArray();
        foreach (var u in rows.OrderBy(u => u.Date))
        {
            w.WriteStartObject();
            w.WritePropertyName("recipient");
            WriteRecipient(w, data.Recipient(u.RecipientId));
            WriteDate(w, "ResultDate", u.Date);
            w.WriteString("message_name", u.MessageName);
            w.WriteString("group_name", u.GroupName);
            w.WriteNumber("message_CategoryId", 0);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>The WSDL's Recipient (the fields the adapter may read, and a few it does not).</summary>
    private static void WriteRecipient(Utf8JsonWriter w, SandboxIndividual r, DateTimeOffset? suppressedAt = null)
    {
        w.WriteStartObject();
        w.WriteString("id", r.RecipientId.ToString(CultureInfo.InvariantCulture));
        w.WriteString("email", r.Email);
        w.WriteString("first_name", r.Email.Split('.')[0]);
        w.WriteNull("last_name");
        if (r.Fax is null)
        {
            w.WriteNull("fax");
        }
        else
        {
            w.WriteString("fax", r.Fax);
        }

        if (r.IndividualId is null)
        {
            w.WriteNull("Custom_Id");
        }
        else
        {
            w.WriteString("Custom_Id", r.IndividualId);
        }

        w.WriteBoolean("unsubscribed", false);
        w.WriteBoolean("suppressed", suppressedAt is not null);
        if (suppressedAt is { } at)
        {
            WriteDate(w, "suppressed_date", at);
        }
        else
        {
            w.WriteNull("suppressed_date");
        }

        w.WriteEndObject();
    }

    private sealed record Track(
        int MessageId, long RecipientId, DateTimeOffset Date, DateTimeOffset ResultDate, DateTimeOffset OpenDate, string Status,
        string FaxStatus, string? Remarks)
    {
        public static Track Email(SandboxActivity a, bool opened) => new(
            a.MessageId, a.RecipientId, a.Date, a.Date, opened ? a.Date : DateTimeOffset.MinValue, a.Status, "Inprogress",
            a.IsBounce ? "550 5.1.1 mailbox unavailable" : null);

        public static Track Fax(SandboxFax f) =>
            new(f.MessageId, f.RecipientId, f.Date, f.Date, DateTimeOffset.MinValue, "Inprogress", f.Status, null);
    }

    /// <summary>
    /// The SOAP service: only <c>getSpamComplaints</c>, with its SOAPAction and a valid <c>mmAuthHeader</c>; an answer as ASMX
    /// gives it (<c>getSpamComplaintsResponse/getSpamComplaintsResult/recp_unsubscribe</c>), a SOAP fault with 500 otherwise.
    /// </summary>
    private ResponseMessage HandleSoap(IRequestMessage request)
    {
        var (_, failure, _) = faults.Take("getSpamComplaints");
        if (failure is { } f)
        {
            // As ASMX answers: a failure on the server's side is a Server fault, a request it refuses a Client fault.
            return Xml(f.Status, SoapFault("Sandbox fault", f.Status is >= 500 or 408 or 429 ? "soap:Server" : "soap:Client"));
        }

        var action = request.Headers?.FirstOrDefault(h => string.Equals(h.Key, "SOAPAction", StringComparison.OrdinalIgnoreCase)).Value?
            .FirstOrDefault()?.Trim('"');
        if (action != "http://www.magnetmail.net/getSpamComplaints")
        {
            return Xml(500, SoapFault($"Server did not recognize the value of HTTP Header SOAPAction: {action}."));
        }

        System.Xml.Linq.XDocument doc;
        try
        {
            doc = System.Xml.Linq.XDocument.Parse(request.Body ?? string.Empty);
        }
        catch (System.Xml.XmlException)
        {
            return Xml(400, SoapFault("The request is not XML."));
        }

        System.Xml.Linq.XNamespace mm = "http://www.magnetmail.net/";
        var header = doc.Descendants(mm + "mmAuthHeader").FirstOrDefault();
        var session = header?.Element(mm + "sessionId")?.Value;
        if (session is null || !sessions.ContainsKey(session) || header!.Element(mm + "user_id")?.Value != "SANDBOX")
        {
            return Xml(500, SoapFault("Invalid session: mmAuthHeader is missing or does not hold a valid sessionId and user_id."));
        }

        var call = doc.Descendants(mm + "getSpamComplaints").FirstOrDefault();
        if (call is null || !DateTimeOffset.TryParse(call.Element(mm + "fromDate")?.Value, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var from)
            || !DateTimeOffset.TryParse(call.Element(mm + "toDate")?.Value, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var to))
        {
            return Xml(500, SoapFault("getSpamComplaints needs fromDate and toDate."));
        }

        var results = new System.Xml.Linq.XElement(mm + "getSpamComplaintsResult",
            data.SpamComplaints.Where(u => u.Date >= from && u.Date < to).OrderBy(u => u.Date).Select(u =>
            {
                var r = data.Recipient(u.RecipientId);
                return new System.Xml.Linq.XElement(mm + "recp_unsubscribe",
                    new System.Xml.Linq.XElement(mm + "recipient",
                        new System.Xml.Linq.XElement(mm + "id", r.RecipientId.ToString(CultureInfo.InvariantCulture)),
                        new System.Xml.Linq.XElement(mm + "email", r.Email),
                        new System.Xml.Linq.XElement(mm + "Custom_Id", r.IndividualId ?? string.Empty)),
                    new System.Xml.Linq.XElement(mm + "ResultDate", u.Date.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)),
                    new System.Xml.Linq.XElement(mm + "message_name", u.MessageName),
                    new System.Xml.Linq.XElement(mm + "group_name", u.GroupName),
                    new System.Xml.Linq.XElement(mm + "message_CategoryId", 0));
            }));
        return Xml(200, Envelope(new System.Xml.Linq.XElement(mm + "getSpamComplaintsResponse", results)));
    }

    private static string Envelope(System.Xml.Linq.XElement content)
    {
        System.Xml.Linq.XNamespace soap = "http://schemas.xmlsoap.org/soap/envelope/";
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>" + new System.Xml.Linq.XElement(soap + "Envelope",
            new System.Xml.Linq.XAttribute(System.Xml.Linq.XNamespace.Xmlns + "soap", soap),
            new System.Xml.Linq.XElement(soap + "Body", content)).ToString(System.Xml.Linq.SaveOptions.DisableFormatting);
    }

    private static string SoapFault(string message, string code = "soap:Client")
    {
        System.Xml.Linq.XNamespace soap = "http://schemas.xmlsoap.org/soap/envelope/";
        return Envelope(new System.Xml.Linq.XElement(soap + "Fault",
            new System.Xml.Linq.XElement("faultcode", code),
            new System.Xml.Linq.XElement("faultstring", message)));
    }

    private static ResponseMessage Xml(int status, string xml)
    {
        var response = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData { DetectedBodyType = BodyType.String, BodyAsString = xml, Encoding = Encoding.UTF8 },
        };
        response.AddHeader("Content-Type", "text/xml; charset=utf-8");
        return response;
    }

    private string ExecuteReport(JsonElement body)
    {
        if (Number(body, "ReportId") != 2)
        {
            throw new BadRequest("The sandbox only serves ReportId 2");
        }

        long? messageId = null;
        if (body.TryGetProperty("Parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Array)
        {
            foreach (var p in parameters.EnumerateArray())
            {
                if (p.TryGetProperty("Key", out var k) && string.Equals(k.GetString(), "@MessageId", StringComparison.OrdinalIgnoreCase)
                    && p.TryGetProperty("Value", out var v)
                    && long.TryParse(v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText(), CultureInfo.InvariantCulture, out var id))
                {
                    messageId = id;
                }
            }
        }

        if (messageId is null)
        {
            throw new BadRequest("Parameter @MessageId is required");
        }

        string[] browsers = ["Chrome", "Safari", "Outlook", "Edge", "Firefox"];
        var rows = data.Clicks.Where(c => c.MessageId == messageId)
            .GroupBy(c => (c.RecipientId, c.Link.Url))
            .OrderBy(g => g.Key.RecipientId).ThenBy(g => g.Key.Url, StringComparer.Ordinal);
        return Write(w =>
        {
            w.WriteStartArray();
            foreach (var g in rows)
            {
                var recipient = data.Recipient(g.Key.RecipientId);
                w.WriteStartObject();
                w.WriteNumber("RecipientId", recipient.RecipientId);
                w.WriteString("Email", recipient.Email);
                if (recipient.IndividualId is null)
                {
                    w.WriteNull("CustomId");
                }
                else
                {
                    w.WriteString("CustomId", recipient.IndividualId);
                }

                w.WriteString("URL", g.Key.Url);
                w.WriteNumber("GrossClicks", g.Count());
                w.WriteNumber("NetClicks", 1);
                w.WriteString("Browser", browsers[(int)(recipient.RecipientId % browsers.Length)]);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    private string GetMessageLinkTracking(JsonElement body)
    {
        var messageId = Number(body, "MessageID");
        var pageNo = (int)Number(body, "PageNo");
        var pageSize = (int)Number(body, "PageSize");
        if (pageNo < 1 || pageSize is < 1 or > 2000)
        {
            throw new BadRequest("PageNo must be >= 1 and PageSize 1..2000");
        }

        var from = Date(body, "StartDate", "yyyy-MM-dd", required: true)!.Value;
        var to = Date(body, "EndDate", "yyyy-MM-dd", required: true)!.Value;
        var url = body.TryGetProperty("LinkURL", out var u) ? u.GetString() : null;
        var rows = data.Clicks
            .Where(c => c.MessageId == messageId && c.Date >= from && c.Date < to
                        && (string.IsNullOrEmpty(url) || string.Equals(c.Link.Url, url, StringComparison.Ordinal)))
            .OrderBy(c => c.Date).ThenBy(c => c.RecipientId)
            .Skip((pageNo - 1) * pageSize).Take(pageSize);
        return Write(w =>
        {
            w.WriteStartArray();
            foreach (var c in rows)
            {
                w.WriteStartObject();
                WriteDate(w, "Date", c.Date);
                w.WriteString("LinkLabel", c.Link.Label);
                w.WriteString("LinkText", c.Link.Text);
                w.WriteString("LinkURL", c.Link.Url);
                w.WriteNumber("MessageID", c.MessageId);
                w.WriteNumber("RecipientID", c.RecipientId);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    /// <summary>
    /// UpsertRecipient: UpsertType <c>add</c> or <c>update</c> (anything else is refused); RecipientDetails needs an Email, and
    /// <c>update</c> its <c>ID</c> (else a SaveResult with Error 1); an add finds the recipient by CustomMemberID, then Email, or
    /// gives a new id. Answers a SaveResult with the id as <c>ID</c> and in AdditionalParams.
    /// </summary>
    private string UpsertRecipient(JsonElement body)
    {
        if (!body.TryGetProperty("RecipientDetails", out var details) || details.ValueKind != JsonValueKind.Object)
        {
            throw new BadRequest("RecipientDetails is required");
        }

        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        var custom = new Dictionary<int, string?>();
        foreach (var p in details.EnumerateObject())
        {
            if (p.Name == "CustomFields" && p.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var f in p.Value.EnumerateArray())
                {
                    custom[f.GetProperty("Key").GetInt32()] = f.GetProperty("Value").GetString();
                }
            }
            else
            {
                fields[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText();
            }
        }

        var upsertType = body.TryGetProperty("UpsertType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (upsertType is not ("add" or "update"))
        {
            throw new BadRequest("UpsertType must be add or update");
        }

        var email = fields.GetValueOrDefault("Email");
        if (string.IsNullOrWhiteSpace(email) || !email.Contains('@', StringComparison.Ordinal))
        {
            return SaveResult(null, 1, "EMAIL_REQUIRED");
        }

        long? givenId = long.TryParse(fields.GetValueOrDefault("ID"), CultureInfo.InvariantCulture, out var parsedId) ? parsedId : null;
        if (upsertType == "update" && givenId is null)
        {
            return SaveResult(null, 1, "ID_REQUIRED");
        }

        var customId = fields.GetValueOrDefault("CustomMemberID");
        long id;
        lock (recipientLock)
        {
            id = givenId ?? FindRecipient(customId, email) ?? nextRecipientId++;
            if (!string.IsNullOrEmpty(customId))
            {
                upsertedByKey["c|" + customId] = id;
            }

            upsertedByKey["e|" + email] = id;
        }

        upserts.Enqueue(new RealMagnetReceivedUpsert(fields, custom, upsertType, id));
        return SaveResult(id, 0, "Recipient saved successfully");
    }

    /// <summary>SearchRecipient by CustomID or Email: a bare array of the matching recipients (the adapter's assumption).</summary>
    private string SearchRecipient(JsonElement body)
    {
        var customId = body.TryGetProperty("CustomID", out var c) ? c.GetString() : null;
        var email = body.TryGetProperty("Email", out var e) ? e.GetString() : null;
        if (string.IsNullOrEmpty(customId) && string.IsNullOrEmpty(email))
        {
            throw new BadRequest("CustomID or Email is required");
        }

        long? id;
        lock (recipientLock)
        {
            id = FindRecipient(customId, email);
        }

        return Write(w =>
        {
            w.WriteStartArray();
            if (id is { } found)
            {
                w.WriteStartObject();
                w.WriteNumber("ID", found);
                w.WriteString("CustomID", customId);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    /// <summary>UnsubscribeRecipient {ID, IsAll, CategoryID | Group}: APIResult Status 1, or Status 0 for an unknown recipient.</summary>
    private string UnsubscribeRecipient(JsonElement body)
    {
        var id = Number(body, "ID");
        if (!body.TryGetProperty("IsAll", out var all) || all.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw new BadRequest("IsAll is required");
        }

        int? category = body.TryGetProperty("CategoryID", out _) ? (int)Number(body, "CategoryID") : null;
        int? group = body.TryGetProperty("Group", out _) ? (int)Number(body, "Group") : null;
        if (category is null && group is null && !all.GetBoolean())
        {
            throw new BadRequest("CategoryID or Group is required");
        }

        bool known;
        lock (recipientLock)
        {
            known = upsertedByKey.ContainsValue(id) || data.Individuals.Any(i => i.RecipientId == id);
        }

        if (!known)
        {
            return "{\"Message\":\"RECIPIENT_NOT_FOUND\",\"Status\":0}";
        }

        unsubscribes.Enqueue(new RealMagnetReceivedUnsubscribe(id, all.GetBoolean(), category, group));
        return "{\"Message\":\"Recipient unsubscribed\",\"Status\":1}";
    }

    private long? FindRecipient(string? customId, string? email)
    {
        if (!string.IsNullOrEmpty(customId))
        {
            if (upsertedByKey.TryGetValue("c|" + customId, out var upserted))
            {
                return upserted;
            }

            if (data.Individuals.FirstOrDefault(i => i.IndividualId == customId) is { } generated)
            {
                return generated.RecipientId;
            }
        }

        if (!string.IsNullOrEmpty(email))
        {
            if (upsertedByKey.TryGetValue("e|" + email, out var upserted))
            {
                return upserted;
            }

            if (data.Individuals.FirstOrDefault(i => string.Equals(i.Email, email, StringComparison.OrdinalIgnoreCase)) is { } generated)
            {
                return generated.RecipientId;
            }
        }

        return null;
    }

    /// <summary>The SaveResult of AddRecipient with the id also as <c>ID</c>, which public clients read from UpsertRecipient.</summary>
    private static string SaveResult(long? id, int error, string message) => JsonSerializer.Serialize(new
    {
        ID = id ?? 0,
        AdditionalParams = id?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
        Error = error,
        ErrorObject = new { ErrorCode = error == 0 ? string.Empty : message, ErrorDetails = string.Empty, ErrorID = error, ErrorMessage = error == 0 ? string.Empty : message, ErrorType = string.Empty },
        Message = message,
    });

    /// <summary>Writes <c>"\/Date(ms-0500)\/"</c> exactly as WCF does (escaped slashes), which Utf8JsonWriter would not.</summary>
    private static void WriteDate(Utf8JsonWriter writer, string name, DateTimeOffset value)
    {
        writer.WritePropertyName(name);
        var sign = ServerOffset < TimeSpan.Zero ? '-' : '+';
        var offset = ServerOffset.Duration();
        writer.WriteRawValue(string.Create(CultureInfo.InvariantCulture,
            $"\"\\/Date({value.ToUnixTimeMilliseconds()}{sign}{offset.Hours:00}{offset.Minutes:00})\\/\""), skipInputValidation: true);
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static ResponseMessage Json(int status, string json)
    {
        var response = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData
            {
                DetectedBodyType = BodyType.String,
                BodyAsString = json,
                Encoding = Encoding.UTF8,
            },
        };
        response.AddHeader("Content-Type", "application/json; charset=utf-8");
        return response;
    }

    private static long Number(JsonElement body, string name)
    {
        if (body.TryGetProperty(name, out var value))
        {
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n))
            {
                return n;
            }

            if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), CultureInfo.InvariantCulture, out n))
            {
                return n;
            }
        }

        throw new BadRequest($"{name} must be a whole number");
    }

    /// <summary>A date-only parameter as 00:00 UTC; also accepts yyyy-MM-ddTHH:mm:ss (read as UTC).</summary>
    private static DateTimeOffset? Date(JsonElement body, string name, string format, bool required)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(value.GetString()))
        {
            return required ? throw new BadRequest($"{name} is required") : null;
        }

        string[] formats = [format, "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"];
        return DateTimeOffset.TryParseExact(value.GetString(), formats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            ? date
            : throw new BadRequest($"{name} must be {format}");
    }

    private sealed class BadRequest(string message) : Exception(message);
}
