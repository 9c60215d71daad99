using Azure.Storage.Queues;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Pipeline.FanOut;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Azure.Publishing;

/// <summary>
/// Storage queue transport (Azurite locally and in CI). Storage queues have no duplicate
/// detection; the apply stage is idempotent, so a re-sent message changes nothing.
/// </summary>
public sealed class StorageQueuePublisher(QueueServiceClient queues, IOptions<EmailIntegrationOptions> options)
    : ITrackingMessagePublisher
{
    private const int MaxParallelSends = 16;
    private readonly QueueClient queue = queues.GetQueueClient(options.Value.TrackingQueue);

    /// <summary>64 KB a message after base64, which grows bodies by a third.</summary>
    public int MaxBodyBytes => 64 * 1024 / 4 * 3;

    public Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = MaxParallelSends, CancellationToken = cancellationToken },
            async (message, ct) => await queue.SendMessageAsync(new BinaryData(message.Body), cancellationToken: ct));
}
