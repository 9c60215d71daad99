using System.Globalization;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using EmailIntegration.Domain.Events;

namespace EmailIntegration.Vendors.RealMagnet;

/// <summary>What one Real Magnet send status means for the product.</summary>
/// <param name="Kind">The event, or null when the vendor has no result yet (no row is made; a later window brings it).</param>
internal readonly record struct RealMagnetStatusEffect(TrackingEventKind? Kind, BounceSeverity? Bounce = null, bool UserUnknown = false);

/// <summary>
/// The vendor's record types, read case-insensitively (the REST adapter's JSON casing is not published; the names are the
/// SOAP WSDL's, https://hlma-apie1.magnetmail.net/mmapi.asmx?WSDL, a copy in public repository MemberJunction/MJ at
/// packages/Integration/connectors-registry/magnetmail/scripts/wsdl.xml):
/// <list type="bullet">
/// <item><c>recp_track{recipient: Recipient{id, email, fax, Custom_Id, …}, ResultDate, remarks, Status, OpenDate, MMId, faxStatus}</c>
/// inside <c>TrackingDetails{totalRecords, page, recordsPerPage, RecipientDetails: [recp_track]}</c> (GetDetailedTracking);</item>
/// <item><c>recp_unsubscribe{recipient, ResultDate, message_name, group_name, message_CategoryId}</c> (getUnsubscribes,
/// getSpamComplaints);</item>
/// <item><c>Recipient{id, email, Custom_Id, suppressed, suppressed_date, …}</c> (GetSuppressedRecipients: an assumption, see
/// docs/vendors.md).</item>
/// </list>
/// </summary>
internal static class RealMagnetRecords
{
    /// <summary>The mailing id of rows that name no message by id (unsubscribes, complaints, suppressions).</summary>
    public const string NoMailing = "none";

    public const string SoapNamespace = "http://www.magnetmail.net/";

    private static readonly string[] RecipientObject = ["recipient"];
    private static readonly string[] Id = ["id", "RecipientID", "RecipientId"];
    private static readonly string[] Email = ["email", "EmailAddress"];
    private static readonly string[] Fax = ["fax"];
    private static readonly string[] ResultDate = ["ResultDate"];
    private static readonly string[] OpenDate = ["OpenDate"];
    private static readonly string[] Status = ["Status"];
    private static readonly string[] FaxStatus = ["faxStatus"];
    private static readonly string[] Remarks = ["remarks"];
    private static readonly string[] MessageName = ["message_name", "MessageName"];
    private static readonly string[] GroupName = ["group_name", "GroupName"];
    private static readonly string[] Suppressed = ["suppressed", "EmailSendSuppress"];
    private static readonly string[] SuppressedDate = ["suppressed_date", "SuppressedDate"];

    /// <summary>
    /// Every value of the WSDL's <c>EmailStatus</c>, mapped on purpose. Only <c>UNF</c> ("user not found") says the address does
    /// not exist; the other abbreviations are not spelled out by the vendor, so they are read by their usual meaning and none
    /// of them alone marks an address invalid (docs/vendors.md, "Status codes").
    /// </summary>
    public static readonly IReadOnlyDictionary<string, RealMagnetStatusEffect> EmailStatuses =
        new Dictionary<string, RealMagnetStatusEffect>(StringComparer.OrdinalIgnoreCase)
        {
            ["Inprogress"] = new(null),
            ["Delivered"] = new(TrackingEventKind.Delivered),
            ["SB"] = new(TrackingEventKind.Bounced, BounceSeverity.Soft),
            ["HB"] = new(TrackingEventKind.Bounced, BounceSeverity.Hard),
            ["UNF"] = new(TrackingEventKind.Bounced, BounceSeverity.Hard, UserUnknown: true),
            ["TU"] = new(TrackingEventKind.Bounced, BounceSeverity.Soft),
            ["MF"] = new(TrackingEventKind.Bounced, BounceSeverity.Soft),
            ["BD"] = new(TrackingEventKind.Bounced, BounceSeverity.Hard),
            ["Failed"] = new(TrackingEventKind.Bounced, BounceSeverity.Hard),
        };

    /// <summary>The WSDL's <c>FaxStatus</c>: a delivered or failed fax is a fax row with that status; in progress is no row yet.</summary>
    public static readonly IReadOnlyDictionary<string, RealMagnetStatusEffect> FaxStatuses =
        new Dictionary<string, RealMagnetStatusEffect>(StringComparer.OrdinalIgnoreCase)
        {
            ["Inprogress"] = new(null),
            ["Delivered"] = new(TrackingEventKind.FaxSent),
            ["Failed"] = new(TrackingEventKind.FaxSent),
        };

    /// <summary>The values of one record, before the directory look-ups.</summary>
    public sealed record Row(TrackingEventKind Kind, string MailingId, string RecipientId, DateTimeOffset OccurredAt)
    {
        public string? IndividualId { get; init; }

