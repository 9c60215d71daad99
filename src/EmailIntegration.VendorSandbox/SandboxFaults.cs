using System.Collections.Concurrent;

namespace EmailIntegration.VendorSandbox;

/// <summary>
/// The fault switchboard every vendor sandbox shares: counts requests per operation and serves the
/// faults a test queued for it (a status with an optional Retry-After, a truncated body, a delay).
/// </summary>
public sealed class SandboxFaults
{
    private readonly ConcurrentDictionary<string, int> requests = new(StringComparer.OrdinalIgnoreCase);
    private readonly object gate = new();
    private readonly Dictionary<string, Queue<SandboxFailure>> failures = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> corruptions = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Queue<TimeSpan>> delays = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Requests received for an operation, refused and faulted ones included.</summary>
    public int RequestsFor(string operation) => requests.GetValueOrDefault(operation);

    public void ResetRequestCounts() => requests.Clear();

    public void FailNext(string operation, int statusCode, int count, TimeSpan? retryAfter) =>
        Enqueue(failures, operation, new SandboxFailure(statusCode, retryAfter), count);

    public void CorruptNext(string operation, int count)
    {
        lock (gate)
        {
            corruptions[operation] = corruptions.GetValueOrDefault(operation) + count;
        }
    }

    public void DelayNext(string operation, TimeSpan delay, int count) => Enqueue(delays, operation, delay, count);

    /// <summary>Drops every fault not yet served.</summary>
    public void Clear()
    {
        lock (gate)
        {
            failures.Clear();
            corruptions.Clear();
            delays.Clear();
        }
    }

    /// <summary>Counts a request of <paramref name="operation"/> and takes the fault queued for it, if any.</summary>
    public SandboxFault Take(string operation)
    {
        requests.AddOrUpdate(operation, 1, (_, n) => n + 1);
        lock (gate)
        {
            TimeSpan? delay = delays.TryGetValue(operation, out var waits) && waits.Count > 0 ? waits.Dequeue() : null;
            SandboxFailure? failure = failures.TryGetValue(operation, out var queue) && queue.Count > 0 ? queue.Dequeue() : null;
            var corrupt = failure is null && corruptions.GetValueOrDefault(operation) > 0;
            if (corrupt)
            {
                corruptions[operation]--;
            }

            return new SandboxFault(delay, failure, corrupt);
        }
    }

    private void Enqueue<T>(Dictionary<string, Queue<T>> queues, string operation, T item, int count)
    {
        lock (gate)
        {
            if (!queues.TryGetValue(operation, out var queue))
            {
                queues[operation] = queue = new Queue<T>();
            }

            for (var i = 0; i < count; i++)
            {
                queue.Enqueue(item);
            }
        }
    }
}

public readonly record struct SandboxFailure(int Status, TimeSpan? RetryAfter);

/// <param name="Delay">Answer only after this long.</param>
/// <param name="Failure">Answer this status instead.</param>
/// <param name="Corrupt">Answer 200 with a truncated body.</param>
public readonly record struct SandboxFault(TimeSpan? Delay, SandboxFailure? Failure, bool Corrupt);
