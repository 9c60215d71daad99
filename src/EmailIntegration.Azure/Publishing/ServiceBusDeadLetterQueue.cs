using Azure.Messaging.ServiceBus;
using EmailIntegration.Pipeline.Operations;

namespace EmailIntegration.Azure.Publishing;

/// <summary>
/// The Service Bus tracking queue's dead-letter sub-queue (Azure): messages that failed MaxDeliveryCount times, or that
/// the apply stage dead-lettered with a reason. The data-plane roles can't read the queue's runtime counts, so the
/// messages are counted by peeking, up to <see cref="CountLimit"/>.
/// </summary>
public sealed class ServiceBusDeadLetterQueue(ServiceBusClient client, string queueName) : IPoisonQueue
{
    public const int CountLimit = 1000;
    private const int ShownLimit = 32;

    public string QueueName => queueName;

    public string PoisonName => queueName + "/$deadletterqueue";

    public async Task<PoisonListing> ListAsync(CancellationToken cancellationToken)
    {
        await using var receiver = client.CreateReceiver(queueName, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var shown = new List<PoisonMessage>();
        var total = 0;
        long? next = null;
        while (total < CountLimit)
        {
            var batch = await receiver.PeekMessagesAsync(100, next, cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            total += batch.Count;
            next = batch[^1].SequenceNumber + 1;
            shown.AddRange(batch.Take(ShownLimit - shown.Count)
                .Select(m => PoisonMessage.Describe(m.MessageId, m.EnqueuedTime, m.Body.ToMemory(), m.DeadLetterReason)));
        }

        return new PoisonListing(Math.Min(total, CountLimit), shown, total >= CountLimit);
    }

    /// <summary>
    /// Sends each message back as a new message (a new MessageId: the queue's duplicate detection would drop the
    /// original id within its window; the same SessionId), then completes the dead-lettered one.
    /// </summary>
    public async Task<int> RequeueAsync(CancellationToken cancellationToken)
    {
        await using var receiver = client.CreateReceiver(queueName, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        await using var sender = client.CreateSender(queueName);
        var moved = 0;
        while (true)
        {
            var batch = await receiver.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(5), cancellationToken);
            if (batch.Count == 0)
            {
                return moved;
            }

            foreach (var message in batch)
            {
                await sender.SendMessageAsync(new ServiceBusMessage(message.Body)
                {
                    MessageId = "requeued-" + Guid.NewGuid().ToString("N"),
                    SessionId = message.SessionId,
                    ContentType = message.ContentType,
                }, cancellationToken);
                await receiver.CompleteMessageAsync(message, cancellationToken);
                moved++;
            }
        }
    }
}
