using EmailIntegration.Functions.Http;
using EmailIntegration.Functions.Outbound;
using EmailIntegration.Pipeline.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Webhooks;

/// <summary>The webhook route's HTTP edge: bounded body read, the receiver's outcome as a status and problem+json.</summary>
public static class WebhookHttp
{
    public static Task<IActionResult> HandleAsync(
        ILogger logger, WebhookReceiver receiver, HttpRequest request, string service, CancellationToken cancellationToken) =>
        OutboundHttp.HandleAsync(logger, async () =>
        {
            // An unknown service is refused before its body is read; the receiver counts it.
            var limit = receiver.MaxBodyBytes(service) ?? 0;
            ReadOnlyMemory<byte> body;
            try
            {
                body = limit == 0 ? ReadOnlyMemory<byte>.Empty : await RequestBody.ReadAsync(request, limit, cancellationToken);
            }
            catch (RequestBody.TooLargeException)
            {
                return ResultOf(receiver.TooLarge(service));
            }

            var headers = request.Headers;
            return ResultOf(await receiver.ReceiveAsync(service, new WebhookRequest(body, name => headers.TryGetValue(name, out var value) ? value.ToString() : null), cancellationToken));
        });

    public static IActionResult ResultOf(WebhookReceipt receipt) => receipt.Outcome switch
    {
        WebhookOutcome.Landed => ApiResults.Json(new { status = "landed" }),
        WebhookOutcome.Duplicate => ApiResults.Json(new { status = "duplicate" }),
        WebhookOutcome.Handshake => ApiResults.Json(new { status = "confirmed" }),
        WebhookOutcome.UnknownService => ApiResults.Problem(StatusCodes.Status404NotFound, "No webhook for this service.", receipt.Reason),
        WebhookOutcome.TooLarge => ApiResults.Problem(StatusCodes.Status413PayloadTooLarge, "The body is too large.", receipt.Reason),
        WebhookOutcome.Unauthorized => ApiResults.Problem(StatusCodes.Status401Unauthorized, "The request is not signed by the service.", receipt.Reason),
        _ => ApiResults.Problem(StatusCodes.Status400BadRequest, "The request is not a webhook of this service.", receipt.Reason),
    };
}
