using EmailIntegration.Functions.Security;
using EmailIntegration.Pipeline.Serve;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Http;

/// <summary>
/// GET one page of one child form. One function per route, each a line over the form's row in
/// <see cref="ChildForms"/>: the Functions host picks among overlapping routes by function name, not
/// by ASP.NET Core's precedence (azure-functions-host#9876), so no route here is a parameter that
/// could shadow another.
/// </summary>
public sealed class GetChildFormPage(EmailIntegrationTabReader reader, ILogger<GetChildFormPage> logger)
{
    [Function("GetTrackingPage")]
    [RequiresRole(ApiRoles.TabRead, ViewLink = true)]
    public Task<IActionResult> Tracking(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.TrackingPage)] HttpRequest request,
        string individualId, CancellationToken cancellationToken) => ServeAsync("tracking", request, individualId, cancellationToken);

    [Function("GetLinkTrackingPage")]

    [RequiresRole(ApiRoles.TabRead, ViewLink = true)]
    public Task<IActionResult> LinkTracking(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.LinkTrackingPage)] HttpRequest request,
        string individualId, CancellationToken cancellationToken) => ServeAsync("link-tracking", request, individualId, cancellationToken);

    [Function("GetFaxTrackingPage")]

    [RequiresRole(ApiRoles.TabRead, ViewLink = true)]
    public Task<IActionResult> FaxTracking(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.FaxTrackingPage)] HttpRequest request,
        string individualId, CancellationToken cancellationToken) => ServeAsync("fax-tracking", request, individualId, cancellationToken);

    [Function("GetUnsubscribesPage")]

    [RequiresRole(ApiRoles.TabRead, ViewLink = true)]
    public Task<IActionResult> Unsubscribes(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.UnsubscribesPage)] HttpRequest request,
        string individualId, CancellationToken cancellationToken) => ServeAsync("unsubscribes", request, individualId, cancellationToken);

    [Function("GetBouncesPage")]

    [RequiresRole(ApiRoles.TabRead, ViewLink = true)]
    public Task<IActionResult> Bounces(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.BouncesPage)] HttpRequest request,
        string individualId, CancellationToken cancellationToken) => ServeAsync("bounces", request, individualId, cancellationToken);

    [Function("GetCommunicationsPage")]

    [RequiresRole(ApiRoles.TabRead, ViewLink = true)]
    public Task<IActionResult> Communications(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.CommunicationsPage)] HttpRequest request,
        string individualId, CancellationToken cancellationToken) => ServeAsync("communications", request, individualId, cancellationToken);

    [Function("GetCustomerActionsPage")]

    [RequiresRole(ApiRoles.TabRead, ViewLink = true)]
    public Task<IActionResult> CustomerActions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.CustomerActionsPage)] HttpRequest request,
        string individualId, CancellationToken cancellationToken) => ServeAsync("customer-actions", request, individualId, cancellationToken);

    [Function("GetInterestActivitiesPage")]

    [RequiresRole(ApiRoles.TabRead, ViewLink = true)]
    public Task<IActionResult> InterestActivities(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.InterestActivitiesPage)] HttpRequest request,
        string individualId, CancellationToken cancellationToken) => ServeAsync("interest-activities", request, individualId, cancellationToken);

    private Task<IActionResult> ServeAsync(string segment, HttpRequest request, string individualId, CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(logger, async () =>
            await reader.GetPageAsync(individualId, ChildForms.Get(segment), ApiResults.PageRequestOf(request), cancellationToken) is { } page
                ? ApiResults.Json(page)
                : ApiResults.UnknownIndividual());
}
