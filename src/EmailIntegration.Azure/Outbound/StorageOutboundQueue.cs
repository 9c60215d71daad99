using System.Text.Json;
using Azure.Storage.Queues;
using EmailIntegration.Pipeline.Outbound;
using EmailIntegration.Pipeline.Serve;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Azure.Outbound;

/// <summary>The outbound Storage queue; bodies are JSON (base64 on the wire, as the queue trigger expects).</summary>
public sealed class StorageOutboundQueue(QueueServiceClient queues, IOptions<OutboundStorageOptions> options) : IOutboundQueue
{
    private readonly QueueClient queue = queues.GetQueueClient(options.Value.OutboundQueue);

    public Task SendAsync(OutboundMessage message, CancellationToken cancellationToken) =>
        queue.SendMessageAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(message, ApiJson.Options)), cancellationToken: cancellationToken);
}
