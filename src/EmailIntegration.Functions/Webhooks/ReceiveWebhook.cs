using EmailIntegration.Functions.Http;
using EmailIntegration.Functions.Security;
using EmailIntegration.Pipeline.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Webhooks;

/// <summary>
/// An e-mail service's event webhook (SendGrid, Mailgun, Amazon SES via SNS, Postmark): verified, landed raw, answered.
/// Anonymous at the host: the services authenticate by their own signature or credentials, which the receiver checks
/// on every request (a function key in the registered URL would be a credential in a URL).
/// </summary>
public sealed class ReceiveWebhook(WebhookReceiver receiver, ILogger<ReceiveWebhook> logger)
{
    [Function(nameof(ReceiveWebhook))]
    [NoRole("Signed by the e-mail service itself (SendGrid ECDSA, Mailgun HMAC, SNS signature, Postmark Basic): a service cannot get an Entra ID token, and a key in the registered URL would be a credential in a URL")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Webhook)] HttpRequest request,
        string service,
        CancellationToken cancellationToken) =>
        WebhookHttp.HandleAsync(logger, receiver, request, service, cancellationToken);
}
