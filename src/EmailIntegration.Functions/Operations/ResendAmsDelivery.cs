using EmailIntegration.Functions.Http;
using EmailIntegration.Functions.Security;
using EmailIntegration.Pipeline.AmsWebhook;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Operations;

/// <summary>An operator re-sends a parked AMS webhook delivery (listed on the operations page) once the AMS takes it again.</summary>
public sealed class ResendAmsDelivery(AmsChangePush push, ILogger<ResendAmsDelivery> logger)
{
    [Function(nameof(ResendAmsDelivery))]
    [RequiresRole(ApiRoles.Operations)]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.OperationsAmsDeliveryResend)] HttpRequest request,
        string deliveryId,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(logger, async () =>
        {
            SameOrigin.Ensure(request);
            return await push.ResendAsync(deliveryId, cancellationToken) is { } resent
                ? ApiResults.Json(resent)
                : ApiResults.Problem(StatusCodes.Status404NotFound, "No parked delivery with this id.");
        });
}