        public string? Status { get; init; }

        public BounceSeverity? Bounce { get; init; }

        public bool UserUnknown { get; init; }

        public string? Reason { get; init; }

        public string? EmailHash { get; init; }

        public string? FaxNumber { get; init; }

        public string? EmailGroup { get; init; }

        public string? MailingName { get; init; }
    }

    /// <summary>One <c>recp_track</c> of a detailed-tracking report → a row, null (no result yet), or a reason it is bad.</summary>
    public static Row? TrackRow(JsonElement record, RealMagnetReport report, string messageId, out string? reject)
    {
        reject = null;
        if (record.ValueKind != JsonValueKind.Object)
        {
            reject = $"expected a JSON object, found {record.ValueKind}";
            return null;
        }

        if (!TryRecipient(record, out var recipient, out var recipientId, out reject))
        {
            return null;
        }

        var customId = RealMagnetJson.GetText(recipient, RealMagnetJson.CustomId);
        if (report == RealMagnetReport.Opened)
        {
            // One row per open, at its OpenDate, whatever the send status says.
            return TryDate(record, OpenDate, out var openedAt, out reject)
                ? new Row(TrackingEventKind.Opened, messageId, recipientId, openedAt) { IndividualId = customId }
                : null;
        }

        var isFax = report == RealMagnetReport.Fax;
        var statusNames = isFax ? FaxStatus : Status;
        var code = RealMagnetJson.GetText(record, statusNames);
        if (code is null)
        {
            reject = $"missing {statusNames[0]}";
            return null;
        }

        if (!(isFax ? FaxStatuses : EmailStatuses).TryGetValue(code, out var effect))
        {
            reject = $"unknown {statusNames[0]} '{Clip(code)}'";
            return null;
        }

        if (effect.Kind is not { } kind)
        {
            return null;
        }

        if (!TryDate(record, ResultDate, out var at, out reject))
        {
            return null;
        }

        string? fax = null;
        if (isFax && (fax = RealMagnetJson.GetText(recipient, Fax)) is null)
        {
            reject = "missing recipient fax";
            return null;
        }

        return new Row(kind, messageId, recipientId, at)
        {
            IndividualId = customId,
            Status = code,
            Bounce = effect.Bounce,
            UserUnknown = effect.UserUnknown,
            Reason = kind == TrackingEventKind.Bounced ? RealMagnetJson.GetText(record, Remarks) : null,
            // The address's fingerprint travels only where it is used: the profile's address health, from bounces.
            EmailHash = kind == TrackingEventKind.Bounced ? EmailHash.Of(RealMagnetJson.GetText(recipient, Email)) : null,
            FaxNumber = fax,
        };
    }

    /// <summary>One <c>recp_unsubscribe</c> from GetUnsubscribes → an unsubscribe from its e-mail group.</summary>
    public static Row? UnsubscribeRow(JsonElement record, out string? reject)
    {
        reject = null;
        if (record.ValueKind != JsonValueKind.Object)
        {
            reject = $"expected a JSON object, found {record.ValueKind}";
            return null;
        }

        if (!TryRecipient(record, out var recipient, out var recipientId, out reject) || !TryDate(record, ResultDate, out var at, out reject))
        {
            return null;
        }

        return new Row(TrackingEventKind.Unsubscribed, NoMailing, recipientId, at)
        {
            IndividualId = RealMagnetJson.GetText(recipient, RealMagnetJson.CustomId),
            EmailGroup = RealMagnetJson.GetText(record, GroupName),
            MailingName = RealMagnetJson.GetText(record, MessageName),
        };
    }

