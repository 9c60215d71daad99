using EmailIntegration.Functions.Http;
using EmailIntegration.Functions.Security;
using EmailIntegration.Pipeline.Outbound;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Outbound;

/// <summary>Who a blast's push held back and why (ids and reasons, never addresses), paged with a signed token.</summary>
public sealed class GetBlastSuppressed(BlastSuppressionReport report, ILogger<GetBlastSuppressed> logger)
{
    [Function(nameof(GetBlastSuppressed))]
    [RequiresRole(ApiRoles.BlastsSend)]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.BlastSuppressed)] HttpRequest request,
        string blastId,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(logger, async () =>
            await report.GetPageAsync(blastId, ApiResults.PageRequestOf(request), cancellationToken) is { } page
                ? ApiResults.Json(page)
                : ApiResults.Problem(StatusCodes.Status404NotFound, "No blast with this id."));
}
