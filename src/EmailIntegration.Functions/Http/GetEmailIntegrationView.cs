using EmailIntegration.Functions.Http.Pages;
using EmailIntegration.Functions.Security;
using EmailIntegration.Pipeline.Serve;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Http;

/// <summary>
/// GET the tab as one HTML page. Takes the tab's filters (<c>pageSize</c>, <c>from</c>, <c>to</c>,
/// <c>vendor</c>) and, per form, <c>{form}.continuationToken</c> for its paging links.
/// </summary>
public sealed class GetEmailIntegrationView(EmailIntegrationTabReader reader, ILogger<GetEmailIntegrationView> logger)
{
    [Function(nameof(GetEmailIntegrationView))]
    [RequiresRole(ApiRoles.TabRead, ViewLink = true)]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.EmailIntegrationView)] HttpRequest request,
        string individualId,
        CancellationToken cancellationToken) =>
        ApiResults.HandleAsync(logger, async () =>
        {
            var tokens = ChildForms.All.ToDictionary(f => f.Segment, f => (string?)request.Query[f.ViewTokenParameter].ToString());
            var filters = ApiResults.PageRequestOf(request) with { ContinuationToken = null };
            var query = request.Query.SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? string.Empty))).ToList();
            return await reader.GetTabAsync(individualId, filters, cancellationToken, tokens) is { } tab
                ? ApiResults.Html(EmailIntegrationTabPage.Render(tab, query))
                : ApiResults.UnknownIndividual();
        });
}
