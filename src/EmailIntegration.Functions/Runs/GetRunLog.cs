using EmailIntegration.Functions.Http;
using EmailIntegration.Functions.Security;
using EmailIntegration.Pipeline.Runs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Runs;

/// <summary>GET a night's run log: per vendor the window, pages and errors; per landed file its counts; what was kept aside.</summary>
public sealed class GetRunLog(RunReplayer runs, ILogger<GetRunLog> logger)
{
    [Function(nameof(GetRunLog))]
    [RequiresRole(ApiRoles.Operations)]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Run)] HttpRequest request,
        string runId,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(logger, async () => await runs.ReadAsync(runId, cancellationToken) is { } report
            ? ApiResults.Json(report)
            : ApiResults.Problem(StatusCodes.Status404NotFound, "No run with this id."));
}
