using Azure.Storage.Queues.Models;
using EmailIntegration.Pipeline.Outbound;
using Microsoft.Azure.Functions.Worker;

namespace EmailIntegration.Functions.Outbound;

/// <summary>
/// The outbound queue: pushes a landed blast to its vendor, or an AMS opt-out to every enabled vendor. A transient
/// failure throws (the host retries, then moves the message to <c>{OutboundQueue}-poison</c>, the status Failed with the
/// reason); a permanent one is recorded as Failed and the message completes.
/// </summary>
public sealed class PushBlast(OutboundProcessor processor)
{
    [Function(nameof(PushBlast))]
    public Task Run([QueueTrigger("%OutboundQueue%")] QueueMessage message, CancellationToken cancellationToken) =>
        processor.ProcessAsync(message.MessageId, message.Body.ToMemory(), message.DequeueCount, cancellationToken);
}
