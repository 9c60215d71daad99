using System.Globalization;
using System.Text;
using System.Xml;

namespace EmailIntegration.Vendors.Informz;

/// <summary>One <c>&lt;Condition&gt;&lt;Single&gt;</c>: DataElement, DataValue, Comparator (EQ, NE, GT, GTE, LT, LTE).</summary>
public sealed record GridCondition(string DataElement, string Comparator, string DataValue)
{
    public static GridCondition Gte(string element, DateOnly date) => new(element, "GTE", Date(date));

    public static GridCondition Lt(string element, DateOnly date) => new(element, "LT", Date(date));

    public static GridCondition Eq(string element, string value) => new(element, "EQ", value);

    /// <summary>Dates as the guide's examples write them: <c>2009-09-01</c>.</summary>
    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>One grid query. Multiple conditions are ANDed ("The Conditions Collection accommodates multiple Condition criteria").</summary>
/// <param name="StartRow">Null with <paramref name="NumberOfRows"/> null: no paging nodes (e.g. a Count request).</param>
public sealed record GridQuery(
    string GridType,
    IReadOnlyList<GridCondition> Conditions,
    IReadOnlyList<string> ReturnFields,
    string? SortField = null,
    int? StartRow = null,
    int? NumberOfRows = null)
{
    /// <summary>The same conditions, returning only <c>Count</c> ("Requesting counts (in order to manage paging)").</summary>
    public GridQuery CountQuery() => this with { ReturnFields = ["Count"], SortField = null, StartRow = null, NumberOfRows = null };
}

/// <summary>A subscriber in an ActionRequest. <see cref="Id"/> is the remote (AMS) id. ToString hides the address.</summary>
public sealed record InformzSubscriber(string Email, string? Id = null, IReadOnlyDictionary<string, string?>? Fields = null)
{
    public override string ToString() => $"InformzSubscriber {{ Id = {Id}, Fields = {Fields?.Count ?? 0} }}";
}

/// <summary>Subscribe InterestAction choices (ActionRequests - Subscribe, Unsubscribe and Opt-Out).</summary>
public enum InformzInterestAction
{
    AddOrUpdateSubscribers,
    ReplaceAllSubscribers,
}

/// <summary>
/// The ActionResponse of an action: <c>&lt;Count&gt;</c>, <c>&lt;ActionStatus&gt;&lt;Status&gt;</c>/<c>&lt;Message&gt;</c> and, when the
/// vendor sends one, <c>&lt;UploadID&gt;</c>. Addresses in Message are masked.
/// </summary>
public sealed record InformzActionResult(string Action, bool Success, string? Status, int? Count, string? Message, string? UploadId);

/// <summary>
/// Builds the documents of the Informz AAPI exactly as the vendor's examples show them, and the SOAP envelope that carries
/// them to <c>PostInformzMessage</c>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Single method: "There is a single method in the Informz API. This is: PostInformzMessage (string). The input string
/// parameter should be a fully formed XML document." (http://informz.knowledgeowl.com/help/setup-api). The service is WCF SOAP;
/// the parameter is named <c>x</c> and the answer is the string <c>PostInformzMessageResult</c> (seen in a public client and
/// the WSDL https://partner.informz.net/aapi/InformzService.svc?WSDL — check the WSDL before going live).</item>
/// <item>GridRequest: Grid Request Overview https://support.higherlogic.com/hc/en-us/articles/360033049251-Grid-Request-Overview
/// and the usage pattern http://informz.knowledgeowl.com/help/grid-request-usage-pattern (Conditions/Condition/Single with
/// DataElement, DataValue, Comparator; ReturnFields/DataElement; Count). The header order Password, Brand, User is the one of
/// the GridRequests - Subscriber Mailing Activity examples.
/// <b>UNVERIFIED</b>: where StartRow, NumberOfRows and SortField sit inside Grid (the page showing them was cut off) and that
/// SortField holds the element name as text (<c>&lt;SortField order="asc"&gt;email&lt;/SortField&gt;</c>, as the overview table
/// writes it). We put them after ReturnFields; check against http://partner.informz.net/aapi/schema/InformzService.xsd.</item>
/// <item>ActionRequest header order Brand, User, Password as in the Unsubscribe examples; Subscriber children
/// "Email must be the first entry; ID must be the second entry; The &lt;ID&gt; tag must be in UPPERCASE" (Action Requests,
/// https://support.higherlogic.com/hc/en-us/articles/360032692072-Action-Requests). Optout:
/// https://support.higherlogic.com/hc/en-us/articles/360044601832-Optout ; Subscribe:
/// https://support.higherlogic.com/hc/en-us/articles/360032692392-ActionRequests-Subscribe-Unsubscribe-and-Opt-Out .</item>
/// <item>Every payload (the Grid node, the action node) travels framed: see <see cref="InformzFrame"/>.</item>
/// <item>"The document tags are case sensitive"; "the comparison of string values in a grid request is not case sensitive".</item>
/// </list>
/// </remarks>
public static class InformzDocuments
{
    private const string Ns = InformzXml.Namespace;

