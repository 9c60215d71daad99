
namespace EmailIntegration.Domain.Documents;

/// <summary>
/// How an individual's child-form rows are stored: every row of one vendor's mailing (its tracking row, link rows,
/// Customer Actions, interest activities, bounces, fax rows, unsubscribes) lives in one stored item, the mailing's fold,
/// so one message's effects on one mailing are one write. Rows stay the unit of the domain: each is applied, deduplicated,
/// reported to the change feed and served exactly as before; only the store sees folds.
/// </summary>
/// <remarks>
/// A fold is dated by its newest row (<see cref="SortAtOf"/>), so reading folds newest first yields rows in
/// <see cref="RowKey"/> order down to a frontier (see <see cref="NewestFirstRows"/>). Its size is bounded by the store:
/// a fold that would pass <see cref="MaxStoredBytes"/> is refused and its message quarantined with the reason.
/// </remarks>
public static class MailingFold
{
    public const string StoredType = "mailing";

    /// <summary>
    /// The most a fold may weigh when stored: half of Cosmos DB's 2 MB item limit. A realistic mailing is a few KB (one
    /// delivery, a few opens, a few links with a few clicks each); this is thousands of events on one mailing for one person.
    /// </summary>
    public const int MaxStoredBytes = 1024 * 1024;

    /// <summary>The stored types of the rows a fold holds: every child-form row type.</summary>
    public static IReadOnlyList<string> RowTypes { get; } =
    [
        DocumentTypes.Tracking, DocumentTypes.LinkTracking, DocumentTypes.FaxTracking, DocumentTypes.Unsubscribe,
        DocumentTypes.Bounce, DocumentTypes.CustomerAction, DocumentTypes.InterestActivity,
    ];

    // The id prefixes DocumentKeys gives rows: "kind|vendor|mailing[|…]".
    private static readonly HashSet<string> RowPrefixes = ["tracking", "link", "fax", "unsub", "bounce", "action", "interest"];

    /// <summary>The stored item that holds a document: its mailing's fold for a row, the document itself for anything else.</summary>
    public static string IdOf(string documentId)
    {
        var parts = documentId.Split('|', 4);
        return parts.Length >= 3 && RowPrefixes.Contains(parts[0]) ? $"{StoredType}|{parts[1]}|{parts[2]}" : documentId;
    }

    /// <summary>A fold sorts where its newest row does.</summary>
    public static DateTimeOffset SortAtOf(IEnumerable<IndividualDocument> rows) => rows.Max(r => r.SortAt);
}

/// <summary>
/// Rows read fold by fold, folds newest first (by <see cref="MailingFold.SortAtOf"/>, then id), in <see cref="RowKey"/>
/// order. A fold's rows are no newer than the fold, so once a fold dated F is read every row not yet read is at F or
/// older: the rows read that are newer than F are settled, in their final order; the rest wait for older folds (or for the
/// end of the read, which settles everything).
/// </summary>
public sealed class NewestFirstRows
{
    private readonly List<IndividualDocument> rows = [];
    private DateTimeOffset? frontier;

    /// <summary>Takes the (already filtered) rows of the next fold in the read.</summary>
    public void Add(DateTimeOffset foldSortAt, IEnumerable<IndividualDocument> foldRows)
    {
        if (frontier is { } previous && foldSortAt > previous)
        {
            throw new ArgumentException("Folds must be read newest first.", nameof(foldSortAt));
        }

        frontier = foldSortAt;
        rows.AddRange(foldRows);
    }

    /// <summary>The rows whose place is known, in <see cref="RowKey"/> order: all of them when the read has ended.</summary>
    public List<IndividualDocument> Settled(bool readEnded) =>
        rows.Where(r => readEnded || frontier is not { } f || r.SortAt > f).OrderBy(RowKey.Of).ToList();

    public int SettledCount(bool readEnded) => readEnded ? rows.Count : rows.Count(r => frontier is not { } f || r.SortAt > f);
}
