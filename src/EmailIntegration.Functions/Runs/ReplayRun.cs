using EmailIntegration.Functions.Http;
using EmailIntegration.Functions.Security;
using EmailIntegration.Pipeline.Runs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Runs;

/// <summary>An operator replays a night: the run's landed files are landed again and fanned out by the blob trigger.</summary>
public sealed class ReplayRun(RunReplayer replayer, ILogger<ReplayRun> logger)
{
    [Function(nameof(ReplayRun))]
    [RequiresRole(ApiRoles.Operations)]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.RunReplay)] HttpRequest request,
        string runId,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(logger, async () => await replayer.ReplayAsync(runId, cancellationToken) is { } replay
            ? ApiResults.Json(replay, StatusCodes.Status202Accepted)
            : ApiResults.Problem(StatusCodes.Status404NotFound, "No run with this id has landed files."));
}
