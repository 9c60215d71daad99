using EmailIntegration.Functions.Http;
using EmailIntegration.Functions.Http.Pages;
using EmailIntegration.Functions.Security;
using EmailIntegration.Pipeline.AmsWebhook;
using EmailIntegration.Pipeline.Operations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Operations;

/// <summary>
/// The operations pages (<see cref="OperationsPage"/>): the last nights, a run, and the poison queue's re-queue, which is
/// a GET confirmation page whose form POSTs a signed, short-lived confirmation (<see cref="RequeueConfirmation"/>).
/// </summary>
public sealed class OperationsPages(RunOverviewReader runs, RequeueConfirmation confirmation, AmsChangePush amsPush, ILogger<OperationsPages> logger)
{
    /// <summary>The nights shown on the first page.</summary>
    public const int NightsShown = 14;

    [Function("GetOperationsPage")]
    [RequiresRole(ApiRoles.Operations)]
    public Task<IActionResult> Overview(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Operations)] HttpRequest request,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(logger, async () =>
        {
            var page = ApiResults.PageRequestOf(request);
            page = request.Query.ContainsKey("pageSize") ? page : page with { PageSize = NightsShown };
            return ApiResults.Html(OperationsPage.RenderOverview(
                await runs.ListAsync(page, cancellationToken), await runs.PoisonAsync(cancellationToken), page.ContinuationToken is not null,
                amsPush.Enabled ? await amsPush.ListParkedAsync(cancellationToken) : null));
        });

    [Function("GetOperationsRunPage")]
    [RequiresRole(ApiRoles.Operations)]
    public Task<IActionResult> RunPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.OperationsRun)] HttpRequest request,
        string runId,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(logger, async () => await runs.ReadAsync(runId, cancellationToken) is { } run
            ? ApiResults.Html(OperationsPage.RenderRun(run))
            : ApiResults.Problem(StatusCodes.Status404NotFound, "No run with this id."));

    [Function("GetRequeueConfirmation")]
    [RequiresRole(ApiRoles.Operations)]
    public Task<IActionResult> ConfirmRequeue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.OperationsRequeue)] HttpRequest request,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(logger, async () => ApiResults.Html(
            OperationsPage.RenderRequeueConfirmation(await runs.PoisonAsync(cancellationToken), confirmation.Issue()), postsToSelf: true));

    [Function("PostRequeue")]
    [RequiresRole(ApiRoles.Operations)]
    public Task<IActionResult> Requeue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.OperationsRequeueConfirm)] HttpRequest request,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(logger, async () =>
        {
            SameOrigin.Ensure(request);
            confirmation.Verify(request.HasFormContentType ? (await request.ReadFormAsync(cancellationToken))["confirmation"].ToString() : null);
            var moved = await runs.RequeueAsync(cancellationToken);
            logger.LogInformation("Re-queued {Moved} poisoned message(s)", moved);
            return ApiResults.Html(OperationsPage.RenderRequeued(moved, (await runs.PoisonAsync(cancellationToken)).QueueName));
        });
}

/// <summary>
/// A state-changing request must come from this app's own pages: a browser says where a request came from
/// (<c>Sec-Fetch-Site</c>, else <c>Origin</c>); a request from another site is refused. Clients that are not browsers
/// send neither and are judged by their credential alone.
/// </summary>
public static class SameOrigin
{
    public static void Ensure(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            if (site is not ("same-origin" or "none"))
            {
                throw Refused();
            }

            return;
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            || !string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)))
        {
            throw Refused();
        }
    }

    private static Pipeline.Serve.InvalidRequestException Refused() =>
        new("origin", "A re-queue or a re-send is made from this app's own operations page, or by a client that is not a browser.");
}
