using EmailIntegration.Functions.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Http;

/// <summary>
/// A profile screen (signed in, <c>Tab.Read</c>) asks for a view link to embed: the page's URL for this one individual
/// with a short-lived, read-only <c>viewToken</c> instead of any credential.
/// </summary>
public sealed class CreateViewLink(ViewLinks links, ILogger<CreateViewLink> logger)
{
    [Function(nameof(CreateViewLink))]
    [RequiresRole(ApiRoles.TabRead)]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.IndividualViewLinks)] HttpRequest request,
        string individualId) =>
        ApiResults.HandleAsync(logger, () =>
        {
            var (token, expiresAt) = links.Create(individualId);
            var url = $"/api/individuals/{individualId}/email-integration/view?{ViewLinks.QueryParameter}={Uri.EscapeDataString(token)}";
            return Task.FromResult(ApiResults.Json(new { url, expiresAt }, StatusCodes.Status201Created));
        });
}
