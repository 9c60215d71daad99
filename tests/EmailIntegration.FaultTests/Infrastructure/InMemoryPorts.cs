using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.Erasure;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;

namespace EmailIntegration.FaultTests.Infrastructure;

/// <summary>
/// In-memory landing zone, quarantine, publisher, erasure ledger (no one erased) and run log: hundreds of generated files a
/// second through the real fan-out.
/// </summary>
public sealed class InMemoryPorts : ILandingZone, IQuarantine, ITrackingMessagePublisher, IErasureLedger, IRunLog
{
    public Task<ErasureRecord?> FindAsync(string erasureId, CancellationToken cancellationToken) => Task.FromResult<ErasureRecord?>(null);

    public Task SaveAsync(ErasureRecord record, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The fault tests erase no one.");

    public Task<ErasedIndividuals> ReadTombstonesAsync(TimeSpan maxAge, CancellationToken cancellationToken) => Task.FromResult(ErasedIndividuals.None);

    public ConcurrentDictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, string> Quarantined { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, int> BadRecords { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<FanOutLogEntry> FanOuts { get; } = new();

    public int Published;

    public int MaxBodyBytes => 48 * 1024;

    public Task LandAsync(LandedFileName name, ReadOnlyMemory<byte> content, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        Files[name.ToString()] = content.ToArray();
        return Task.CompletedTask;
    }

    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new MemoryStream(Files[name], writable: false));

    public async IAsyncEnumerable<string> ListRunAsync(string runId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        foreach (var name in Files.Keys.Where(n => LandedFileName.BelongsToRun(n, runId)).Order(StringComparer.Ordinal))
        {
            yield return name;
        }
    }

    public Task QuarantineFileAsync(string landedFileName, string reason, CancellationToken cancellationToken)
    {
        Quarantined[landedFileName] = reason;
        return Task.CompletedTask;
    }

    public Task ReportBadRecordsAsync(string landedFileName, IReadOnlyList<BadRecord> badRecords, CancellationToken cancellationToken)
    {
        BadRecords[landedFileName] = badRecords.Count;
        return Task.CompletedTask;
    }

    public Task HoldUnmatchedAsync(string landedFileName, IReadOnlyList<TrackingEvent> events, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RejectMessageAsync(string messageId, ReadOnlyMemory<byte> body, string reason, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref Published, messages.Count);
        return Task.CompletedTask;
    }

    public Task WriteFetchAsync(FetchLogEntry entry, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task WriteFanOutAsync(FanOutLogEntry entry, CancellationToken cancellationToken)
    {
        FanOuts.Enqueue(entry);
        return Task.CompletedTask;
    }

    public Task WriteApplyIssueAsync(ApplyIssueEntry entry, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<ApplyIssueEntry>> ReadApplyIssuesAsync(string runId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ApplyIssueEntry>>([]);

    public Task<IReadOnlyList<FetchLogEntry>> ReadFetchesAsync(string runId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<FetchLogEntry>>([]);

    public Task<IReadOnlyList<FanOutLogEntry>> ReadFanOutsAsync(string runId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<FanOutLogEntry>>(FanOuts.Where(f => f.RunId == runId).ToList());
}
