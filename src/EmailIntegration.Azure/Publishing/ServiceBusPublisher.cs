using Azure.Messaging.ServiceBus;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Pipeline.FanOut;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Azure.Publishing;

/// <summary>
/// Service Bus transport (Azure): safe batching, MessageId for the queue's duplicate detection,
/// SessionId = individual so one individual's messages are applied by one handler at a time.
/// </summary>
public sealed class ServiceBusPublisher(ServiceBusSender sender, IOptions<EmailIntegrationOptions> options)
    : ITrackingMessagePublisher
{
    public int MaxBodyBytes => options.Value.ServiceBusMaxBodyBytes;

    public async Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        var batch = await sender.CreateMessageBatchAsync(cancellationToken);
        try
        {
            foreach (var message in messages)
            {
                var busMessage = ToServiceBusMessage(message);
                if (batch.TryAddMessage(busMessage))
                {
                    continue;
                }

                if (batch.Count == 0)
                {
                    throw new InvalidOperationException($"Message {message.MessageId} is larger than a Service Bus batch allows.");
                }

                await sender.SendMessagesAsync(batch, cancellationToken);
                batch.Dispose();
                batch = await sender.CreateMessageBatchAsync(cancellationToken);
                if (!batch.TryAddMessage(busMessage))
                {
                    throw new InvalidOperationException($"Message {message.MessageId} is larger than a Service Bus batch allows.");
                }
            }

            if (batch.Count > 0)
            {
                await sender.SendMessagesAsync(batch, cancellationToken);
            }
        }
        finally
        {
            batch.Dispose();
        }
    }

    public static ServiceBusMessage ToServiceBusMessage(OutgoingMessage message) => new(message.Body)
    {
        MessageId = message.MessageId,
        SessionId = message.SessionId,
        ContentType = "application/json",
    };
}
