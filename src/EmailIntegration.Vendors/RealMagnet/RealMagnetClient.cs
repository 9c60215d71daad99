using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using EmailIntegration.Pipeline.Fetch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.RealMagnet;

/// <summary>
/// Typed HttpClient for the Real Magnet REST ApiAdapter. Every operation is <c>POST {BaseUrl}/{Operation}/</c> with a
/// JSON body and <c>Accept: application/json</c>; every call after Authenticate carries SessionID and UserID in the
/// body. Each call returns the raw response bytes, never re-serialized, so the fetch can land them unchanged.
/// </summary>
/// <remarks>
/// Sources (vendor-published):
/// <list type="bullet">
/// <item>REST overview and authentication, Higher Logic: https://support.higherlogic.com/hc/en-us/articles/360032691632-REST-API
/// ("HTTP requests to the REST API are protected with HTTP Basic authentication"; Authenticate returns LoginID, SessionID, UserID).
/// Help page https://dna.magnetmail.net/ApiAdapter/Rest/help/operations/Authenticate (not retrieved: the
/// <c>{"UserName","Password"}</c> body is what independent public clients send, so we send it AND Basic auth).</item>
/// <item>GetMessageList: https://dna.magnetmail.net/ApiAdapter/Rest/help/operations/GetMessageList</item>
/// <item>GetGroups: https://dna.magnetmail.net/ApiAdapter/Rest/help/operations/GetGroups</item>
/// <item>GetDetailedTracking: https://dna.magnetmail.net/ApiAdapter/Rest/help/operations/GetDetailedTracking; report names and
/// the TrackingDetails/recp_track response types from the MagnetMail SOAP WSDL (https://hlma-apie1.magnetmail.net/mmapi.asmx?WSDL,
/// a copy in public repository MemberJunction/MJ at packages/Integration/connectors-registry/magnetmail/scripts/wsdl.xml); the
/// REST request fields and the MM/dd/yyyy dates from a public client.</item>
/// <item>GetUnsubscribes, GetSuppressedRecipients: listed in the REST help index (reproduced in public client code); request
/// shapes are assumptions (docs/vendors.md).</item>
/// <item>getSpamComplaints: SOAP only (the same WSDL), with the <c>mmAuthHeader{sessionId, user_id}</c> header.</item>
/// <item>ExecuteReport (BETA): https://dna.magnetmail.net/ApiAdapter/Rest/help/operations/ExecuteReport and
/// https://support.higherlogic.com/hc/en-us/articles/360033048331-ExecuteReport-</item>
/// <item>GetMessageLinkTracking: https://dna.magnetmail.net/ApiAdapter/Rest/help/operations/GetMessageLinkTracking and
/// https://support.higherlogic.com/hc/en-us/articles/360032691552-GetMessageLinkTracking-</item>
/// </list>
/// Date-only request parameters: which time zone the vendor reads them in, and whether an end date is inclusive, is not
/// documented. We pass the window's [start, end) boundaries as dates; see <see cref="RealMagnetTrackingSource"/>.
/// Retries (429/5xx honouring Retry-After), attempt and total timeouts are the resilience handler's, added by
/// <see cref="VendorRegistration.AddVendorHttpClient"/>.
/// </remarks>
public sealed class RealMagnetClient(HttpClient http, IOptions<RealMagnetOptions> options, ILogger<RealMagnetClient> logger)
{
    public const string Vendor = "realmagnet";

    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    /// <summary>
    /// <c>Authenticate</c>: HTTP Basic plus body <c>{"UserName","Password"}</c> → <c>{LoginID, SessionID, UserID}</c>.
    /// </summary>
    /// <exception cref="VendorFetchException">Refused (401/403) or no SessionID in the answer.</exception>
    public async Task<RealMagnetSession> AuthenticateAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        byte[] body;
        try
        {
            body = await PostAsync("Authenticate", new { UserName = o.UserName, Password = o.Password }, cancellationToken);
        }
        catch (VendorFetchException ex) when (ex.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new VendorFetchException(Vendor, "authentication was refused", kind: VendorFailureKind.Permanent, statusCode: ex.StatusCode);
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var sessionId = root.ValueKind == JsonValueKind.Object ? GetString(root, "SessionID") : null;
            if (string.IsNullOrWhiteSpace(sessionId))
            {
                throw new VendorFetchException(Vendor, "authentication was refused", kind: VendorFailureKind.Permanent);
            }

            var userId = GetString(root, "UserID") ?? string.Empty;
            long? loginId = long.TryParse(GetString(root, "LoginID"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var login)
                ? login
                : null;
            return new RealMagnetSession(sessionId, userId, loginId);
        }
        catch (JsonException)
        {
            // No body text in the message: it is the vendor's answer to our credentials.
            throw new VendorFetchException(Vendor, "Authenticate returned a response that is not JSON");
        }
    }

