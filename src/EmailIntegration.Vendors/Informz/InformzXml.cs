using System.Runtime.CompilerServices;
using System.Text;
using System.Xml;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Vendors.Soap;

namespace EmailIntegration.Vendors.Informz;

/// <summary>One <c>&lt;Record&gt;</c> of a GridResponse: its 0-based index in the file, its <c>row</c> attribute and its
/// <c>&lt;Field element="…"&gt;</c> values keyed by lower-cased element name (an empty field is null).</summary>
internal sealed record GridRecord(int Index, string? Row, string GridType, IReadOnlyDictionary<string, string?> Fields)
{
    public string? this[string element] => Fields.TryGetValue(element, out var value) ? value : null;

    public string Position => Row is null ? $"record {Index}" : $"record {Index} (row {Row})";
}

/// <summary>
/// Safe, streaming XML for the Informz AAPI: the SOAP envelope of <c>PostInformzMessage</c> and the GridRequest /
/// GridResponse / ActionResponse documents it carries as an escaped string.
/// </summary>
/// <remarks>
/// Every reader prohibits DTDs and has no resolver: a document with a DOCTYPE (entity expansion, "billion laughs", external
/// entities) is rejected before anything in it is expanded or fetched. The response document inside
/// <c>PostInformzMessageResult</c> is read through a <see cref="TextReader"/> that pulls the escaped text chunk by chunk from the
/// envelope's reader, so neither document is ever held whole.
/// </remarks>
internal static class InformzXml
{
    public const string Namespace = "http://partner.informz.net/aapi/2009/08/";
    public const string SoapNamespace = SoapFault.Soap11Namespace;
    public const string Soap12Namespace = SoapFault.Soap12Namespace;

