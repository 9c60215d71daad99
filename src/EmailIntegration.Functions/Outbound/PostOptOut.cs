using EmailIntegration.Functions.Http;
using EmailIntegration.Functions.Security;
using EmailIntegration.Pipeline.Outbound;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Outbound;

/// <summary>An opt-out from the AMS: on the profile now, queued for every enabled vendor; 202 with the opt-out id.</summary>
public sealed class PostOptOut(OptOutService optOuts, ILogger<PostOptOut> logger)
{
    [Function(nameof(PostOptOut))]
    [RequiresRole(ApiRoles.IndividualsWrite)]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.IndividualOptOuts)] HttpRequest request,
        string individualId,
        CancellationToken cancellationToken) =>
        OutboundHttp.HandleAsync(logger, async () =>
            await optOuts.RecordAsync(individualId, await RequestBody.ReadJsonAsync<OptOutRequest>(request, OutboundHttp.MaxOptOutBodyBytes, cancellationToken), cancellationToken) is { } accepted
                ? OutboundHttp.Accepted($"/api/individuals/{individualId}/profile", accepted)
                : ApiResults.Problem(StatusCodes.Status404NotFound, "The AMS has not sent this individual yet."));
}
