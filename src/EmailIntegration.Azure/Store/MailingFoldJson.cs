using System.Text.Json;
using EmailIntegration.Domain.Documents;

namespace EmailIntegration.Azure.Store;

/// <summary>
/// A mailing's fold as stored (see <see cref="MailingFold"/>):
/// <c>{ id, individualId, type: "mailing", vendor, mailingId, sortAt, spans: { &lt;row type&gt;: { newest, oldest } }, rows: [ … ] }</c>.
/// <c>sortAt</c> (the newest row) orders folds; a span says which row types a fold holds and between which times, so a
/// form's query reads only folds that may hold its rows. The rows are the documents as <see cref="DocumentJson"/> writes
/// them, sorted by id so the same rows always store the same bytes; the index leaves them out (infra and
/// <c>ResourceInitializer</c>).
/// </summary>
public static class MailingFoldJson
{
    public const string Spans = "spans";
    public const string Rows = "rows";

    public static byte[] Serialize(string storedId, IReadOnlyList<MailingRowDocument> rows)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", storedId);
            writer.WriteString("individualId", rows[0].IndividualId);
            writer.WriteString("type", MailingFold.StoredType);
            writer.WriteString("vendor", rows[0].Vendor);
            writer.WriteString("mailingId", rows[0].MailingId);
            writer.WriteString("sortAt", DocumentJson.Format(MailingFold.SortAtOf(rows)));
            writer.WriteStartObject(Spans);
            foreach (var type in rows.GroupBy(DocumentTypes.Of, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                writer.WriteStartObject(type.Key);
                writer.WriteString("newest", DocumentJson.Format(type.Max(r => r.SortAt)));
                writer.WriteString("oldest", DocumentJson.Format(type.Min(r => r.SortAt)));
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteStartArray(Rows);
            foreach (var row in rows.OrderBy(r => r.Id, StringComparer.Ordinal))
            {
                JsonSerializer.Serialize<IndividualDocument>(writer, row, DocumentJson.Options);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static bool IsFold(JsonElement item) =>
        item.TryGetProperty("type", out var type) && type.ValueEquals(MailingFold.StoredType);

    public static DateTimeOffset SortAtOf(JsonElement fold) =>
        fold.GetProperty("sortAt").Deserialize<DateTimeOffset>(DocumentJson.Options);

    /// <summary>The fold's rows that pass <paramref name="filter"/> (all when null), deserialized.</summary>
    public static IReadOnlyList<IndividualDocument> RowsOf(JsonElement fold, Func<JsonElement, bool>? filter) =>
        fold.GetProperty(Rows).EnumerateArray()
            .Where(row => filter is null || filter(row))
            .Select(row => row.Deserialize<IndividualDocument>(DocumentJson.Options) ?? throw new InvalidDataException("A stored row is empty."))
            .ToList();
}
