using EmailIntegration.Functions.Http;
using EmailIntegration.Functions.Security;
using EmailIntegration.Pipeline.Individuals;
using EmailIntegration.Pipeline.Serve;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Individuals;

/// <summary>GET the individual's e-mail profile: address, validity, do-not-email, preferences, scoring and interests.</summary>
public sealed class GetIndividualProfile(IndividualProfileService profiles, ILogger<GetIndividualProfile> logger)
{
    [Function(nameof(GetIndividualProfile))]
    [RequiresRole(ApiRoles.TabRead)]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.IndividualProfile)] HttpRequest request,
        string individualId,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(logger, async () =>
        {
            EmailIntegrationTabReader.EnsureValidIndividualId(individualId);
            return await profiles.GetAsync(individualId, cancellationToken) is { } profile
                ? ApiResults.Json(profile)
                : ApiResults.Problem(StatusCodes.Status404NotFound, "No profile for this individual.");
        });
}
