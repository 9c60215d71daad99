using EmailIntegration.Pipeline.AmsWebhook;
using Microsoft.Azure.Functions.Worker;

namespace EmailIntegration.Functions.Changes;

/// <summary>Every few minutes (<c>AmsWebhookSchedule</c>): the change feed's new batches to <c>Ams:WebhookUrl</c>; nothing while it is unset.</summary>
public sealed class PushChangesToAms(AmsChangePush push)
{
    [Function(nameof(PushChangesToAms))]
    public Task<AmsPushResult> Run([TimerTrigger("%AmsWebhookSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        push.PushAsync(cancellationToken);
}
