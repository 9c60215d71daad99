using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace EmailIntegration.VendorSandbox.Informz;

/// <summary>An Optout the sandbox received: the interests and each subscriber's e-mail and remote ID.</summary>
public sealed record InformzReceivedOptOut(IReadOnlyList<string> InterestNames, IReadOnlyList<(string Email, string? Id)> Subscribers);

/// <summary>Any other action the sandbox received (Subscribe), with its decoded action node.</summary>
public sealed record InformzReceivedAction(string Action, string Document);

/// <summary>
/// A local Informz AAPI (<c>POST {Url}</c> = <c>/aapi/InformzService.svc</c>, SOAP <c>PostInformzMessage(x)</c>) over
/// <see cref="InformzSandboxData"/>, on 127.0.0.1, for the local runner and tests. Answers GridRequests for
/// <c>mailing_instance</c>, <c>mailing_activity_subscriber_actions</c>, <c>subscriber</c> and <c>subscriber_interests</c>
/// (conditions EQ/NE/GT/GTE/LT/LTE ANDed, Count, SortField, StartRow (1-based)/NumberOfRows ≤ 1000) and the ActionRequests
/// Optout and Subscribe, in the shapes of the vendor's guide (see the adapter's <c>InformzDocuments</c>).
/// </summary>
/// <remarks>
/// <para>The sandbox is the contract: it answers only what the vendor documents and refuses what the vendor would refuse.
/// <list type="bullet">
/// <item>A SOAPAction other than the WSDL's (<see cref="SoapAction"/>) → HTTP 500 with the fault WCF sends for it, code
/// <c>a:ActionNotSupported</c> ("ContractFilter mismatch at the EndpointDispatcher"): the dispatcher picks the operation by
/// SOAPAction before any of the service's code runs.</item>
/// <item>A payload that is not framed as "Making the Call" documents (gzip, 4-byte little-endian length, base64, see
/// https://support.higherlogic.com/hc/en-us/articles/360044600992-Making-the-Call) → HTTP 500 with an <c>s:Client</c> fault. The
/// vendor's exact answer to an unframed body is not published; a SOAP fault is what a WCF service answers when the operation
/// throws, and Client (not Server) because the request is at fault.</item>
/// <item>Answers are framed the same way: the GridResponse's <c>&lt;Grids&gt;</c> and the ActionResponse's
/// <c>&lt;Responses&gt;</c> hold the frame, as public clients decode them.</item>
/// <item>In <c>mailing_activity_subscriber_actions</c>, <c>user_id</c> is "Informz user ID" (the subscriber's Informz id, see
/// https://support.higherlogic.com/hc/en-us/articles/360032692492-GridRequests-Subscriber-Mailing-Activity); in
/// <c>subscriber</c> and <c>subscriber_interests</c> it is the remote (AMS) id ("Unique remote ID", 360032692232).</item>
/// </list></para>
/// Wrong brand id, user or password → HTTP 500 with a SOAP <c>s:Client</c> fault (as a WCF service would answer a
/// FaultException). Activity of a mailing sent more than 100 days ago → a Client fault (the vendor's guide says such queries
/// return nothing and points to an archive grid; the sandbox makes the mistake loud). Condition dates are read as 00:00 UTC;
/// date-times are written in America/New_York local time without an offset, the adapter's default assumption.
/// Faults for tests: <see cref="FailNextRequests"/> and <see cref="CorruptNext"/>, keyed by grid type or action name.
/// </remarks>
public sealed class InformzSandbox : IDisposable
{
    public const string ServicePath = "/aapi/InformzService.svc";

    /// <summary>The SOAPAction of PostInformzMessage in the service's WSDL binding (contract IInformzWebServiceContract).</summary>
    public const string SoapAction = "http://partner.informz.net/aapi/2009/08/IInformzWebServiceContract/PostInformzMessage";

    private const string Ns = "http://partner.informz.net/aapi/2009/08/";
    private const string Soap = "http://schemas.xmlsoap.org/soap/envelope/";
    private static readonly XNamespace X = Ns;

