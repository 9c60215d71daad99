using Azure.Storage.Queues.Models;
using EmailIntegration.Pipeline.Apply;
using Microsoft.Azure.Functions.Worker;

namespace EmailIntegration.Functions.Apply;

/// <summary>
/// Stage 3 on a Storage queue (Azurite locally and in CI). A message that can't be applied is
/// quarantined with its reason by the applier; a transient failure throws, and the host retries
/// and finally moves the message to the poison queue.
/// </summary>
public sealed class ApplyIndividualTracking(IndividualTrackingApplier applier)
{
    /// <summary>host.json's extensions.queues.maxDequeueCount: the delivery after which a failure poisons the message.</summary>
    public const int MaxDequeueCount = 5;

    [Function(nameof(ApplyIndividualTracking))]
    public Task<ApplyOutcome> Run([QueueTrigger("%TrackingQueue%")] QueueMessage message, CancellationToken cancellationToken) =>
        applier.ApplyAsync(message.MessageId, message.Body.ToMemory(), cancellationToken, lastAttempt: message.DequeueCount >= MaxDequeueCount);
}
