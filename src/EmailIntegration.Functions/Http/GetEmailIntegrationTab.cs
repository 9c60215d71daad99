using EmailIntegration.Functions.Security;
using EmailIntegration.Pipeline.Serve;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Http;

/// <summary>GET the individual's E-Mail Integration tab: the profile flags and the first page of every child form.</summary>
public sealed class GetEmailIntegrationTab(EmailIntegrationTabReader reader, ILogger<GetEmailIntegrationTab> logger)
{
    [Function(nameof(GetEmailIntegrationTab))]

    [RequiresRole(ApiRoles.TabRead, ViewLink = true)]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.EmailIntegrationTab)] HttpRequest request,
        string individualId,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(logger, async () =>
            await reader.GetTabAsync(individualId, ApiResults.PageRequestOf(request) with { ContinuationToken = null }, cancellationToken) is { } tab
                ? ApiResults.Json(tab)
                : ApiResults.UnknownIndividual());
}
