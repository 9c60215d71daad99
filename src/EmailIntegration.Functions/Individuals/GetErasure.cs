using EmailIntegration.Functions.Http;
using EmailIntegration.Functions.Security;
using EmailIntegration.Pipeline.Erasure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Individuals;

/// <summary>What an erasure removed, per store, with counts; its status and times. Never the individual's id.</summary>
public sealed class GetErasure(IndividualErasure erasure, ILogger<GetErasure> logger)
{
    [Function(nameof(GetErasure))]
    [RequiresRole(ApiRoles.IndividualsWrite)]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Erasure)] HttpRequest request,
        string erasureId,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(logger, async () => await erasure.GetAsync(erasureId, cancellationToken) is { } record
            ? ApiResults.Json(record)
            : ApiResults.Problem(StatusCodes.Status404NotFound, "No erasure with this id."));
}
