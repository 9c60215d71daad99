using System.Globalization;
using System.Net;
using System.Xml;
using EmailIntegration.Pipeline.Fetch;

namespace EmailIntegration.Vendors.Soap;

/// <summary>
/// A SOAP Fault a vendor's service answered (SOAP 1.1 <c>faultcode</c>/<c>faultstring</c>, SOAP 1.2 <c>Code/Value</c> and
/// <c>Reason/Text</c>), the code without its prefix. The one fault reader of every SOAP call: the Informz AAPI and Real Magnet's
/// <c>getSpamComplaints</c>. A WCF or ASMX service answers a fault with HTTP 500 (SOAP 1.1 §6.2).
/// </summary>
public sealed record SoapFault(string? Code, string? Text)
{
    public const string Soap11Namespace = "http://schemas.xmlsoap.org/soap/envelope/";
    public const string Soap12Namespace = "http://www.w3.org/2003/05/soap-envelope";

    /// <summary>
    /// SOAP 1.1 "Client" / SOAP 1.2 "Sender": the request itself is wrong (credentials, syntax); retrying won't help. So is WCF's
    /// "ActionNotSupported" (a SOAPAction the service's contract does not have: "ContractFilter mismatch at the EndpointDispatcher").
    /// </summary>
    public bool IsSenderFault => Code is not null
        && (Code.Equals("Client", StringComparison.OrdinalIgnoreCase) || Code.Equals("Sender", StringComparison.OrdinalIgnoreCase)
            || Code.StartsWith("Client.", StringComparison.OrdinalIgnoreCase)
            || Code.Equals("ActionNotSupported", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The vendor's failure: a sender fault is the vendor refusing the request as sent (permanent), any other fault may pass
    /// (transient). The fault text is reported with <paramref name="secrets"/> and any e-mail address masked.
    /// </summary>
    public VendorFetchException ToFailure(string vendor, string operation, HttpStatusCode? status, params string?[] secrets)
    {
        var text = VendorText.Redact(Text, secrets);
        var what = IsSenderFault ? "was refused" : "failed";
        return new VendorFetchException(vendor,
            string.Create(CultureInfo.InvariantCulture,
                $"{operation} {what} (SOAP fault {Code ?? "without code"}{(text.Length > 0 ? ": " + text : string.Empty)})"),
            kind: IsSenderFault ? VendorFailureKind.Permanent : VendorFailureKind.Transient, statusCode: status);
    }

    /// <summary>The SOAP Fault in a response body, if that is what it is; never throws.</summary>
    public static async Task<SoapFault?> TryReadAsync(byte[] body, CancellationToken cancellationToken)
    {
        // Cheap test first: a data page is large and has no "Fault" element at the top.
        if (body.Length == 0 || body.AsSpan().IndexOf("Fault"u8) < 0)
        {
            return null;
        }

        try
        {
            using var stream = new MemoryStream(body, writable: false);
            using var reader = XmlReader.Create(stream, SafeXml.Settings(async: true));
            await reader.MoveToContentAsync();
            if (reader.LocalName != "Envelope" || reader.NamespaceURI is not (Soap11Namespace or Soap12Namespace))
            {
                return null;
            }

            var soap = reader.NamespaceURI;
            cancellationToken.ThrowIfCancellationRequested();
            if (!await SafeXml.ReadToChildAsync(reader, "Body", soap) || !await SafeXml.ReadToFirstChildElementAsync(reader)
                || reader.LocalName != "Fault" || reader.NamespaceURI != soap)
            {
                return null;
            }

            return await ReadAsync(reader);
        }
        catch (XmlException)
        {
            return null;
        }
    }

    /// <summary>Reads the Fault element <paramref name="reader"/> is on.</summary>
    internal static async Task<SoapFault> ReadAsync(XmlReader reader)
    {
        string? code = null, text = null;
        var depth = reader.Depth;
        if (!reader.IsEmptyElement)
        {
            var advanced = false;
            while ((advanced || await reader.ReadAsync()) && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
            {
                advanced = false;
                if (reader.NodeType != XmlNodeType.Element || reader.IsEmptyElement)
                {
                    continue;
                }

                // SOAP 1.1: faultcode/faultstring; SOAP 1.2: Code/Value and Reason/Text.
                if (reader.LocalName is "faultcode" or "Value" && code is null)
                {
                    code = (await reader.ReadElementContentAsStringAsync()).Trim();
                    advanced = true;
                }
                else if (reader.LocalName is "faultstring" or "Text" && text is null)
                {
                    text = (await reader.ReadElementContentAsStringAsync()).Trim();
                    advanced = true;
                }
            }
        }

        var local = code is null ? null : code[(code.IndexOf(':', StringComparison.Ordinal) + 1)..];
        return new SoapFault(local, text);
    }

    /// <summary>For the resilience handler: a 500 carrying a Client/Sender fault is final, not transient.</summary>
    internal static async ValueTask<bool> IsSenderFaultAsync(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.InternalServerError)
        {
            return false;
        }

        var body = await response.Content.ReadAsByteArrayAsync();
        return await TryReadAsync(body, CancellationToken.None) is { IsSenderFault: true };
    }
}
