using System.Net;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Pipeline.Apply;
using Microsoft.Azure.Cosmos;

namespace EmailIntegration.FaultTests.Infrastructure;

/// <summary>
/// Wraps the Cosmos store and makes a share of its calls fail the way a flaky store does: a 503
/// <see cref="CosmosException"/> or an <see cref="HttpRequestException"/> before the call, or, for
/// a save, after the write went through (the acknowledgement lost). Deterministic for a seed; at
/// most <see cref="MaxFailuresPerIndividual"/> injected failures per individual, so a message never
/// runs out of attempts because of injected faults alone. <see cref="AlwaysFail"/> makes every
/// call for an individual fail (a message that can never succeed until "fixed").
/// </summary>
public sealed class FaultInjectingStore(IIndividualDocumentStore inner) : IIndividualDocumentStore
{
    private readonly object gate = new();
    private readonly Dictionary<string, int> failuresByIndividual = new(StringComparer.Ordinal);
    private Random random = new(1);
    private int calls;
    private int injected;
    private int realFailures;

    /// <summary>Share of calls to fail (0..1).</summary>
    public double FailureRate { get; set; }

    public int MaxFailuresPerIndividual { get; set; } = 2;

    public Func<string, bool> AlwaysFail { get; set; } = _ => false;

    /// <summary>While set, every call waits for it first (the store is being restarted).</summary>
    public Func<Exception, Task>? OnRealFailure { get; set; }

    public TimeSpan? RealCallTimeout { get; set; }

    public int Calls => Volatile.Read(ref calls);

    public int InjectedFailures => Volatile.Read(ref injected);

    public int RealFailures => Volatile.Read(ref realFailures);

    public void Seed(int seed)
    {
        lock (gate)
        {
            random = new Random(seed);
        }
    }

    public Task<DocumentSnapshot> ReadAsync(string individualId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        CallAsync(individualId, false, () => inner.ReadAsync(individualId, ids, cancellationToken));

    public void EnsureStorable(IReadOnlyList<IndividualDocument> documents, DocumentSnapshot snapshot) =>
        inner.EnsureStorable(documents, snapshot);

    public async Task SaveAsync(string individualId, IReadOnlyList<IndividualDocument> documents, DocumentSnapshot snapshot, CancellationToken cancellationToken) =>
        await CallAsync(individualId, true, async () =>
        {
            await inner.SaveAsync(individualId, documents, snapshot, cancellationToken);
            return true;
        });

    public Task<DocumentPage> QueryAsync(string individualId, FormQuery query, CancellationToken cancellationToken) =>
        inner.QueryAsync(individualId, query, cancellationToken);

    private async Task<T> CallAsync<T>(string individualId, bool isSave, Func<Task<T>> call)
    {
        Interlocked.Increment(ref calls);
        if (AlwaysFail(individualId))
        {
            Interlocked.Increment(ref injected);
            throw new CosmosException("Injected: the store is unavailable for this individual.", HttpStatusCode.ServiceUnavailable, 0, "fault", 0);
        }

        var fault = Decide(individualId, isSave);
        if (fault == Fault.Before503)
        {
            throw new CosmosException("Injected: service unavailable.", HttpStatusCode.ServiceUnavailable, 0, "fault", 0);
        }

        if (fault == Fault.BeforeHttp)
        {
            throw new HttpRequestException("Injected: connection refused.", null, HttpStatusCode.ServiceUnavailable);
        }

        T result;
        try
        {
            var task = call();
            result = RealCallTimeout is { } timeout ? await task.WaitAsync(timeout) : await task;
        }
        catch (Exception ex) when (ex is not ConcurrencyConflictException && OnRealFailure is { } hook)
        {
            Interlocked.Increment(ref realFailures);
            await hook(ex);
            throw;
        }

        if (fault == Fault.AfterWrite)
        {
            throw new HttpRequestException("Injected: the response to a write that succeeded was lost.");
        }

        return result;
    }

    private Fault Decide(string individualId, bool isSave)
    {
        lock (gate)
        {
            if (FailureRate <= 0 || random.NextDouble() >= FailureRate
                || failuresByIndividual.GetValueOrDefault(individualId) >= MaxFailuresPerIndividual)
            {
                return Fault.None;
            }

            failuresByIndividual[individualId] = failuresByIndividual.GetValueOrDefault(individualId) + 1;
            Interlocked.Increment(ref injected);
            return (random.Next(3), isSave) switch
            {
                (0, _) => Fault.Before503,
                (1, true) => Fault.AfterWrite,
                _ => Fault.BeforeHttp,
            };
        }
    }

    private enum Fault { None, Before503, BeforeHttp, AfterWrite }
}
