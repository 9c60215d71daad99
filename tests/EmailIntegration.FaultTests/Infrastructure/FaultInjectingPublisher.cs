using EmailIntegration.Pipeline.FanOut;

namespace EmailIntegration.FaultTests.Infrastructure;

/// <summary>
/// Wraps the queue publisher. <see cref="ArmMidPublish"/>'s action runs after the first half of a publish went
/// out (the test kills the queue emulator there); <see cref="FailAfterPublishing"/> makes the next
/// publishes throw after every message was sent (the answer lost), so the retried fan-out sends
/// every message a second time.
/// </summary>
public sealed class FaultInjectingPublisher(ITrackingMessagePublisher inner) : ITrackingMessagePublisher
{
    private int published;
    private Func<Task>? mid;

    public int MaxBodyBytes => inner.MaxBodyBytes;

    public int FailAfterPublishing { get; set; }

    /// <summary>Messages the transport accepted, re-sends included.</summary>
    public int Published => Volatile.Read(ref published);

    public async Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref mid, null) is { } midPublish)
        {
            var half = messages.Count / 2;
            await inner.PublishAsync(messages.Take(half).ToList(), cancellationToken);
            Interlocked.Add(ref published, half);
            await midPublish();
            await inner.PublishAsync(messages.Skip(half).ToList(), cancellationToken);
            Interlocked.Add(ref published, messages.Count - half);
            return;
        }

        await inner.PublishAsync(messages, cancellationToken);
        Interlocked.Add(ref published, messages.Count);
        if (FailAfterPublishing > 0)
        {
            FailAfterPublishing--;
            throw new HttpRequestException("Injected: the queue's answer to the last send was lost.");
        }
    }

    /// <summary>Runs <paramref name="action"/> once, after the first half of the next publish went out.</summary>
    public void ArmMidPublish(Func<Task> action) => mid = action;
}
