using EmailIntegration.Functions.Http;
using EmailIntegration.Functions.Security;
using EmailIntegration.Pipeline.Individuals;
using EmailIntegration.Pipeline.Serve;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Individuals;

/// <summary>The AMS sends (or re-sends) an individual: address, do-not-email, mailing-type preferences.</summary>
public sealed class PutIndividual(IndividualProfileService profiles, ILogger<PutIndividual> logger)
{
    [Function(nameof(PutIndividual))]
    [RequiresRole(ApiRoles.IndividualsWrite)]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Routes.Individual)] HttpRequest request,
        string individualId,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(logger, async () =>
        {
            EmailIntegrationTabReader.EnsureValidIndividualId(individualId);
            var individual = await AmsIndividualRequest.ReadAsync(request, cancellationToken);
            await profiles.UpsertFromAmsAsync(individualId, individual, cancellationToken);
            return ApiResults.Json((await profiles.GetAsync(individualId, cancellationToken))!);
        });
}
