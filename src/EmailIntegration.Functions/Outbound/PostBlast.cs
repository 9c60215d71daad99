using EmailIntegration.Functions.Http;
using EmailIntegration.Functions.Security;
using EmailIntegration.Pipeline.Outbound;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Outbound;

/// <summary>A blast from the AMS: validated, landed in Blob, status Accepted, queued; 202 with the status and its Location.</summary>
public sealed class PostBlast(BlastService blasts, ILogger<PostBlast> logger)
{
    [Function(nameof(PostBlast))]
    [RequiresRole(ApiRoles.BlastsSend)]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Blasts)] HttpRequest request,
        CancellationToken cancellationToken) =>
        OutboundHttp.HandleAsync(logger, async () =>
        {
            var status = await blasts.AcceptAsync(await RequestBody.ReadJsonAsync<BlastRequest>(request, OutboundHttp.MaxBlastBodyBytes, cancellationToken), cancellationToken);
            return OutboundHttp.Accepted($"/api/blasts/{status.BlastId}", status);
        });
}