    /// <summary>
    /// Reads the records of a GridResponse, bare or inside a SOAP envelope, whose <c>&lt;Grids&gt;</c> holds the framed payload
    /// (<see cref="InformzFrame"/>). Throws <see cref="UnreadableFileException"/> (naming the records read and the line/position)
    /// where the XML stops being readable, and when <c>&lt;Grids&gt;</c> is not a frame; records yielded before stand.
    /// </summary>
    /// <remarks>The envelope and the response document are streamed; the decoded payload of one page (at most 1,000 rows) is
    /// held as one string while its records are read.</remarks>
    public static async IAsyncEnumerable<GridRecord> ReadGridRecordsAsync(
        Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var index = 0;
        XmlReader? outer = null;
        XmlReader? inner = null;
        XmlReader? grids = null;
        try
        {
            try
            {
                outer = XmlReader.Create(stream, SafeXml.Settings(async: true));
                inner = await OpenResponseAsync(outer, "GridResponse", cancellationToken);
                grids = await OpenFramedChildAsync(inner ?? outer, "Grids", "GridResponse");
            }
            catch (XmlException ex)
            {
                throw Unreadable(index, ex, inner is not null ? "response document" : "SOAP envelope");
            }
            catch (InformzFaultException ex)
            {
                throw new UnreadableFileException(ex.Message);
            }

            var cursor = new GridCursor();
            while (true)
            {
                GridRecord? record;
                try
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    record = await NextRecordAsync(grids, index, cursor);
                }
                catch (XmlException ex)
                {
                    throw Unreadable(index, ex, "framed Grids payload");
                }

                if (record is null)
                {
                    break;
                }

                index++;
                yield return record;
            }

            try
            {
                // The rest of both documents must be well-formed too (a truncated page must not pass as complete).
                if (inner is not null)
                {
                    while (await inner.ReadAsync())
                    {
                    }
                }

                while (await outer.ReadAsync())
                {
                }
            }
            catch (XmlException ex)
            {
                throw Unreadable(index, ex, inner is not null ? "response document" : "SOAP envelope");
            }
        }
        finally
        {
            grids?.Dispose();
            inner?.Dispose();
            outer?.Dispose();
        }
    }

    private static UnreadableFileException Unreadable(int records, XmlException ex, string part) => new(
        $"The Informz {part} is not readable after {records} records, at line {ex.LineNumber}, position {ex.LinePosition}: {ex.Message}", ex);

    /// <summary>Largest framed payload (base64 characters) read from one element.</summary>
    private const int MaxFramedChars = (InformzFrame.MaxPayloadBytes / 3 * 4) + 8;

    /// <summary>
    /// Moves <paramref name="reader"/> (on the response document's root) to its child <paramref name="childName"/>, decodes the
    /// frame in its text, and returns a reader over the decoded nodes. An element there instead of text is an unframed answer.
    /// </summary>
    private static async Task<XmlReader> OpenFramedChildAsync(XmlReader reader, string childName, string root)
    {
        if (!await SafeXml.ReadToChildAsync(reader, childName, null))
        {
            throw new UnreadableFileException($"The {root} has no <{childName}>.");
        }

        var text = new StringBuilder();
        if (!reader.IsEmptyElement)
        {
            var depth = reader.Depth;
            while (await reader.ReadAsync())
            {
                if (reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth)
                {
                    break;
                }

                if (reader.NodeType == XmlNodeType.Element)
                {
                    throw new UnreadableFileException(
                        $"The {root}'s <{childName}> holds XML elements, not the framed (gzip, 4-byte length, base64) payload the service sends.");
                }

                if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
                {
                    text.Append(reader.Value);
                    if (text.Length > MaxFramedChars)
                    {
                        throw new UnreadableFileException($"The {root}'s <{childName}> is larger than {MaxFramedChars} characters.");
                    }
                }
            }
        }

        string decoded;
        try
        {
            decoded = InformzFrame.Decode(text.ToString());
        }
        catch (InformzFrameException ex)
        {
            throw new UnreadableFileException($"The {root}'s <{childName}> is not a readable frame: {ex.Message}.");
        }

        var settings = SafeXml.Settings(async: true);
        settings.ConformanceLevel = ConformanceLevel.Fragment;
        return XmlReader.Create(new StringReader(decoded), settings);
    }

    /// <summary>
    /// Moves <paramref name="outer"/> to the response document. For a SOAP envelope returns a reader over the escaped text
    /// of <c>PostInformzMessageResult</c> (a SOAP Fault throws <see cref="InformzFaultException"/>); for a bare
    /// <paramref name="expectedRoot"/> returns null and leaves <paramref name="outer"/> on its root.
    /// </summary>
    private static async Task<XmlReader?> OpenResponseAsync(XmlReader outer, string expectedRoot, CancellationToken cancellationToken)
    {
        await outer.MoveToContentAsync();
        if (outer.NodeType != XmlNodeType.Element)
        {
            throw new UnreadableFileException("The Informz response has no root element.");
        }

        if (outer.LocalName == expectedRoot)
        {
            return null;
        }

        if (outer.LocalName != "Envelope" || outer.NamespaceURI is not (SoapNamespace or Soap12Namespace))
        {
            throw new UnreadableFileException($"Expected a SOAP envelope or {expectedRoot}, found <{Shorten(outer.LocalName)}>.");
        }

        var soap = outer.NamespaceURI;
        if (!await SafeXml.ReadToChildAsync(outer, "Body", soap))
        {
            throw new UnreadableFileException("The SOAP envelope has no Body.");
        }

        if (!await SafeXml.ReadToFirstChildElementAsync(outer))
        {
            throw new UnreadableFileException("The SOAP Body is empty.");
        }

        if (outer.LocalName == "Fault" && outer.NamespaceURI == soap)
        {
            throw new InformzFaultException(await SoapFault.ReadAsync(outer));
        }

        if (outer.LocalName != "PostInformzMessageResponse" || !await SafeXml.ReadToChildAsync(outer, "PostInformzMessageResult", null))
        {
            throw new UnreadableFileException($"The SOAP Body holds <{Shorten(outer.LocalName)}>, not a PostInformzMessageResult.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var text = new ElementTextReader(outer);
        await text.StartAsync();
        var inner = XmlReader.Create(text, SafeXml.Settings(async: true));
        await inner.MoveToContentAsync();
        if (inner.NodeType != XmlNodeType.Element || inner.LocalName != expectedRoot)
        {
            var found = inner.NodeType == XmlNodeType.Element ? inner.LocalName : inner.NodeType.ToString();
            inner.Dispose();
            throw new UnreadableFileException($"The PostInformzMessageResult holds <{Shorten(found)}>, not a {expectedRoot}.");
        }

        return inner;
    }

    /// <summary>Reads forward to the next Record of any Grid; null at the end of the GridResponse.</summary>
    private static async Task<GridRecord?> NextRecordAsync(XmlReader reader, int index, GridCursor cursor)
    {
        while (await reader.ReadAsync())
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (reader.LocalName == "Grid")
            {
                cursor.GridType = reader.GetAttribute("type") ?? string.Empty;
                continue;
            }

            if (reader.LocalName != "Record")
            {
                continue;
            }

            var row = reader.GetAttribute("row");
            var fields = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            if (reader.IsEmptyElement)
            {
                return new GridRecord(index, row, cursor.GridType, fields);
            }

            var depth = reader.Depth;
            var advanced = false;
            while (advanced || await reader.ReadAsync())
            {
                advanced = false;
                if (reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth)
                {
                    return new GridRecord(index, row, cursor.GridType, fields);
                }

                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "Field")
                {
                    var element = reader.GetAttribute("element");
                    string? value = null;
                    if (!reader.IsEmptyElement)
                    {
                        // Leaves the reader on the node after </Field>.
                        value = await reader.ReadElementContentAsStringAsync();
                        advanced = true;
                    }

                    if (element is not null)
                    {
                        fields[element.Trim().ToLowerInvariant()] = string.IsNullOrEmpty(value) ? null : value;
                    }
                }
            }

            throw new XmlException("The document ended inside a Record.");
        }

        return null;
    }

    private sealed class GridCursor
    {
        public string GridType { get; set; } = string.Empty;
    }

    /// <summary>Reads an ActionResponse (bare or in an envelope) whose <c>&lt;Responses&gt;</c> holds the framed payload.</summary>
    public static async Task<InformzActionResult> ReadActionResultAsync(Stream stream, string action, CancellationToken cancellationToken)
    {
        using var outer = XmlReader.Create(stream, SafeXml.Settings(async: true));
        var inner = await OpenResponseAsync(outer, "ActionResponse", cancellationToken);
        using var owned = inner;
        using var reader = await OpenFramedChildAsync(inner ?? outer, "Responses", "ActionResponse");
        string? status = null, message = null, uploadId = null;
        int? count = null;
        var elements = 0;
        var advanced = false;
        while (advanced || await reader.ReadAsync())
        {
            advanced = false;
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            elements++;
            var name = reader.LocalName;
            if (reader.IsEmptyElement || name is not ("Count" or "Status" or "Message" or "UploadID" or "UploadId"))
            {
                continue;
            }

            // Leaves the reader on the node after the end tag, which the loop must look at before reading on.
            var text = (await reader.ReadElementContentAsStringAsync()).Trim();
            advanced = true;
            switch (name)
            {
                case "Count":
                    count = int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var c)
                        ? c
                        : null;
                    break;
                case "Status":
                    status = text;
                    break;
                case "Message":
                    message = VendorText.RedactEmails(text);
                    break;
                default:
                    uploadId = text;
                    break;
            }
        }

        var success = status is not null && status.Equals("success", StringComparison.OrdinalIgnoreCase)
                      || (status is null && elements > 0 && (count is not null || uploadId is not null));
        return new InformzActionResult(action, success, status, count, message, uploadId);
    }

    public static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    /// <summary>The text content of one element (text and CDATA nodes), handed out in chunks as it is read.</summary>
    private sealed class ElementTextReader(XmlReader outer) : TextReader
    {
        private int depth;
        private bool done;

        public async Task StartAsync()
        {
            depth = outer.Depth;
            if (outer.IsEmptyElement)
            {
                done = true;
                return;
            }

            await outer.ReadAsync();
        }

        public override int Read(char[] buffer, int index, int count)
        {
            while (!done && count > 0)
            {
                switch (outer.NodeType)
                {
                    case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                        var n = outer.ReadValueChunk(buffer, index, count);
                        if (n > 0)
                        {
                            return n;
                        }

                        outer.Read();
                        break;
                    case XmlNodeType.EndElement when outer.Depth == depth:
                        done = true;
                        break;
                    case XmlNodeType.Element:
                        throw new XmlException("PostInformzMessageResult holds markup, not an escaped document.");
                    default:
                        if (!outer.Read())
                        {
                            done = true;
                        }

                        break;
                }
            }

            return 0;
        }

        public override async Task<int> ReadAsync(char[] buffer, int index, int count)
        {
            while (!done && count > 0)
            {
                switch (outer.NodeType)
                {
                    case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                        var n = await outer.ReadValueChunkAsync(buffer, index, count);
                        if (n > 0)
                        {
                            return n;
                        }

                        await outer.ReadAsync();
                        break;
                    case XmlNodeType.EndElement when outer.Depth == depth:
                        done = true;
                        break;
                    case XmlNodeType.Element:
                        throw new XmlException("PostInformzMessageResult holds markup, not an escaped document.");
                    default:
                        if (!await outer.ReadAsync())
                        {
                            done = true;
                        }

                        break;
                }
            }

            return 0;
        }

        public override async ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
        {
            var array = new char[buffer.Length];
            var n = await ReadAsync(array, 0, array.Length);
            array.AsMemory(0, n).CopyTo(buffer);
            return n;
        }

        public override int Read()
        {
            var one = new char[1];
            return Read(one, 0, 1) == 0 ? -1 : one[0];
        }

        public override int Peek() => -1;
    }

    /// <summary>UTF-8 without a BOM, no declaration: what we put on the wire and inside the envelope.</summary>
    public static XmlWriterSettings WriterSettings => new()
    {
        Encoding = new UTF8Encoding(false),
        OmitXmlDeclaration = true,
        Indent = false,
        NewLineHandling = NewLineHandling.Entitize,
    };
}

/// <summary>A SOAP Fault where a response document was expected; the client reports it (redacted) as the vendor's failure.</summary>
internal sealed class InformzFaultException(SoapFault fault)
    : Exception($"The Informz service answered a SOAP fault ({fault.Code ?? "no code"}).")
{
    public SoapFault Fault { get; } = fault;
}
