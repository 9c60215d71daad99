using EmailIntegration.Functions.Http;
using EmailIntegration.Functions.Security;
using EmailIntegration.Pipeline.Changes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Changes;

/// <summary>The AMS change feed: changes to what the AMS keeps for an individual, in commit order, after a signed cursor.</summary>
public sealed class GetChanges(ChangeFeed feed, ILogger<GetChanges> logger)
{
    [Function(nameof(GetChanges))]
    [RequiresRole(ApiRoles.ChangesRead)]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Changes)] HttpRequest request,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(logger, async () =>
            ApiResults.Json(await feed.ReadAsync(request.Query["after"], request.Query["pageSize"], cancellationToken)));
}
