using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.Domain.Documents;

/// <summary>
/// The newest rows of each child-form document type of one individual, kept by the projection in the same write as
/// the rows, so the tab's first page is one read instead of one query per form. The rows are copies without their
/// event ids.
/// </summary>
/// <remarks>
/// Why what it serves is exact: a row stops being held only in <see cref="Include"/>, when newer rows push it past
/// <see cref="RowsPerType"/> (or it arrives older than all that are held), and <see cref="RowsOfType.Horizon"/>
/// then remembers the newest of those. A row that is not held and changes is among the rows its message touched,
/// so it is placed again. Hence every row not held sorts at or after the horizon, and the held rows before the
/// horizon are exactly the type's first rows. Rows can move later (a delivery arriving after an open, dates taking
/// the earliest event), which is why more rows are held than a first page shows. The projection lists the summary
/// after the rows it describes, so it is written last; a redelivery after a lost summary write repairs it.
/// </remarks>
public sealed class TabSummaryDocument : IndividualDocument
{
    public const string DocumentId = "tab-summary";

    /// <summary>The default page (25) and room for rows that move later.</summary>
    public const int RowsPerType = 32;

    /// <summary>By document type (see <see cref="DocumentTypes"/>), sorted so the document does not depend on event order.</summary>
    public SortedDictionary<string, RowsOfType> Types { get; set; } = new(StringComparer.Ordinal);

    public static TabSummaryDocument New(string individualId) => new() { Id = DocumentId, IndividualId = individualId };

    /// <summary>Whether a document of this type is a child-form row the summary keeps.</summary>
    public static bool Keeps(IndividualDocument document) => document is not (ProfileDocument or TabSummaryDocument or ChangeDocument);

    /// <summary>
    /// Places the rows a message touched (changed or not, so a redelivery repairs a summary whose write was lost
    /// after the rows were written); returns whether anything the summary holds changed.
    /// </summary>
    public bool Include(IEnumerable<IndividualDocument> touchedRows)
    {
        var changed = false;
        foreach (var group in touchedRows.Where(Keeps).GroupBy(DocumentTypes.Of, StringComparer.Ordinal))
        {
            if (!Types.TryGetValue(group.Key, out var held))
            {
                Types[group.Key] = held = new RowsOfType();
            }

            changed |= held.Include(group);
        }

        return changed;
    }

    /// <summary>
    /// The first <paramref name="count"/> rows of <paramref name="type"/> that match <paramref name="where"/>, newest
    /// first, when the summary knows them exactly; null when it cannot tell (then the caller asks the store).
    /// <paramref name="more"/> says whether rows may follow them.
    /// </summary>
    public IReadOnlyList<IndividualDocument>? FirstRows(string type, int count, Func<IndividualDocument, bool> where, out bool more)
    {
        more = false;
        if (!Types.TryGetValue(type, out var held))
        {
            return [];
        }

        var known = held.Rows.Where(r => held.Horizon is not { } horizon || RowKey.Of(r) < horizon).Where(where).ToList();
        if (held.Horizon is null)
        {
            more = known.Count > count;
            return known.Take(count).ToList();
        }

        // Rows may exist beyond what is held: only a full page of rows known to come first will do.
        more = true;
        return known.Count >= count ? known.Take(count).ToList() : null;
    }

    protected override void ApplyNew(TrackingEvent trackingEvent, EffectRules rules) =>
        throw new NotSupportedException("The tab summary takes rows (Include), not events.");

    /// <summary>The held rows of one type, newest first, and the newest row key no longer held.</summary>
    public sealed class RowsOfType
    {
        public List<IndividualDocument> Rows { get; set; } = [];

        /// <summary>No row that is not held sorts before this; null while every row of the type is held.</summary>
        public RowKey? Horizon { get; set; }

        internal bool Include(IEnumerable<IndividualDocument> rows)
        {
            var byId = Rows.ToDictionary(r => r.Id, StringComparer.Ordinal);
            var any = false;
            foreach (var row in rows)
            {
                var copy = row.SummaryCopy();
                if (byId.TryGetValue(row.Id, out var held) && SameContent(held, copy))
                {
                    continue;
                }

                byId[row.Id] = copy;
                any = true;
            }

            if (!any)
            {
                return false;
            }

            var placed = byId.Values.OrderBy(RowKey.Of).ToList();
            var kept = placed.Take(RowsPerType).ToList();
            var horizon = Horizon;
            if (placed.Count > RowsPerType && (horizon is not { } h || RowKey.Of(placed[RowsPerType]) < h))
            {
                horizon = RowKey.Of(placed[RowsPerType]);
            }

            // Unchanged held rows keep their instances, so reference equality tells whether the held list changed.
            var changed = horizon != Horizon || !kept.SequenceEqual(Rows, ReferenceEqualityComparer.Instance);
            Rows = kept;
            Horizon = horizon;
            return changed;
        }

        private static bool SameContent(IndividualDocument held, IndividualDocument copy) =>
            System.Text.Json.JsonSerializer.Serialize(held).Equals(System.Text.Json.JsonSerializer.Serialize(copy), StringComparison.Ordinal);
    }
}
