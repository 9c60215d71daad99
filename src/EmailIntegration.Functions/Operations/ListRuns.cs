using EmailIntegration.Functions.Http;
using EmailIntegration.Functions.Security;
using EmailIntegration.Pipeline.Operations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Operations;

/// <summary>GET the runs started in [from, to), newest first, paged: per vendor the status and window, per run the counts.</summary>
public sealed class ListRuns(RunOverviewReader runs, ILogger<ListRuns> logger)
{
    [Function(nameof(ListRuns))]
    [RequiresRole(ApiRoles.Operations)]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Runs)] HttpRequest request,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(logger, async () => ApiResults.Json(await runs.ListAsync(ApiResults.PageRequestOf(request), cancellationToken)));
}