    /// <summary>One suppressed recipient → the address is suppressed (e-mail invalid); a row saying it is not suppressed is none.</summary>
    public static Row? SuppressedRow(JsonElement record, out string? reject)
    {
        reject = null;
        if (record.ValueKind != JsonValueKind.Object)
        {
            reject = $"expected a JSON object, found {record.ValueKind}";
            return null;
        }

        // The row may be the recipient itself or hold it.
        var recipient = RealMagnetJson.TryGet(record, RecipientObject, out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : record;
        if (!TryId(recipient, out var recipientId, out reject))
        {
            return null;
        }

        if (RealMagnetJson.TryGet(record, Suppressed, out var flag) && flag.ValueKind == JsonValueKind.False)
        {
            return null;
        }

        if (!TryDate(record, SuppressedDate, out var at, out reject))
        {
            return null;
        }

        return new Row(TrackingEventKind.Suppressed, NoMailing, recipientId, at)
        {
            IndividualId = RealMagnetJson.GetText(recipient, RealMagnetJson.CustomId),
            EmailHash = EmailHash.Of(RealMagnetJson.GetText(recipient, Email)),
        };
    }

    /// <summary>
    /// The <c>recp_unsubscribe</c> elements of a SOAP <c>getSpamComplaintsResponse</c>, each a complaint row or a reason it is
    /// bad. Throws <see cref="EmailIntegration.Pipeline.FanOut.UnreadableFileException"/> when the envelope is not that response.
    /// </summary>
    public static IEnumerable<(int Index, Row? Row, string? Reject)> SpamComplaintRows(Stream content)
    {
        XDocument doc;
        try
        {
            doc = XDocument.Load(XmlReader.Create(content, SafeXml), LoadOptions.None);
        }
        catch (XmlException ex)
        {
            throw new EmailIntegration.Pipeline.FanOut.UnreadableFileException(
                $"The SOAP answer is not readable XML (line {ex.LineNumber}, position {ex.LinePosition}).", ex);
        }

        XNamespace mm = SoapNamespace;
        var result = doc.Descendants(mm + "getSpamComplaintsResponse").FirstOrDefault()
                     ?? throw new EmailIntegration.Pipeline.FanOut.UnreadableFileException(
                         doc.Descendants().Any(e => e.Name.LocalName == "Fault")
                             ? "The SOAP answer is a fault, not getSpamComplaintsResponse."
                             : "The SOAP answer holds no getSpamComplaintsResponse.");
        var index = 0;
        foreach (var element in result.Descendants(mm + "recp_unsubscribe"))
        {
            yield return SpamRow(index++, element, mm);
        }
    }

    /// <summary>DTDs refused and sizes capped: the answer comes from outside.</summary>
    internal static readonly XmlReaderSettings SafeXml = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = 256L * 1024 * 1024,
        MaxCharactersFromEntities = 0,
    };

    private static (int, Row?, string?) SpamRow(int index, XElement element, XNamespace mm)
    {
        var recipient = element.Element(mm + "recipient");
        var id = recipient?.Element(mm + "id")?.Value.Trim();
        if (string.IsNullOrEmpty(id) || !long.TryParse(id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var recipientId))
        {
            return (index, null, "missing recipient id");
        }

        var date = element.Element(mm + "ResultDate")?.Value.Trim();
        if (string.IsNullOrEmpty(date) || !TryXmlDate(date, out var at))
        {
            return (index, null, "missing or bad ResultDate");
        }

        return (index, new Row(TrackingEventKind.SpamComplaint, NoMailing, recipientId.ToString(CultureInfo.InvariantCulture), at)
        {
            IndividualId = Blank(recipient!.Element(mm + "Custom_Id")?.Value),
            MailingName = Blank(element.Element(mm + "message_name")?.Value),
            EmailGroup = Blank(element.Element(mm + "group_name")?.Value),
        }, null);
    }

    /// <summary>
    /// An <c>xs:dateTime</c>. One without a zone is read as UTC: the SOAP service's zone is not published (an assumption,
    /// docs/vendors.md); the vendor's "never" (<c>0001-01-01T00:00:00</c>) is no date.
    /// </summary>
    internal static bool TryXmlDate(string text, out DateTimeOffset value)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value)
            && value.Year > 1)
        {
            return true;
        }

        value = default;
        return false;
    }

    private static bool TryRecipient(JsonElement record, out JsonElement recipient, out string recipientId, out string? reject)
    {
        recipientId = string.Empty;
        if (!RealMagnetJson.TryGet(record, RecipientObject, out recipient) || recipient.ValueKind != JsonValueKind.Object)
        {
            reject = "missing recipient";
            return false;
        }

        return TryId(recipient, out recipientId, out reject);
    }

    private static bool TryId(JsonElement recipient, out string recipientId, out string? reject)
    {
        recipientId = string.Empty;
        if (!RealMagnetJson.TryGet(recipient, Id, out var idValue))
        {
            reject = "missing recipient id";
            return false;
        }

        if (!RealMagnetJson.TryGetInt64(idValue, out var id))
        {
            reject = "recipient id is not a whole number";
            return false;
        }

        recipientId = id.ToString(CultureInfo.InvariantCulture);
        reject = null;
        return true;
    }

    /// <summary>A WCF or ISO date; the WCF form of <c>DateTime.MinValue</c> (a "never" in a non-nullable field) is missing.</summary>
    private static bool TryDate(JsonElement record, string[] names, out DateTimeOffset value, out string? reject)
    {
        value = default;
        if (!RealMagnetJson.TryGet(record, names, out var date))
        {
            reject = $"missing {names[0]}";
            return false;
        }

        if (!RealMagnetJson.TryParseDate(date, out value, out var error))
        {
            reject = $"bad {names[0]}: {error}";
            return false;
        }

        if (value.Year <= 1)
        {
            reject = $"missing {names[0]} (the vendor's empty date)";
            return false;
        }

        reject = null;
        return true;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Clip(string text) => text.Length > 32 ? text[..32] : text;
}
