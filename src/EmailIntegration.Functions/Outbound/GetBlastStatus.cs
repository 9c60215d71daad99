using EmailIntegration.Functions.Http;
using EmailIntegration.Functions.Security;
using EmailIntegration.Pipeline.Outbound;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Outbound;

/// <summary>A blast's status: Accepted → Pushing → Pushed | Failed (with the reason), and its counts.</summary>
public sealed class GetBlastStatus(BlastService blasts, ILogger<GetBlastStatus> logger)
{
    [Function(nameof(GetBlastStatus))]
    [RequiresRole(ApiRoles.BlastsSend)]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Blast)] HttpRequest request,
        string blastId,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(logger, async () =>
            await blasts.GetStatusAsync(BlastRequestValidator.EnsureValidBlastId(blastId), cancellationToken) is { } status
                ? ApiResults.Json(status)
                : ApiResults.Problem(StatusCodes.Status404NotFound, "No blast with this id."));
}