    /// <summary><c>GetGroups</c> with DisplayStatus 2 and SubscriptionGroup 2 (both = all) → <c>[{GroupID, GroupName, ...}]</c>.</summary>
    public Task<byte[]> GetGroupsAsync(RealMagnetSession session, CancellationToken cancellationToken) =>
        PostAsync("GetGroups", new { session.SessionID, session.UserID, DisplayStatus = 2, SubscriptionGroup = 2 }, cancellationToken);

    /// <summary>
    /// <c>GetMessageList</c> of messages sent in [sendStart, sendEnd] (dates as yyyy-MM-dd) →
    /// <c>[{DateCreated, GroupsMessageIsSentTo, LastSent, LoginID, MessageID, MessageName}]</c>.
    /// </summary>
    public Task<byte[]> GetMessageListAsync(
        RealMagnetSession session, DateOnly sendStart, DateOnly sendEnd, CancellationToken cancellationToken) =>
        PostAsync("GetMessageList", new
        {
            session.SessionID,
            session.UserID,
            SendStartDate = Iso(sendStart),
            SendEndDate = Iso(sendEnd),
        }, cancellationToken);

    /// <summary>
    /// <c>GetDetailedTracking</c>: one page (1-based) of one report (the vendor's <c>tracking_report_type</c>, e.g.
    /// <c>email_delivered</c>) of a message between the dates (MM/dd/yyyy) →
    /// <c>TrackingDetails{totalRecords, page, recordsPerPage, RecipientDetails: [recp_track]}</c>.
    /// </summary>
    public Task<byte[]> GetDetailedTrackingAsync(
        RealMagnetSession session, long messageId, string reportType, int page, int recordsPerPage,
        DateOnly fromDate, DateOnly toDate, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(recordsPerPage, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(recordsPerPage, RealMagnetOptions.MaxPageSize);
        return PostAsync("GetDetailedTracking", new
        {
            session.SessionID,
            session.UserID,
            MessageID = messageId,
            Page = page,
            RecordsPerPage = recordsPerPage,
            ReportType = reportType,
            FromDate = Us(fromDate),
            ToDate = Us(toDate),
        }, cancellationToken);
    }

    /// <summary>
    /// <c>GetUnsubscribes</c> for the window's dates (MM/dd/yyyy) → the account's unsubscribes, each a <c>recp_unsubscribe</c>
    /// with its <c>group_name</c>. The REST help index lists the operation; its request shape is not published: the body mirrors
    /// the WSDL's <c>getUnsubscribes(fromDate, toDate)</c> with GetDetailedTracking's REST names (an assumption).
    /// </summary>
    public Task<byte[]> GetUnsubscribesAsync(RealMagnetSession session, DateOnly fromDate, DateOnly toDate, CancellationToken cancellationToken) =>
        PostAsync("GetUnsubscribes", new { session.SessionID, session.UserID, FromDate = Us(fromDate), ToDate = Us(toDate) }, cancellationToken);

    /// <summary>
    /// <c>GetSuppressedRecipients</c> for the window's dates → recipients whose e-mail is suppressed (WSDL <c>Recipient</c> with
    /// <c>suppressed</c>, <c>suppressed_date</c>). Request and response shapes are assumptions (docs/vendors.md).
    /// </summary>
    public Task<byte[]> GetSuppressedRecipientsAsync(RealMagnetSession session, DateOnly fromDate, DateOnly toDate, CancellationToken cancellationToken) =>
        PostAsync("GetSuppressedRecipients", new { session.SessionID, session.UserID, FromDate = Us(fromDate), ToDate = Us(toDate) }, cancellationToken);

    /// <summary>
    /// SOAP <c>getSpamComplaints(user_id, fromDate, toDate)</c> at <see cref="RealMagnetOptions.SoapUrl"/>, header
    /// <c>mmAuthHeader{sessionId, user_id}</c>, SOAPAction <c>http://www.magnetmail.net/getSpamComplaints</c> →
    /// <c>getSpamComplaintsResult: [recp_unsubscribe]</c> (XML, landed as it came). The REST index has no spam operation. A SOAP
    /// fault is read as for every SOAP call (<see cref="VendorHttp.SendSoapAsync"/>): a Client fault is a refusal.
    /// </summary>
    public Task<byte[]> GetSpamComplaintsAsync(
        RealMagnetSession session, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var soapUrl = options.Value.SoapUrl ?? throw new VendorFetchException(Vendor, "Vendors:RealMagnet:SoapUrl is not set", kind: VendorFailureKind.Permanent);
        XNamespace soap = "http://schemas.xmlsoap.org/soap/envelope/";
        XNamespace mm = RealMagnetRecords.SoapNamespace;
        var envelope = new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement(soap + "Envelope", new XAttribute(XNamespace.Xmlns + "soap", soap),
                new XElement(soap + "Header",
                    new XElement(mm + "mmAuthHeader",
                        new XElement(mm + "sessionId", session.SessionID),
                        new XElement(mm + "user_id", session.UserID))),
                new XElement(soap + "Body",
                    new XElement(mm + "getSpamComplaints",
                        new XElement(mm + "user_id", session.UserID),
                        new XElement(mm + "fromDate", XmlDate(from)),
                        new XElement(mm + "toDate", XmlDate(to))))));
        using var buffer = new MemoryStream();
        using (var writer = System.Xml.XmlWriter.Create(buffer, new System.Xml.XmlWriterSettings { Encoding = new UTF8Encoding(false) }))
        {
            envelope.Save(writer);
        }

        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("text/xml") { CharSet = "utf-8" };
        var request = new HttpRequestMessage(HttpMethod.Post, soapUrl) { Content = content };
        request.Headers.Add("SOAPAction", "\"" + SoapAction("getSpamComplaints") + "\"");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/xml"));
        return SendAsync("getSpamComplaints", request, soap: true, cancellationToken);
    }

