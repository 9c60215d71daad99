namespace EmailIntegration.Vendors.HighRoad;

/// <summary>
/// Counts the records of a CSV as its bytes stream past, chunk by chunk: line breaks outside double quotes end a
/// record, blank lines are not records, and the first record is the header. Delimiters do not matter and UTF-8 needs no
/// decoding (quote, CR and LF are single bytes), so a 100 MB export is counted without ever becoming a string.
/// </summary>
public sealed class CsvRowCounter
{
    private bool inQuotes;
    private bool lineHasContent;
    private bool lastWasCr;
    private long records;

    /// <summary>Data rows seen so far (records after the header).</summary>
    public long DataRows => Math.Max(0, records - 1);

    /// <summary>A quoted field was opened and never closed: the file is cut off, or its quotes are broken.</summary>
    public bool InsideQuotes => inQuotes;

    public void Feed(ReadOnlySpan<byte> chunk)
    {
        foreach (var b in chunk)
        {
            if (lastWasCr && b == (byte)'\n')
            {
                lastWasCr = false;
                continue;
            }

            lastWasCr = false;
            if (b == (byte)'"')
            {
                inQuotes = !inQuotes;
                lineHasContent = true;
            }
            else if (!inQuotes && b is (byte)'\n' or (byte)'\r')
            {
                EndLine();
                lastWasCr = b == (byte)'\r';
            }
            else if (!IsBom(b))
            {
                lineHasContent = true;
            }
        }
    }

    /// <summary>Ends the input: a last record without a line break counts too.</summary>
    public long Complete()
    {
        EndLine();
        return DataRows;
    }

    public static long Count(ReadOnlySpan<byte> csv)
    {
        var counter = new CsvRowCounter();
        counter.Feed(csv);
        return counter.Complete();
    }

    private void EndLine()
    {
        if (lineHasContent)
        {
            records++;
        }

        lineHasContent = false;
    }

    // The UTF-8 BOM's bytes (EF BB BF) alone do not make a line.
    private static bool IsBom(byte b) => b is 0xEF or 0xBB or 0xBF;
}
