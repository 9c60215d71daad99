namespace EmailIntegration.Domain.Documents;

/// <summary>
/// Where a child-form row sorts: newest <see cref="IndividualDocument.SortAt"/> first, then the id (descending,
/// ordinal) so that rows of the same instant still have one order. The store pages in this order and the tab
/// summary keeps it, so a page served from either ends where the next page of the other begins.
/// </summary>
public readonly record struct RowKey(DateTimeOffset SortAt, string Id) : IComparable<RowKey>
{
    public static RowKey Of(IndividualDocument document) => new(document.SortAt, document.Id);

    /// <summary>Negative when this row comes first (is newer).</summary>
    public int CompareTo(RowKey other)
    {
        var byTime = other.SortAt.UtcTicks.CompareTo(SortAt.UtcTicks);
        return byTime != 0 ? byTime : string.CompareOrdinal(other.Id, Id);
    }

    public static bool operator <(RowKey left, RowKey right) => left.CompareTo(right) < 0;

    public static bool operator >(RowKey left, RowKey right) => left.CompareTo(right) > 0;

    public static bool operator <=(RowKey left, RowKey right) => left.CompareTo(right) <= 0;

    public static bool operator >=(RowKey left, RowKey right) => left.CompareTo(right) >= 0;
}