    /// <summary>An ASMX service's SOAPAction: its target namespace and the operation (WSDL soap:operation).</summary>
    public static string SoapAction(string operation) => RealMagnetRecords.SoapNamespace + operation;

    /// <summary>
    /// <c>ExecuteReport</c> (BETA) report 2 for a message →
    /// <c>[{RecipientId, Email, CustomId, URL, GrossClicks, NetClicks, Browser}]</c>: who clicked which link, with the
    /// Custom Member ID (the AMS id) that link tracking rows lack.
    /// </summary>
    public Task<byte[]> ExecuteLinkReportAsync(RealMagnetSession session, long messageId, CancellationToken cancellationToken) =>
        PostAsync("ExecuteReport", new
        {
            session.SessionID,
            session.UserID,
            ReportId = 2,
            Parameters = new[] { new { Key = "@MessageId", Value = messageId.ToString(CultureInfo.InvariantCulture) } },
        }, cancellationToken);

    /// <summary>
    /// <c>GetMessageLinkTracking</c>: one page (1-based) of clicks on one link of a message between the dates (yyyy-MM-dd)
    /// → bare array <c>[{Date, LinkLabel, LinkText, LinkURL, MessageID, RecipientID}]</c>.
    /// </summary>
    public Task<byte[]> GetMessageLinkTrackingAsync(
        RealMagnetSession session, long messageId, string linkUrl, DateOnly startDate, DateOnly endDate,
        int pageNo, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageNo, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, RealMagnetOptions.MaxPageSize);
        return PostAsync("GetMessageLinkTracking", new
        {
            session.SessionID,
            session.UserID,
            StartDate = Iso(startDate),
            EndDate = Iso(endDate),
            LinkURL = linkUrl,
            MessageID = messageId,
            PageNo = pageNo,
            PageSize = pageSize,
        }, cancellationToken);
    }

    /// <summary>
    /// <c>UpsertRecipient</c>: adds or updates one recipient by the account's unique identifier (Email or Custom ID) →
    /// SaveResult <c>{AdditionalParams, Error, ErrorObject, Message}</c>.
    /// </summary>
    /// <remarks>
    /// Request shape verbatim from https://dna.magnetmail.net/ApiAdapter/Rest/help/operations/UpsertRecipient and
    /// https://support.higherlogic.com/hc/en-us/articles/360032691712-UpsertRecipient- : <c>{SessionID, UserID,
    /// RecipientDetails: {Email, FirstName, LastName, CustomMemberID, CustomFields: [{Key, Value}], ...},
    /// UpdateWithNullifNotPassed, UpsertType, ValidateEmail}</c>. We send <c>UpdateWithNullifNotPassed = false</c> so fields
    /// we do not map are left alone. <paramref name="upsertType"/> is one of <see cref="RealMagnetUpsertTypes"/>. The response: public
    /// clients read <c>ID</c>; AddRecipient's SaveResult carries the id in <c>AdditionalParams</c>; both are read.
    /// </remarks>
    /// <param name="recipientDetails">The <c>RecipientDetails</c> object: vendor field name → value (strings, or the CustomFields list).</param>
    /// <exception cref="VendorFetchException">HTTP failure (typed: <see cref="VendorFetchException.StatusCode"/>, <see cref="VendorFetchException.Kind"/>), or a response that is not JSON.</exception>
    public async Task<RealMagnetSaveResult> UpsertRecipientAsync(
        RealMagnetSession session, IReadOnlyDictionary<string, object?> recipientDetails, string upsertType, bool validateEmail,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(recipientDetails);
        var body = await PostAsync("UpsertRecipient", new
        {
            session.SessionID,
            session.UserID,
            RecipientDetails = recipientDetails,
            UpdateWithNullifNotPassed = false,
            UpsertType = upsertType,
            ValidateEmail = validateEmail,
        }, cancellationToken);
        var root = ParseObject("UpsertRecipient", body);
        var error = root.TryGetProperty("Error", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var code) ? code : 0;
        // Public clients read "ID" from UpsertRecipient's answer; AddRecipient's SaveResult has it in AdditionalParams.
        var recipientId = FirstId(root, "ID", "AdditionalParams", "RecipientID");
        return new RealMagnetSaveResult(error == 0, recipientId, error == 0 ? null : error.ToString("0", CultureInfo.InvariantCulture),
            Mask(GetString(root, "Message")));
    }

    /// <summary>
    /// <c>UnsubscribeRecipient</c> <c>{SessionID, UserID, ID, IsAll, CategoryID?, Group?}</c>: unsubscribes one recipient from a
    /// category or group (IsAll false), per https://support.higherlogic.com/hc/en-us/articles/360033048431-UnsubscribeRecipient- .
    /// UNVERIFIED: the response is taken to be APIResult <c>{Message, Status}</c> with Status 1 = done (as SubscribeRecipient).
    /// </summary>
    /// <exception cref="VendorFetchException">HTTP failure (typed: <see cref="VendorFetchException.StatusCode"/>, <see cref="VendorFetchException.Kind"/>), or a response that is not JSON.</exception>
    public async Task<RealMagnetApiResult> UnsubscribeRecipientAsync(
        RealMagnetSession session, long recipientId, int? categoryId, int? groupId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (categoryId is null && groupId is null)
        {
            throw new ArgumentException("UnsubscribeRecipient needs a CategoryID or a Group.", nameof(categoryId));
        }

        var request = new Dictionary<string, object?>
        {
            ["SessionID"] = session.SessionID,
            ["UserID"] = session.UserID,
            ["ID"] = recipientId,
            ["IsAll"] = false,
        };
        if (categoryId is { } category)
        {
            request["CategoryID"] = category;
        }

        if (groupId is { } group)
        {
            request["Group"] = group;
        }

        var body = await PostAsync("UnsubscribeRecipient", request, cancellationToken);
        if (body.Length == 0)
        {
            return new RealMagnetApiResult(true, null, null);
        }

        var root = ParseObject("UnsubscribeRecipient", body);
        int? status = root.TryGetProperty("Status", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out var n) ? n : null;
        return new RealMagnetApiResult(status is null or 1, status, Mask(GetString(root, "Message")));
    }

    /// <summary>
    /// <c>SearchRecipient</c> by Custom ID (the AMS id) → the Real Magnet recipient id, or null when there is none
    /// (https://support.higherlogic.com/hc/en-us/articles/360032691652-SearchRecipient-). UNVERIFIED: the response shape; an
    /// array of recipients, or an object holding one (<c>Recipients</c>/<c>Records</c>/<c>Results</c>), each with
    /// <c>ID</c>/<c>RecipientID</c>, is accepted.
    /// </summary>
    public async Task<long?> SearchRecipientByCustomIdAsync(RealMagnetSession session, string customId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrWhiteSpace(customId);
        var body = await PostAsync("SearchRecipient", new { session.SessionID, session.UserID, CustomID = customId, PageSize = 10, PageNo = 1 }, cancellationToken);
        try
        {
            using var doc = JsonDocument.Parse(body);
            var list = doc.RootElement;
            if (list.ValueKind == JsonValueKind.Object)
            {
                foreach (var name in new[] { "Recipients", "Records", "Results" })
                {
                    if (list.TryGetProperty(name, out var inner) && inner.ValueKind == JsonValueKind.Array)
                    {
                        list = inner;
                        break;
                    }
                }
            }

            var candidates = list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToList() : [list];
            return candidates.Where(c => c.ValueKind == JsonValueKind.Object).Select(c => FirstId(c, "ID", "RecipientID", "RecipientId"))
                .FirstOrDefault(id => id is not null);
        }
        catch (JsonException)
        {
            throw new VendorFetchException(Vendor, "SearchRecipient returned a response that is not JSON");
        }
    }

    private Task<byte[]> PostAsync<TBody>(string operation, TBody body, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var request = new HttpRequestMessage(HttpMethod.Post, operation + "/");
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body));
        content.Headers.ContentType = JsonMediaType;
        request.Content = content;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        // "HTTP requests to the REST API are protected with HTTP Basic authentication" (HL 360032691632): on every call.
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.UserName}:{o.Password}")));
        return SendAsync(operation, request, soap: false, cancellationToken);
    }

    /// <summary>One call through the vendors' send-and-classify (<see cref="VendorHttp"/>); the request is disposed after.</summary>
    private async Task<byte[]> SendAsync(string operation, HttpRequestMessage request, bool soap, CancellationToken cancellationToken)
    {
        using var owned = request;
        var o = options.Value;
        return soap
            ? await VendorHttp.SendSoapAsync(http, request, Vendor, operation, [o.Password, o.UserName], logger, cancellationToken)
            : await VendorHttp.SendForBytesAsync(http, request, Vendor, operation, logger, cancellationToken);
    }

    private static JsonElement ParseObject(string operation, byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                ? doc.RootElement.Clone()
                : throw new VendorFetchException(Vendor, $"{operation} returned JSON that is not an object");
        }
        catch (JsonException)
        {
            throw new VendorFetchException(Vendor, $"{operation} returned a response that is not JSON");
        }
    }

    private static long? FirstId(JsonElement obj, params string[] names)
    {
        foreach (var name in names)
        {
            if (long.TryParse(GetString(obj, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                return id;
            }
        }

        return null;
    }

    /// <summary>A vendor message may echo the address it refused: anything with an '@' is masked.</summary>
    private static string? Mask(string? text) =>
        text is null ? null : System.Text.RegularExpressions.Regex.Replace(text, @"\S*@\S*", "***");

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Us(DateOnly date) => date.ToString("MM/dd/yyyy", CultureInfo.InvariantCulture);

    /// <summary>An <c>xs:dateTime</c> in UTC with its zone, so the service cannot read it in another.</summary>
    private static string XmlDate(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string? GetString(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;
}

/// <summary>
/// UpsertRecipient's <c>UpsertType</c> values as public clients send them (FMASites/higher-logic-api, src/RealMagnet.php):
/// <c>add</c> for a new recipient, <c>update</c> with <c>RecipientDetails.ID</c> for a known one.
/// </summary>
public static class RealMagnetUpsertTypes
{
    public const string Add = "add";
    public const string Update = "update";
}

/// <summary>What Authenticate returned; its ToString hides the session token.</summary>
/// <remarks>Property names are the vendor's JSON field names, serialized as-is into request bodies.</remarks>
public sealed record RealMagnetSession(string SessionID, string UserID, long? LoginID)
{
    public override string ToString() => $"RealMagnetSession {{ UserID = {UserID}, LoginID = {LoginID} }}";
}

/// <summary>A SaveResult: <see cref="RecipientId"/> from AdditionalParams; <see cref="Message"/> with any address masked.</summary>
public sealed record RealMagnetSaveResult(bool Success, long? RecipientId, string? ErrorCode, string? Message);

/// <summary>An APIResult <c>{Message, Status}</c>; <see cref="Message"/> with any address masked.</summary>
public sealed record RealMagnetApiResult(bool Success, int? Status, string? Message);