    private readonly WireMockServer server;
    private readonly InformzSandboxData data;
    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private readonly SandboxFaults faults = new();
    private readonly ConcurrentQueue<InformzReceivedOptOut> optOuts = new();
    private readonly ConcurrentQueue<InformzReceivedAction> actions = new();
    private readonly ConcurrentQueue<string> gridRequests = new();
    private readonly ConcurrentDictionary<(string GridType, int StartRow), int> corruptPages = new();

    private InformzSandbox(InformzSandboxData data, int port)
    {
        this.data = data;
        server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{port}"],
            StartAdminInterface = false,
            MaxRequestLogCount = 50,
        });
        server
            .Given(Request.Create().UsingPost().WithPath(ServicePath))
            .RespondWith(Response.Create().WithCallback(Handle));
        Url = new Uri($"http://127.0.0.1:{port}{ServicePath}");
    }

    /// <summary>Starts on 127.0.0.1, on <paramref name="port"/> or a free port.</summary>
    public static InformzSandbox Start(InformzSandboxData data, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new InformzSandbox(data, port ?? FreePort());
    }

    /// <summary>The service endpoint (ends with <c>/aapi/InformzService.svc</c>): use it as the adapter's BaseUrl.</summary>
    public Uri Url { get; }

    public string BrandId { get; } = "4321";

    public string BrandName { get; } = "Sandbox Association";

    public string User { get; } = "sandbox-informz-user";

    /// <summary>Fixed, so a runner in another process can be configured without talking to this one.</summary>
    public string Password { get; } = "sandbox-Inf0rmz-P@ss";

    public InformzSandboxData Data => data;

    /// <summary>Every Optout received, in order: what was pushed.</summary>
    public IReadOnlyList<InformzReceivedOptOut> ReceivedOptOuts => optOuts.ToList();

    /// <summary>Every other action received (Subscribe), with its decoded action node.</summary>
    public IReadOnlyList<InformzReceivedAction> ReceivedActions => actions.ToList();

    /// <summary>The decoded Grid nodes of the GridRequests received.</summary>
    public IReadOnlyList<string> ReceivedGridRequests => gridRequests.ToList();

    /// <summary>
    /// Configuration that points the Informz adapter at this sandbox (keys under <paramref name="section"/>, default
    /// <c>Vendors:Informz</c>); add it with <c>ConfigurationBuilder.AddInMemoryCollection</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string?> AdapterSettings(int? pageSize = null, string section = "Vendors:Informz")
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [$"{section}:Enabled"] = "true",
            [$"{section}:BaseUrl"] = Url.AbsoluteUri,
            [$"{section}:BrandId"] = BrandId,
            [$"{section}:BrandName"] = BrandName,
            [$"{section}:User"] = User,
            [$"{section}:Password"] = Password,
        };
        if (pageSize is { } size)
        {
            settings[$"{section}:PageSize"] = size.ToString(CultureInfo.InvariantCulture);
        }

        return settings;
    }

    /// <summary>Requests received for a grid type (e.g. <c>subscriber</c>) or an action (e.g. <c>Optout</c>), faulted ones included.</summary>
    public int RequestsFor(string operation) => faults.RequestsFor(operation);

    public void ResetRequestCounts() => faults.ResetRequestCounts();

    /// <summary>The next <paramref name="count"/> requests of <paramref name="operation"/> answer <paramref name="statusCode"/>.</summary>
    public void FailNextRequests(string operation, int statusCode, int count = 1, TimeSpan? retryAfter = null) =>
        faults.FailNext(operation, statusCode, count, retryAfter);

    /// <summary>The next request of <paramref name="operation"/> answers 200 with the envelope cut in half.</summary>
    public void CorruptNext(string operation, int count = 1) => faults.CorruptNext(operation, count);

    /// <summary>
    /// The next page of <paramref name="gridType"/> asked for at <paramref name="startRow"/> (not its Count) answers 200 with the
    /// envelope cut in half: a bad page in the middle of a query.
    /// </summary>
    public void CorruptPage(string gridType, int startRow) =>
        corruptPages.AddOrUpdate((gridType.ToLowerInvariant(), startRow), 1, (_, n) => n + 1);

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

    private static XmlReaderSettings Safe => new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };

    private ResponseMessage Handle(IRequestMessage request)
    {
        // WCF dispatches on SOAPAction before the operation runs.
        var action = request.Headers is { } headers && headers.TryGetValue("SOAPAction", out var values) ? values.FirstOrDefault()?.Trim('"') : null;
        if (action != SoapAction)
        {
            return Fault(500, "ActionNotSupported",
                $"The message with Action '{action}' cannot be processed at the receiver, due to a ContractFilter mismatch at the "
                + "EndpointDispatcher. This may be because of either a contract mismatch (mismatched Actions between sender and receiver) "
                + "or a binding/security mismatch between the sender and the receiver.",
                "a", "http://schemas.microsoft.com/ws/2005/05/addressing/none");
        }

        XDocument document;
        try
        {
            using var envelopeReader = XmlReader.Create(new StringReader(request.Body ?? string.Empty), Safe);
            var envelope = XDocument.Load(envelopeReader);
            var x = envelope.Root?.Element(XName.Get("Body", Soap))?.Element(X + "PostInformzMessage")?.Element(X + "x")?.Value;
            if (x is null)
            {
                return Fault(400, "Client", "Expected a SOAP envelope carrying PostInformzMessage(x).");
            }

            using var documentReader = XmlReader.Create(new StringReader(x), Safe);
            document = XDocument.Load(documentReader);
        }
        catch (XmlException ex)
        {
            return Fault(400, "Client", "The message is not well-formed XML: " + ex.Message);
        }

        var root = document.Root!;
        var isGrid = root.Name == X + "GridRequest";
        if (!isGrid && root.Name != X + "ActionRequest")
        {
            return Fault(500, "Client", $"Unknown document <{root.Name.LocalName}>.");
        }

        // The payload travels framed; an unframed one is refused as the request's fault.
        XElement payload;
        try
        {
            payload = Unframe(root.Element(X + (isGrid ? "Grids" : "Actions")));
        }
        catch (BadRequest ex)
        {
            return Fault(500, "Client", ex.Message);
        }

        var actionNode = isGrid ? null : payload.Elements().FirstOrDefault();
        var operation = isGrid
            ? payload.Element(X + "Grid")?.Attribute("type")?.Value ?? "GridRequest"
            : actionNode?.Name.LocalName ?? "ActionRequest";
        var (_, failure, corruptNext) = faults.Take(operation);
        var corrupt = corruptNext;

        if (failure is { } f)
        {
            var response = f.Status == 500
                ? Fault(500, "Server", "The server was unable to process the request due to an internal error.")
                : Text(f.Status, $"Sandbox fault {f.Status}", "text/plain");
            if (f.RetryAfter is { } after)
            {
                response.AddHeader("Retry-After", ((int)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
            }

            return response;
        }

        // Credentials live in the document: Brand id attribute, User, Password. The fault never echoes them.
        var brandId = root.Element(X + "Brand")?.Attribute("id")?.Value;
        if (brandId != BrandId || root.Element(X + "User")?.Value != User || root.Element(X + "Password")?.Value != Password)
        {
            return Fault(500, "Client", $"Login failed for brand {(brandId == BrandId ? BrandId : "(unknown)")}.");
        }

        ResponseMessage result;
        try
        {
            string body;
            if (isGrid)
            {
                gridRequests.Enqueue(payload.ToString(SaveOptions.DisableFormatting));
                body = GridResponse(payload);
            }
            else
            {
                body = ActionResponse(actionNode ?? throw new BadRequest("No action in <Actions>."));
            }

            result = Envelope(body);
        }
        catch (BadRequest ex)
        {
            return Fault(500, "Client", ex.Message);
        }

        if (isGrid && payload.Element(X + "Grid") is { } asked
            && int.TryParse(asked.Element(X + "StartRow")?.Value, CultureInfo.InvariantCulture, out var askedRow)
            && corruptPages.TryGetValue((operation.ToLowerInvariant(), askedRow), out var left) && left > 0
            && corruptPages.TryUpdate((operation.ToLowerInvariant(), askedRow), left - 1, left))
        {
            corrupt = true;
        }

        if (corrupt && result.BodyData?.BodyAsString is { Length: > 2 } text)
        {
            result.BodyData.BodyAsString = text[..(text.Length / 2)];
        }

        return result;
    }

    private sealed record Condition(string Element, string Comparator, string Value);

    /// <summary>
    /// The nodes inside a framed <c>&lt;Grids&gt;</c> / <c>&lt;Actions&gt;</c>, under a synthetic parent. Decoded here without the
    /// adapter's code, so the adapter's framing is checked against an independent reading of "Making the Call": base64, then the
    /// 4-byte little-endian length of the original, then gzip of exactly that many UTF-8 bytes.
    /// </summary>
    private static XElement Unframe(XElement? holder)
    {
        if (holder is null)
        {
            throw new BadRequest("The document has no <Grids>/<Actions>.");
        }

        if (holder.HasElements || holder.Value.Trim().Length == 0)
        {
            throw new BadRequest(
                $"The <{holder.Name.LocalName}> payload is not a gzip-compressed, length-prefixed, base64-encoded string.");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(holder.Value.Trim());
        }
        catch (FormatException)
        {
            throw new BadRequest($"The <{holder.Name.LocalName}> payload is not base64.");
        }

        if (bytes.Length < 6 || bytes[4] != 0x1f || bytes[5] != 0x8b)
        {
            throw new BadRequest($"The <{holder.Name.LocalName}> payload does not hold a 4-byte length and a gzip stream.");
        }

        var length = bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24);
        using var original = new MemoryStream();
        try
        {
            using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(bytes, 4, bytes.Length - 4), System.IO.Compression.CompressionMode.Decompress);
            gzip.CopyTo(original);
        }
        catch (InvalidDataException)
        {
            throw new BadRequest($"The <{holder.Name.LocalName}> payload's gzip stream is corrupt.");
        }

        if (original.Length != length)
        {
            throw new BadRequest($"The <{holder.Name.LocalName}> payload's length prefix ({length}) is not its length ({original.Length}).");
        }

        var text = Encoding.UTF8.GetString(original.ToArray());
        try
        {
            using var reader = XmlReader.Create(new StringReader("<payload>" + text + "</payload>"), Safe);
            return XElement.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new BadRequest("The framed payload is not well-formed XML: " + ex.Message);
        }
    }

    /// <summary>The inverse of <see cref="Unframe"/>, for answers.</summary>
    private static string Frame(string payload)
    {
        var original = Encoding.UTF8.GetBytes(payload);
        using var buffer = new MemoryStream();
        buffer.Write([(byte)original.Length, (byte)(original.Length >> 8), (byte)(original.Length >> 16), (byte)(original.Length >> 24)]);
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(original);
        }

        return Convert.ToBase64String(buffer.ToArray());
    }

    private string GridResponse(XElement payload)
    {
        var grid = payload.Element(X + "Grid") ?? throw new BadRequest("No <Grid>.");
        var type = grid.Attribute("type")?.Value ?? throw new BadRequest("<Grid> has no type.");
        var conditions = grid.Element(X + "Conditions")?.Elements(X + "Condition")
            .Select(c => c.Element(X + "Single") ?? throw new BadRequest("Only <Single> conditions are served by the sandbox."))
            .Select(s => new Condition(
                s.Element(X + "DataElement")?.Value ?? throw new BadRequest("Condition without DataElement."),
                (s.Element(X + "Comparator")?.Value ?? "EQ").ToUpperInvariant(),
                s.Element(X + "DataValue")?.Value ?? throw new BadRequest("Condition without DataValue.")))
            .ToList() ?? [];
        var returnFields = grid.Element(X + "ReturnFields")?.Elements(X + "DataElement").Select(e => e.Value.Trim()).ToList() ?? [];
        if (returnFields.Count == 0)
        {
            throw new BadRequest("At least one return field is required in a GridRequest.");
        }

        var known = Columns(type);
        foreach (var c in conditions.Where(c => !known.Contains(c.Element, StringComparer.OrdinalIgnoreCase)))
        {
            throw new BadRequest($"'{c.Element}' is not a DataElement of {type}.");
        }

        var rows = Rows(type, conditions);
        foreach (var c in conditions)
        {
            rows = rows.Where(r => Matches(r, c)).ToList();
        }

        if (returnFields.Any(f => f.Equals("Count", StringComparison.OrdinalIgnoreCase)))
        {
            return Document(type, [(0, [("count", rows.Count.ToString(CultureInfo.InvariantCulture))])]);
        }

        foreach (var field in returnFields.Where(f => !known.Contains(f, StringComparer.OrdinalIgnoreCase)))
        {
            throw new BadRequest($"'{field}' is not a DataElement of {type}.");
        }

        if (grid.Element(X + "SortField") is { } sort)
        {
            var field = sort.Value.Trim();
            if (!known.Contains(field, StringComparer.OrdinalIgnoreCase))
            {
                throw new BadRequest($"Cannot sort on '{field}'.");
            }

            rows = sort.Attribute("order")?.Value == "desc"
                ? rows.OrderByDescending(r => r[field], ValueComparer.Instance).ToList()
                : rows.OrderBy(r => r[field], ValueComparer.Instance).ToList();
        }

        var startRow = int.TryParse(grid.Element(X + "StartRow")?.Value, CultureInfo.InvariantCulture, out var s0) ? s0 : 1;
        var numberOfRows = int.TryParse(grid.Element(X + "NumberOfRows")?.Value, CultureInfo.InvariantCulture, out var n0) ? n0 : 1000;
        if (startRow < 1 || numberOfRows is < 1 or > 1000)
        {
            throw new BadRequest("StartRow must be ≥ 1 and NumberOfRows 1..1000 (maximum of 1,000 rows in one request).");
        }

        var page = rows.Skip(startRow - 1).Take(numberOfRows)
            .Select((r, i) => (startRow + i, returnFields.Select(f => (f.ToLowerInvariant(), Format(r[f]))).ToList()))
            .ToList();
        return Document(type, page);
    }

    private static readonly Dictionary<string, string[]> ColumnsByGrid = new(StringComparer.OrdinalIgnoreCase)
    {
        ["mailing_instance"] = ["mailing_instance_id", "mailing_name", "mailing_date", "mailing_id"],
        ["mailing_activity_subscriber_actions"] = ["was_clicked", "was_delivered", "email", "mailing_instance_id", "was_opened", "user_id"],
        ["subscriber"] =
        [
            "subscriber_id", "email", "user_id", "remote_id", "bounce_date", "is_repeated_bouncer", "is_unsubscriber",
            "cancellation_date", "cancellation_message", "cancellation_mailing_instance_id", "modified_date",
        ],
        ["subscriber_interests"] =
        [
            "cancellation_date", "cancelled_id", "email", "interest_id", "interest_name", "subscriber_to_interest_id",
            "subscriber_id", "service_since_date", "user_id",
        ],
    };

    private static IReadOnlyCollection<string> Columns(string type) =>
        ColumnsByGrid.TryGetValue(type, out var columns) ? columns : throw new BadRequest($"Unknown grid type '{type}'.");

    private List<Dictionary<string, object?>> Rows(string type, List<Condition> conditions)
    {
        _ = Columns(type);
        static Dictionary<string, object?> Row(params (string, object?)[] values) =>
            values.ToDictionary(v => v.Item1, v => v.Item2, StringComparer.OrdinalIgnoreCase);

        switch (type.ToLowerInvariant())
        {
            case "mailing_instance":
                return data.Mailings.Select(m => Row(
                    ("mailing_instance_id", m.MailingInstanceId), ("mailing_name", m.Name), ("mailing_date", m.MailingDate),
                    ("mailing_id", m.MailingInstanceId / 10))).ToList();

            case "mailing_activity_subscriber_actions":
            {
                // "subscriber actions on mailings that were sent in the past 100 days".
                foreach (var c in conditions.Where(c => c.Element.Equals("mailing_instance_id", StringComparison.OrdinalIgnoreCase)
                                                        && c.Comparator == "EQ"))
                {
                    if (long.TryParse(c.Value, CultureInfo.InvariantCulture, out var id)
                        && data.Mailings.FirstOrDefault(m => m.MailingInstanceId == id) is { } m && m.MailingDate < data.ActivityLimit)
                    {
                        throw new BadRequest(
                            "mailing_activity_subscriber_actions only covers mailings sent in the past 100 days; use the Subscriber Archive request.");
                    }
                }

                var recent = data.Mailings.Where(m => m.MailingDate >= data.ActivityLimit).Select(m => m.MailingInstanceId).ToHashSet();
                return data.Activity.Where(a => recent.Contains(a.MailingInstanceId)).Select(a =>
                {
                    var s = data.Subscriber(a.SubscriberId);
                    return Row(("was_clicked", a.WasClicked), ("was_delivered", a.WasDelivered), ("email", s.Email),
                        ("mailing_instance_id", a.MailingInstanceId), ("was_opened", a.WasOpened), ("user_id", s.SubscriberId));
                }).ToList();
            }

            case "subscriber":
                return data.Subscribers.Select(s => Row(
                    ("subscriber_id", s.SubscriberId), ("email", s.Email), ("user_id", s.RemoteId), ("remote_id", s.RemoteId),
                    ("bounce_date", s.BounceDate), ("is_repeated_bouncer", s.IsRepeatedBouncer), ("is_unsubscriber", s.IsUnsubscriber),
                    ("cancellation_date", s.CancellationDate), ("cancellation_message", s.CancellationMessage),
                    ("cancellation_mailing_instance_id", s.CancellationMailingInstanceId), ("modified_date", s.ModifiedDate))).ToList();

            default:
            {
                // subscriber_interests: "Start and End Date ... must be within one week of one another".
                var from = conditions.Where(c => c.Element.Equals("cancellation_date", StringComparison.OrdinalIgnoreCase) && c.Comparator is "GTE" or "GT")
                    .Select(c => ParseDate(c.Value)).DefaultIfEmpty(DateTimeOffset.MinValue).Max();
                var to = conditions.Where(c => c.Element.Equals("cancellation_date", StringComparison.OrdinalIgnoreCase) && c.Comparator is "LT" or "LTE")
                    .Select(c => ParseDate(c.Value)).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
                var hasNarrowing = conditions.Any(c => c.Element is "email" or "interest_name");
                if (!hasNarrowing && (from == DateTimeOffset.MinValue || to == DateTimeOffset.MaxValue || to - from > TimeSpan.FromDays(7)))
                {
                    throw new BadRequest("Start and End Date must be within one week of one another.");
                }

                return data.InterestCancellations.Select(i =>
                {
                    var s = data.Subscriber(i.SubscriberId);
                    return Row(("cancellation_date", i.CancellationDate), ("cancelled_id", 1), ("email", s.Email),
                        ("interest_id", i.InterestId), ("interest_name", i.InterestName), ("subscriber_to_interest_id", i.SubscriberToInterestId),
                        ("subscriber_id", i.SubscriberId), ("service_since_date", i.ServiceSince), ("user_id", s.RemoteId));
                }).ToList();
            }
        }
    }

    private static bool Matches(Dictionary<string, object?> row, Condition c)
    {
        if (!row.TryGetValue(c.Element, out var value))
        {
            throw new BadRequest($"'{c.Element}' is not a DataElement of this grid.");
        }

        int? comparison = value switch
        {
            null => null,
            DateTimeOffset d => d.CompareTo(ParseDate(c.Value)),
            long l => long.TryParse(c.Value, CultureInfo.InvariantCulture, out var n) ? l.CompareTo(n) : throw new BadRequest($"'{c.Element}' takes a number."),
            int i => int.TryParse(c.Value, CultureInfo.InvariantCulture, out var n) ? i.CompareTo(n) : throw new BadRequest($"'{c.Element}' takes a number."),
            bool b => b.CompareTo(c.Value is "1" || c.Value.Equals("true", StringComparison.OrdinalIgnoreCase)),

            // "the comparison of string values in a grid request is not case sensitive".
            _ => string.Compare(value.ToString(), c.Value, StringComparison.OrdinalIgnoreCase),
        };
        return c.Comparator switch
        {
            "EQ" => comparison == 0,
            "NE" => comparison is not 0,
            "GT" => comparison > 0,
            "GTE" => comparison >= 0,
            "LT" => comparison < 0,
            "LTE" => comparison <= 0,
            _ => throw new BadRequest($"Unsupported comparator '{c.Comparator}'."),
        };
    }

    private static DateTimeOffset ParseDate(string value) =>
        DateTimeOffset.TryParseExact(value, ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            ? date
            : throw new BadRequest($"'{value}' is not a date (yyyy-MM-dd).");

    private string? Format(object? value) => value switch
    {
        null => null,
        DateTimeOffset d => TimeZoneInfo.ConvertTime(d, zone).DateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
        bool b => b ? "1" : "0",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>
    /// A GridResponse as the vendor's examples show it (utf-16 declaration, Brand and User echoed, Record row=…, Fields/Field
    /// element=…: Grid Request Overview 360033049251 and the Subscriber Persona example,
    /// http://knowledgebase.informz.net/help/subscriber-persona), with the Grid node framed in <c>&lt;Grids&gt;</c>.
    /// </summary>
    private string Document(string type, IEnumerable<(int Row, List<(string Element, string? Value)> Fields)> records)
    {
        var grid = new XElement(X + "Grid", new XAttribute("type", type),
            records.Select(r => new XElement(X + "Record", new XAttribute("row", r.Row),
                new XElement(X + "Fields", r.Fields.Select(f => new XElement(X + "Field", new XAttribute("element", f.Element), f.Value))))));
        var response = new XElement(X + "GridResponse",
            new XAttribute(XNamespace.Xmlns + "xsd", "http://www.w3.org/2001/XMLSchema"),
            new XAttribute(XNamespace.Xmlns + "xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            new XElement(X + "Brand", new XAttribute("id", BrandId), BrandName),
            new XElement(X + "User", User),
            new XElement(X + "Grids", Frame(grid.ToString(SaveOptions.DisableFormatting))));
        return "<?xml version=\"1.0\" encoding=\"utf-16\"?>\n" + response.ToString(SaveOptions.None);
    }

    private string ActionResponse(XElement action)
    {
        var name = action.Name.LocalName;
        int count;
        string message;
        switch (name)
        {
            case "Optout":
            {
                var interests = action.Element(X + "InterestNames")?.Elements(X + "InterestName").Select(e => e.Value).ToList() ?? [];
                if (interests.Count == 0)
                {
                    throw new BadRequest("The <InterestName> is required.");
                }

                if (interests.FirstOrDefault(i => !InformzSandboxData.InterestNames.Contains(i, StringComparer.OrdinalIgnoreCase)) is { } unknown)
                {
                    throw new BadRequest($"Interest '{unknown}' does not exist.");
                }

                var subscribers = action.Element(X + "Subscribers")?.Elements(X + "Subscriber")
                    .Select(s => (Email: s.Element(X + "Email")?.Value ?? string.Empty, Id: s.Element(X + "ID")?.Value)).ToList() ?? [];
                if (subscribers.Count(s => s.Email.Length > 0) == 0)
                {
                    throw new BadRequest("At least one <Email> is required.");
                }

                optOuts.Enqueue(new InformzReceivedOptOut(interests, subscribers));
                count = subscribers.Count;
                message = $"{count} email addresses processed.";
                break;
            }

            case "Subscribe":
                count = action.Descendants(X + "Subscriber").Count();
                if (count > 1000)
                {
                    throw new BadRequest("Subscribe takes up to 1,000 records.");
                }

                actions.Enqueue(new InformzReceivedAction(name, action.ToString(SaveOptions.DisableFormatting)));
                message = $"{count} subscribers processed.";
                break;

            default:
                throw new BadRequest($"The sandbox does not serve the action {name}.");
        }

        XNamespace xsi = "http://www.w3.org/2001/XMLSchema-instance";
        var result = new XElement(X + name,
            new XAttribute(XNamespace.Xmlns + "xsd", "http://www.w3.org/2001/XMLSchema"),
            new XAttribute(XNamespace.Xmlns + "xsi", xsi.NamespaceName),
            new XElement(X + "Count", count),
            new XElement(X + "ActionStatus",
                new XElement(X + "Status", "success"),
                new XElement(X + "Message", new XAttribute(xsi + "type", "xsd:string"), message)));
        var response = new XElement(X + "ActionResponse",
            new XAttribute(XNamespace.Xmlns + "xsd", "http://www.w3.org/2001/XMLSchema"),
            new XAttribute(XNamespace.Xmlns + "xsi", xsi.NamespaceName),
            new XElement(X + "Brand", new XAttribute("id", BrandId), BrandName),
            new XElement(X + "User", User),
            new XElement(X + "Responses", Frame(result.ToString(SaveOptions.DisableFormatting))));
        return "<?xml version=\"1.0\" encoding=\"utf-16\"?>\n" + response.ToString(SaveOptions.None);
    }

    private static ResponseMessage Envelope(string document)
    {
        var envelope = new XElement(XName.Get("Envelope", Soap), new XAttribute(XNamespace.Xmlns + "s", Soap),
            new XElement(XName.Get("Body", Soap),
                new XElement(X + "PostInformzMessageResponse",
                    new XElement(X + "PostInformzMessageResult", document))));
        return Text(200, envelope.ToString(SaveOptions.DisableFormatting), "text/xml; charset=utf-8");
    }

    private static ResponseMessage Fault(int status, string code, string text, string prefix = "s", string? codeNamespace = null)
    {
        var envelope = new XElement(XName.Get("Envelope", Soap), new XAttribute(XNamespace.Xmlns + "s", Soap),
            new XElement(XName.Get("Body", Soap),
                new XElement(XName.Get("Fault", Soap),
                    new XElement("faultcode", codeNamespace is null ? null : new XAttribute(XNamespace.Xmlns + prefix, codeNamespace), prefix + ":" + code),
                    new XElement("faultstring", new XAttribute(XNamespace.Xml + "lang", "en-US"), text))));
        return Text(status, envelope.ToString(SaveOptions.DisableFormatting), "text/xml; charset=utf-8");
    }

    private static ResponseMessage Text(int status, string text, string contentType)
    {
        var response = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData
            {
                DetectedBodyType = BodyType.String,
                BodyAsString = text,
                Encoding = Encoding.UTF8,
            },
        };
        response.AddHeader("Content-Type", contentType);
        return response;
    }

    private sealed class ValueComparer : IComparer<object?>
    {
        public static readonly ValueComparer Instance = new();

        public int Compare(object? x, object? y) => (x, y) switch
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            (string a, string b) => string.Compare(a, b, StringComparison.OrdinalIgnoreCase),
            (IComparable a, _) => a.CompareTo(y),
            _ => 0,
        };
    }

    private sealed class BadRequest(string message) : Exception(message);
}