    /// <summary>Most records one synchronous Subscribe may carry ("up to 1,000 records").</summary>
    public const int MaxSubscribeRecords = 1000;

    /// <summary>
    /// The GridRequest document: credentials in plain, and in <c>&lt;Grids&gt;</c> the framed <see cref="GridPayload"/>
    /// (see <see cref="InformzFrame"/>).
    /// </summary>
    public static string GridRequest(InformzOptions options, GridQuery query)
    {
        ArgumentNullException.ThrowIfNull(options);
        var payload = InformzFrame.Encode(GridPayload(query));
        return Write(w =>
        {
            w.WriteStartElement("GridRequest", Ns);
            w.WriteElementString("Password", Ns, options.Password ?? string.Empty);
            WriteBrand(w, options);
            w.WriteElementString("User", Ns, options.User ?? string.Empty);
            w.WriteElementString("Grids", Ns, payload);
            w.WriteEndElement();
        });
    }

    /// <summary>
    /// The <c>&lt;Grid type="…" xmlns="…"&gt;</c> node that goes, framed, into <c>&lt;Grids&gt;</c> ("just the Grid node",
    /// with its namespace, as in "Making the Call").
    /// </summary>
    public static string GridPayload(GridQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.ReturnFields.Count == 0)
        {
            throw new ArgumentException("At least one return field is required in a GridRequest.", nameof(query));
        }

        return Write(w =>
        {
            w.WriteStartElement("Grid", Ns);
            w.WriteAttributeString("type", query.GridType);
            if (query.Conditions.Count > 0)
            {
                w.WriteStartElement("Conditions", Ns);
                foreach (var c in query.Conditions)
                {
                    w.WriteStartElement("Condition", Ns);
                    w.WriteStartElement("Single", Ns);
                    w.WriteElementString("DataElement", Ns, c.DataElement);
                    w.WriteElementString("DataValue", Ns, c.DataValue);
                    w.WriteElementString("Comparator", Ns, c.Comparator);
                    w.WriteEndElement();
                    w.WriteEndElement();
                }

                w.WriteEndElement();
            }

            w.WriteStartElement("ReturnFields", Ns);
            foreach (var field in query.ReturnFields)
            {
                w.WriteElementString("DataElement", Ns, field);
            }

            w.WriteEndElement();
            if (query.SortField is not null)
            {
                w.WriteStartElement("SortField", Ns);
                w.WriteAttributeString("order", "asc");
                w.WriteString(query.SortField);
                w.WriteEndElement();
            }

            if (query.StartRow is { } start)
            {
                w.WriteElementString("StartRow", Ns, start.ToString(CultureInfo.InvariantCulture));
            }

            if (query.NumberOfRows is { } rows)
            {
                w.WriteElementString("NumberOfRows", Ns, rows.ToString(CultureInfo.InvariantCulture));
            }

            w.WriteEndElement();
        });
    }

    /// <summary>
    /// Optout: removes subscribers from interests. "The &lt;InterestName&gt; is required"; "All &lt;InterestName&gt; values must exist in
    /// Informz"; "At least one &lt;Email&gt; is required"; unknown or malformed addresses are counted as processed.
    /// </summary>
    public static string OptOut(InformzOptions options, IReadOnlyCollection<string> interestNames, IReadOnlyCollection<InformzSubscriber> subscribers)
    {
        ArgumentNullException.ThrowIfNull(options);
        RequireInterests(interestNames);
        RequireSubscribers(subscribers, int.MaxValue);
        return Action(options, w =>
        {
            w.WriteStartElement("Optout", Ns);
            WriteInterestNames(w, interestNames);
            w.WriteStartElement("Subscribers", Ns);
            foreach (var s in subscribers)
            {
                w.WriteStartElement("Subscriber", Ns);
                WriteEmailAndId(w, s);
                w.WriteEndElement();
            }

            w.WriteEndElement();
            w.WriteEndElement();
        });
    }

