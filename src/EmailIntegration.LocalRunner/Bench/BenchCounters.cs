using EmailIntegration.Domain.Documents;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.FanOut;

namespace EmailIntegration.LocalRunner.Bench;

/// <summary>What the bench counts at the adapters' ports (store and publisher), for the bench command only.</summary>
public sealed class BenchCounters
{
    private long readCalls, readIds, readDocuments, writes, saveCalls, queries, conflicts;
    private long readTicks, saveTicks, queryTicks;
    private long messages, messageBytes, maxMessageBytes, publishCalls, maxRowsPerWrite;

    public long ReadCalls => Interlocked.Read(ref readCalls);
    public long ReadIds => Interlocked.Read(ref readIds);
    public long ReadDocuments => Interlocked.Read(ref readDocuments);
    public long Writes => Interlocked.Read(ref writes);
    public long SaveCalls => Interlocked.Read(ref saveCalls);
    public long Queries => Interlocked.Read(ref queries);
    public long Conflicts => Interlocked.Read(ref conflicts);
    /// <summary>Time spent inside the store's calls, summed over concurrent calls.</summary>
    public TimeSpan ReadTime => TimeSpan.FromSeconds(Interlocked.Read(ref readTicks) / (double)System.Diagnostics.Stopwatch.Frequency);
    public TimeSpan SaveTime => TimeSpan.FromSeconds(Interlocked.Read(ref saveTicks) / (double)System.Diagnostics.Stopwatch.Frequency);
    public TimeSpan QueryTime => TimeSpan.FromSeconds(Interlocked.Read(ref queryTicks) / (double)System.Diagnostics.Stopwatch.Frequency);
    public long Messages => Interlocked.Read(ref messages);
    public long MessageBytes => Interlocked.Read(ref messageBytes);
    public long MaxMessageBytes => Interlocked.Read(ref maxMessageBytes);
    public long PublishCalls => Interlocked.Read(ref publishCalls);

    /// <summary>The most changed rows one stored item carried: the rows of one mailing one message changed (one save is one message).</summary>
    public long MaxRowsPerWrite => Interlocked.Read(ref maxRowsPerWrite);

    public void Reset()
    {
        readCalls = readIds = readDocuments = writes = saveCalls = queries = conflicts = 0;
        readTicks = saveTicks = queryTicks = 0;
        messages = messageBytes = maxMessageBytes = publishCalls = maxRowsPerWrite = 0;
        Interlocked.MemoryBarrier();
    }

    internal void Read(int ids, int documents, long ticks)
    {
        Interlocked.Add(ref readTicks, ticks);
        Interlocked.Increment(ref readCalls);
        Interlocked.Add(ref readIds, ids);
        Interlocked.Add(ref readDocuments, documents);
    }

    internal void Saved(IReadOnlyList<IndividualDocument> documents, long ticks)
    {
        Interlocked.Add(ref saveTicks, ticks);
        Interlocked.Increment(ref saveCalls);
        // What the store writes: one item per mailing fold (and the profile on its own), see CosmosIndividualStore.
        var items = documents.GroupBy(d => MailingFold.IdOf(d.Id), StringComparer.Ordinal).ToList();
        Interlocked.Add(ref writes, items.Count);
        Max(ref maxRowsPerWrite, items.Max(g => (long)g.Count()));
    }

    internal void Conflict() => Interlocked.Increment(ref conflicts);

    internal void Queried(long ticks)
    {
        Interlocked.Add(ref queryTicks, ticks);
        Interlocked.Increment(ref queries);
    }

    internal void Published(IReadOnlyList<OutgoingMessage> messages)
    {
        Interlocked.Increment(ref publishCalls);
        Interlocked.Add(ref this.messages, messages.Count);
        foreach (var message in messages)
        {
            Interlocked.Add(ref messageBytes, message.Body.Length);
            Max(ref maxMessageBytes, message.Body.Length);
        }
    }

    private static void Max(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

/// <summary>Counts calls, ids and documents on their way to the real store; changes nothing.</summary>
public sealed class CountingDocumentStore(IIndividualDocumentStore inner, BenchCounters counters) : IIndividualDocumentStore
{
    public async Task<DocumentSnapshot> ReadAsync(string individualId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var snapshot = await inner.ReadAsync(individualId, ids, cancellationToken);
        counters.Read(ids.Count, snapshot.Documents.Count, System.Diagnostics.Stopwatch.GetTimestamp() - start);
        return snapshot;
    }

    public async Task SaveAsync(string individualId, IReadOnlyList<IndividualDocument> documents, DocumentSnapshot snapshot, CancellationToken cancellationToken)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await inner.SaveAsync(individualId, documents, snapshot, cancellationToken);
            counters.Saved(documents, System.Diagnostics.Stopwatch.GetTimestamp() - start);
        }
        catch (ConcurrencyConflictException)
        {
            counters.Conflict();
            throw;
        }
    }

    public void EnsureStorable(IReadOnlyList<IndividualDocument> documents, DocumentSnapshot snapshot) =>
        inner.EnsureStorable(documents, snapshot);

    public async Task<DocumentPage> QueryAsync(string individualId, FormQuery query, CancellationToken cancellationToken)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var page = await inner.QueryAsync(individualId, query, cancellationToken);
        counters.Queried(System.Diagnostics.Stopwatch.GetTimestamp() - start);
        return page;
    }
}

/// <summary>Counts messages and body bytes on their way to the real transport.</summary>
public sealed class CountingPublisher(ITrackingMessagePublisher inner, BenchCounters counters) : ITrackingMessagePublisher
{
    public int MaxBodyBytes => inner.MaxBodyBytes;

    public async Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        await inner.PublishAsync(messages, cancellationToken);
        counters.Published(messages);
    }
}
