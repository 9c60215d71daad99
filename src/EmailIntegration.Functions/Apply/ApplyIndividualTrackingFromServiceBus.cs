// Built only with -p:EnableServiceBusTrigger=true (deploy builds, see azure.yaml): the trigger
// package is not served on our build machines. The same applier handles both transports.
using Azure.Messaging.ServiceBus;
using EmailIntegration.Pipeline.Apply;
using Microsoft.Azure.Functions.Worker;

namespace EmailIntegration.Functions.Apply;

/// <summary>Stage 3 on Service Bus: sessions keep one individual's messages on one handler.</summary>
public sealed class ApplyIndividualTrackingFromServiceBus(IndividualTrackingApplier applier)
{
    /// <summary>The queue's maxDeliveryCount (infra/core/messaging/servicebus.bicep): after it, Service Bus dead-letters.</summary>
    public const int MaxDeliveryCount = 10;

    [Function(nameof(ApplyIndividualTrackingFromServiceBus))]
    public async Task Run(
        [ServiceBusTrigger("%TrackingQueue%", Connection = "ServiceBus", IsSessionsEnabled = true, AutoCompleteMessages = false)]
        ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        CancellationToken cancellationToken)
    {
        var outcome = await applier.ApplyAsync(
            message.MessageId, message.Body.ToMemory(), cancellationToken, lastAttempt: message.DeliveryCount >= MaxDeliveryCount);
        await (outcome.RejectedReason is { } reason
            ? actions.DeadLetterMessageAsync(message, deadLetterReason: "InvalidMessage", deadLetterErrorDescription: reason, cancellationToken: cancellationToken)
            : actions.CompleteMessageAsync(message, cancellationToken));
    }
}
