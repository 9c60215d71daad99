using EmailIntegration.Pipeline.Serve;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Http;

/// <summary>GET the individual's E-Mail Integration tab: the first page of every child form.</summary>
public sealed class GetEmailIntegrationTab(EmailIntegrationTabReader reader, ILogger<GetEmailIntegrationTab> logger)
{
    [Function(nameof(GetEmailIntegrationTab))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "individuals/{individualId}/email-integration")] HttpRequest request,
        string individualId,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(logger, async () => await reader.GetTabAsync(individualId, cancellationToken) is { } tab
            ? ApiResults.Json(tab)
            : ApiResults.Problem(StatusCodes.Status404NotFound, "No e-mail integration data for this individual."));
}
