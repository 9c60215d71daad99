using EmailIntegration.Functions.Http;
using EmailIntegration.Functions.Outbound;
using EmailIntegration.Functions.Security;
using EmailIntegration.Pipeline.Erasure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Individuals;

/// <summary>The AMS asks us to forget an individual: 202 with the erasure (id, counts per store); Location is its report.</summary>
public sealed class DeleteIndividual(IndividualErasure erasure, ILogger<DeleteIndividual> logger)
{
    [Function(nameof(DeleteIndividual))]
    [RequiresRole(ApiRoles.IndividualsWrite)]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.Individual)] HttpRequest request,
        string individualId,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(logger, async () =>
        {
            var record = await erasure.EraseAsync(individualId, cancellationToken);
            return OutboundHttp.Accepted("/api/" + Routes.Erasure.Replace("{erasureId}", record.ErasureId, StringComparison.Ordinal), record);
        });
}
