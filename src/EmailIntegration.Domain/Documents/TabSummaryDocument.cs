using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.Domain.Documents;

/// <summary>
/// Which child-form document types one individual has rows of, so the tab, which reads the individual's newest
/// documents in one query (<see cref="FirstRows"/>), knows a form with no row among them is empty without asking again.
/// It changes only when the individual gets the first row of a type, so it is rarely written (once or twice per
/// individual, ever): the rows themselves are what the tab reads.
/// </summary>
/// <remarks>
/// The projection lists it after the rows it describes, so it is written last; it is placed from the rows a message
/// touched, not only those it changed, so a redelivery after a lost summary write repairs it.
/// </remarks>
public sealed class TabSummaryDocument : IndividualDocument
{
    public const string DocumentId = "tab-summary";

    /// <summary>The child-form document types with at least one row (see <see cref="DocumentTypes"/>), sorted ordinally.</summary>
    public List<string> Types { get; set; } = [];

    /// <summary>Sorts before every row (and beside the profile), so the tab's newest-first read always holds it.</summary>
    public static TabSummaryDocument New(string individualId) =>
        new() { Id = DocumentId, IndividualId = individualId, SortAt = DateTimeOffset.MaxValue };

    /// <summary>Whether a document of this type is a child-form row.</summary>
    public static bool Keeps(IndividualDocument document) => document is not (ProfileDocument or TabSummaryDocument or ChangeDocument);

    /// <summary>Records the types of the rows a message touched; returns whether a type was new.</summary>
    public bool Include(IEnumerable<IndividualDocument> touchedRows)
    {
        var changed = false;
        foreach (var type in touchedRows.Where(Keeps).Select(DocumentTypes.Of).Distinct(StringComparer.Ordinal))
        {
            var index = Types.BinarySearch(type, StringComparer.Ordinal);
            if (index < 0)
            {
                Types.Insert(~index, type);
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>
    /// The first <paramref name="count"/> rows of <paramref name="type"/> that match <paramref name="where"/>, newest first,
    /// from the individual's newest documents (<paramref name="newest"/>, in <see cref="RowKey"/> order, as one
    /// newest-first read returned them; <paramref name="complete"/> when nothing followed them), when they determine that
    /// page exactly; null when they cannot (then the caller queries the form). <paramref name="more"/> says whether rows may
    /// follow them.
    /// </summary>
    /// <remarks>
    /// Why it is exact: every document not read sorts after the last one read, so the rows of a type among those read are
    /// that type's first rows. A full page of them is the first page; fewer are all of them only when the read was
    /// complete, or when the summary says the individual has no row of the type at all.
    /// </remarks>
    public static IReadOnlyList<IndividualDocument>? FirstRows(
        IReadOnlyList<IndividualDocument> newest, bool complete, TabSummaryDocument? summary,
        string type, int count, Func<IndividualDocument, bool> where, out bool more)
    {
        var known = newest.Where(d => Keeps(d) && DocumentTypes.Of(d) == type).Where(where).ToList();
        if (complete || known.Count > count)
        {
            more = known.Count > count;
            return known.Take(count).ToList();
        }

        more = true;
        if (known.Count == count)
        {
            return known;
        }

        // Without a summary nothing is known: rows are written before it, so rows may exist whose summary write was lost.
        if (known.Count == 0 && summary is not null && summary.Types.BinarySearch(type, StringComparer.Ordinal) < 0)
        {
            more = false;
            return [];
        }

        return null;
    }

    protected override void ApplyNew(TrackingEvent trackingEvent, EffectRules rules) =>
        throw new NotSupportedException("The tab summary takes rows (Include), not events.");
}