    /// <summary>Subscribe (synchronous, ≤ 1,000 records): interests, InterestAction, FieldDefinitions and Subscribers.</summary>
    public static string Subscribe(
        InformzOptions options, IReadOnlyCollection<string> interestNames, InformzInterestAction action,
        IReadOnlyCollection<InformzSubscriber> subscribers)
    {
        ArgumentNullException.ThrowIfNull(options);
        RequireInterests(interestNames);
        RequireSubscribers(subscribers, MaxSubscribeRecords);
        var fieldNames = subscribers.SelectMany(s => s.Fields?.Keys ?? Enumerable.Empty<string>())
            .Distinct(StringComparer.Ordinal).ToList();
        return Action(options, w =>
        {
            w.WriteStartElement("Subscribe", Ns);
            w.WriteStartElement("InterestDetails", Ns);
            WriteInterestNames(w, interestNames);
            w.WriteElementString("InterestAction", Ns, action.ToString());
            w.WriteEndElement();
            w.WriteStartElement("SubscriberData", Ns);
            if (fieldNames.Count > 0)
            {
                w.WriteStartElement("FieldDefinitions", Ns);
                foreach (var name in fieldNames)
                {
                    w.WriteStartElement("FieldDefinition", Ns);
                    w.WriteElementString("Name", Ns, name);
                    w.WriteElementString("DataType", Ns, "String");
                    w.WriteEndElement();
                }

                w.WriteEndElement();
            }

            w.WriteStartElement("Subscribers", Ns);
            foreach (var s in subscribers)
            {
                w.WriteStartElement("Subscriber", Ns);
                WriteEmailAndId(w, s);
                if (s.Fields is { Count: > 0 })
                {
                    w.WriteStartElement("Fields", Ns);
                    foreach (var (name, value) in s.Fields)
                    {
                        w.WriteStartElement("Field", Ns);
                        w.WriteAttributeString("element", name);
                        w.WriteString(value ?? string.Empty);
                        w.WriteEndElement();
                    }

                    w.WriteEndElement();
                }

                w.WriteEndElement();
            }

            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();
        });
    }

    /// <summary>
    /// The SOAP 1.1 envelope of <c>PostInformzMessage(x)</c>: the document goes in <c>x</c> as escaped text.
    /// </summary>
    public static byte[] Envelope(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var stream = new MemoryStream();
        using (var w = XmlWriter.Create(stream, InformzXml.WriterSettings))
        {
            w.WriteStartElement("s", "Envelope", InformzXml.SoapNamespace);
            w.WriteStartElement("Body", InformzXml.SoapNamespace);
            w.WriteStartElement("PostInformzMessage", Ns);
            w.WriteElementString("x", Ns, document);
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();
        }

        return stream.ToArray();
    }

    /// <summary>An ActionRequest: credentials in plain, the action node framed in <c>&lt;Actions&gt;</c> (as public clients send
    /// Subscribe; see <see cref="InformzFrame"/>).</summary>
    private static string Action(InformzOptions options, Action<XmlWriter> writeAction)
    {
        var payload = InformzFrame.Encode(Write(writeAction));
        return Write(w =>
        {
            w.WriteStartElement("ActionRequest", Ns);
            WriteBrand(w, options);
            w.WriteElementString("User", Ns, options.User ?? string.Empty);
            w.WriteElementString("Password", Ns, options.Password ?? string.Empty);
            w.WriteElementString("Actions", Ns, payload);
            w.WriteEndElement();
        });
    }

    private static void WriteBrand(XmlWriter w, InformzOptions options)
    {
        w.WriteStartElement("Brand", Ns);
        w.WriteAttributeString("id", options.BrandId?.Trim() ?? "0");
        w.WriteString(options.BrandName ?? string.Empty);
        w.WriteEndElement();
    }

    private static void WriteInterestNames(XmlWriter w, IEnumerable<string> names)
    {
        w.WriteStartElement("InterestNames", Ns);
        foreach (var name in names)
        {
            w.WriteElementString("InterestName", Ns, name);
        }

        w.WriteEndElement();
    }

    private static void WriteEmailAndId(XmlWriter w, InformzSubscriber s)
    {
        // "Email must be the first entry; ID must be the second entry; The <ID> tag must be in UPPERCASE".
        w.WriteElementString("Email", Ns, s.Email.Trim());
        if (!string.IsNullOrWhiteSpace(s.Id))
        {
            w.WriteElementString("ID", Ns, s.Id.Trim());
        }
    }

    private static void RequireInterests(IReadOnlyCollection<string> interestNames)
    {
        ArgumentNullException.ThrowIfNull(interestNames);
        if (interestNames.Count == 0 || interestNames.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("At least one interest name is required, and none may be blank.", nameof(interestNames));
        }
    }

    private static void RequireSubscribers(IReadOnlyCollection<InformzSubscriber> subscribers, int max)
    {
        ArgumentNullException.ThrowIfNull(subscribers);

        // Messages never quote an address.
        if (subscribers.Count == 0 || subscribers.Any(s => s is null || string.IsNullOrWhiteSpace(s.Email)))
        {
            throw new ArgumentException("At least one subscriber is required, each with an e-mail address.", nameof(subscribers));
        }

        if (subscribers.Count > max)
        {
            throw new ArgumentException($"At most {max} subscribers per request; split larger pushes.", nameof(subscribers));
        }
    }

    private static string Write(Action<XmlWriter> write)
    {
        var builder = new StringBuilder();
        using (var w = XmlWriter.Create(builder, new XmlWriterSettings { OmitXmlDeclaration = true, Indent = false }))
        {
            write(w);
        }

        return builder.ToString();
    }
}
