namespace EmailIntegration.Domain.Documents;

/// <summary>
/// A form's first page taken from the individual's newest rows, which the tab reads in one query, when they determine it
/// exactly; otherwise the caller queries the form.
/// </summary>
public static class FirstRows
{
    /// <summary>Whether a document is a child-form row (not the profile, not a change record): what a mailing fold holds.</summary>
    public static bool IsRow(IndividualDocument document) => document is MailingRowDocument;

    /// <summary>
    /// The first <paramref name="count"/> rows of <paramref name="type"/> that match <paramref name="where"/>, newest first,
    /// from <paramref name="newest"/> (a prefix of the individual's documents in <see cref="RowKey"/> order;
    /// <paramref name="complete"/> when nothing followed it), when they determine that page exactly; null when they cannot.
    /// <paramref name="more"/> says whether rows may follow them.
    /// </summary>
    /// <remarks>
    /// Why it is exact: every row not read sorts after the last one read, so the rows of a type among those read are that
    /// type's first rows. A full page of them is the first page; fewer are all of them only when the read was complete.
    /// </remarks>
    public static IReadOnlyList<IndividualDocument>? Of(
        IReadOnlyList<IndividualDocument> newest, bool complete, string type, int count, Func<IndividualDocument, bool> where, out bool more)
    {
        var known = newest.Where(d => IsRow(d) && DocumentTypes.Of(d) == type).Where(where).ToList();
        if (complete || known.Count > count)
        {
            more = known.Count > count;
            return known.Take(count).ToList();
        }

        more = true;
        return known.Count == count ? known : null;
    }
}
