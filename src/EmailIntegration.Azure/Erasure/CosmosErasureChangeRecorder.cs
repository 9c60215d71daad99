using System.Net;
using System.Text.Json;
using EmailIntegration.Azure.Store;
using EmailIntegration.Domain.Changes;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Pipeline.Erasure;
using Microsoft.Azure.Cosmos;

namespace EmailIntegration.Azure.Erasure;

/// <summary>
/// An erasure's change record, in the partition <see cref="Partition"/> (not an individual id: '~' is outside the id
/// rule, so no erasure and no individual route ever reaches it), where the change feed's query across partitions finds
/// it beside every other change. Its individual id is the erasure id; its id is derived from the erasure id and the time
/// first requested, so a repeated erasure writes the same record (409, left as it is).
/// </summary>
public sealed class CosmosErasureChangeRecorder(Container container) : IErasureChangeRecorder
{
    public const string Partition = "~erasures";

    public async Task RecordAsync(string erasureId, DateTimeOffset erasedAt, CancellationToken cancellationToken)
    {
        var change = IndividualChange.Create(IndividualChange.IdOf(Partition, "erasure", erasureId), erasureId, ChangeKind.Erased,
            new ChangeValue(ErasureId: erasureId), erasedAt);
        var document = new ChangeDocument
        {
            Id = change.ChangeId,
            IndividualId = Partition,
            Change = change,
            SortKey = change.SortKey,
            SortAt = change.ChangedAt,
        };
        using var body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes<IndividualDocument>(document, DocumentJson.Options));
        using var response = await container.CreateItemStreamAsync(body, new PartitionKey(Partition), cancellationToken: cancellationToken);
        if (response.StatusCode != HttpStatusCode.Conflict)
        {
            response.EnsureSuccessStatusCode();
        }
    }
}
