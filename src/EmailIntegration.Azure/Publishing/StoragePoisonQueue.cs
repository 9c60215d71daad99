using Azure.Storage.Queues;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Pipeline.Operations;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Azure.Publishing;

/// <summary>
/// The tracking queue's poison queue (<c>{TrackingQueue}-poison</c>), where the host moves a
/// message after host.json's maxDequeueCount failed attempts: list what is there, and move it back
/// to the tracking queue once the cause is fixed. Re-queuing is safe to repeat: a message is sent
/// back before it is deleted from poison (at worst it is applied twice, which changes nothing).
/// </summary>
public sealed class StoragePoisonQueue(QueueServiceClient queues, IOptions<EmailIntegrationOptions> options) : IPoisonQueue
{
    private const int PeekLimit = 32;

    public QueueClient Main { get; } = queues.GetQueueClient(options.Value.TrackingQueue);

    public QueueClient Poison { get; } = queues.GetQueueClient(options.Value.TrackingQueue + "-poison");

    public string QueueName => Main.Name;

    public string PoisonName => Poison.Name;

    /// <summary>The first messages (a queue can show at most 32 without taking them) and the approximate total.</summary>
    public async Task<PoisonListing> ListAsync(CancellationToken cancellationToken)
    {
        if (!(await Poison.ExistsAsync(cancellationToken)).Value)
        {
            return PoisonListing.Empty;
        }

        var total = (await Poison.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        var peeked = (await Poison.PeekMessagesAsync(PeekLimit, cancellationToken)).Value;
        return new PoisonListing(total, peeked.Select(m => PoisonMessage.Describe(m.MessageId, m.InsertedOn, m.Body.ToMemory())).ToList());
    }

    /// <summary>Moves every poison message back to the tracking queue; returns how many moved.</summary>
    public async Task<int> RequeueAsync(CancellationToken cancellationToken)
    {
        if (!(await Poison.ExistsAsync(cancellationToken)).Value)
        {
            return 0;
        }

        await Main.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var moved = 0;
        while (true)
        {
            var batch = (await Poison.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), cancellationToken)).Value;
            if (batch.Length == 0)
            {
                return moved;
            }

            foreach (var message in batch)
            {
                await Main.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
                await Poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                moved++;
            }
        }
    }
}
