using System.Xml;

namespace EmailIntegration.Vendors.Soap;

/// <summary>
/// Reading vendor XML safely: DTDs prohibited and no resolver, so a document with a DOCTYPE (entity expansion, "billion
/// laughs", external entities) is rejected before anything in it is expanded or fetched; and the two moves every SOAP reader
/// makes (to a named child, to the first child element) without reading past the element it starts on.
/// </summary>
internal static class SafeXml
{
    /// <summary>Settings every vendor XML reader uses: no DTD, no resolver, no entity expansion beyond XML's five.</summary>
    public static XmlReaderSettings Settings(bool async) => new()
    {
        Async = async,
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 1024,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        CloseInput = false,
    };

    /// <summary>Moves to the child element <paramref name="localName"/> (any namespace when <paramref name="ns"/> is null); false at the end of the current element.</summary>
    public static async Task<bool> ReadToChildAsync(XmlReader reader, string localName, string? ns)
    {
        if (reader.IsEmptyElement)
        {
            return false;
        }

        var depth = reader.Depth;
        while (await reader.ReadAsync())
        {
            if (reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth)
            {
                return false;
            }

            if (reader.NodeType == XmlNodeType.Element && reader.Depth == depth + 1)
            {
                if (reader.LocalName == localName && (ns is null || reader.NamespaceURI == ns))
                {
                    return true;
                }

                await reader.SkipAsync();
                if (reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth)
                {
                    return false;
                }

                if (reader.NodeType == XmlNodeType.Element && reader.Depth == depth + 1
                    && reader.LocalName == localName && (ns is null || reader.NamespaceURI == ns))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Moves to the first child element; false when the current element has none.</summary>
    public static async Task<bool> ReadToFirstChildElementAsync(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            return false;
        }

        var depth = reader.Depth;
        while (await reader.ReadAsync())
        {
            if (reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth)
            {
                return false;
            }

            if (reader.NodeType == XmlNodeType.Element)
            {
                return true;
            }
        }

        return false;
    }
}
