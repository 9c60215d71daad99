using System.Text;

namespace EmailIntegration.Vendors.HighRoad;

/// <summary>
/// Writes RFC 4180 CSV with a chosen delimiter: CRLF line ends; a field is quoted when it holds the delimiter, a quote
/// (doubled), a line break, or leading/trailing white space; null and empty fields are empty; a value that a spreadsheet
/// would take for a formula is neutralized (<see cref="NeutralizeFormula"/>).
/// </summary>
public static class HighRoadCsvWriter
{
    /// <summary>Writes the header and the rows as UTF-8 (optionally with a BOM).</summary>
    public static byte[] Write(char delimiter, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string?>> rows, bool utf8Bom = false)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        if (delimiter is '"' or '\r' or '\n')
        {
            throw new ArgumentException("The delimiter cannot be a quote or a line break.", nameof(delimiter));
        }

        using var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, new UTF8Encoding(utf8Bom), 16 * 1024, leaveOpen: true))
        {
            WriteRow(writer, delimiter, header);
            foreach (var row in rows)
            {
                WriteRow(writer, delimiter, row);
            }
        }

        return stream.ToArray();
    }

    public static void WriteRow(TextWriter writer, char delimiter, IReadOnlyList<string?> fields)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(fields);
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                writer.Write(delimiter);
            }

            WriteField(writer, delimiter, fields[i]);
        }

        writer.Write("\r\n");
    }

    public static void WriteField(TextWriter writer, char delimiter, string? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        value = NeutralizeFormula(value);
        if (!NeedsQuotes(value, delimiter))
        {
            writer.Write(value);
            return;
        }

        writer.Write('"');
        writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        writer.Write('"');
    }

    /// <summary>
    /// A value a spreadsheet would run as a formula (it starts with <c>= + - @</c>, a tab or a CR) gets a leading
    /// apostrophe, so whoever opens the vendor's file in Excel or Sheets sees text, never a formula
    /// (OWASP, "CSV Injection": https://owasp.org/www-community/attacks/CSV_Injection). Field values come from the AMS,
    /// which takes them from members.
    /// </summary>
    public static string NeutralizeFormula(string value) =>
        value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;

    private static bool NeedsQuotes(string value, char delimiter) =>
        value.AsSpan().IndexOfAny(['"', '\r', '\n', delimiter]) >= 0
        || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]);
}
