using EmailIntegration.Functions.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace EmailIntegration.Functions.Security;

/// <summary>
/// Decides whether a request may reach an HTTP function, from what the function declares (<see cref="RequiresRoleAttribute"/>,
/// <see cref="NoRoleAttribute"/>): a valid bearer token carrying the role (validated here, in the worker, by the JwtBearer
/// handler: Entra ID in Azure, the local issuer locally), or for routes that allow it a view link for the route's
/// individual. No principal header is read (<c>X-MS-CLIENT-PRINCIPAL</c> and the like): only a token we validate counts.
/// </summary>
public sealed class ApiAuthorizer(ViewLinks viewLinks)
{
    public const string RolesClaim = "roles";

    /// <returns>Null to go on; otherwise the 401 or 403 problem to answer with.</returns>
    public async Task<IActionResult?> AuthorizeAsync(HttpContext http, HttpFunction function, Func<string, string?> routeValue)
    {
        if (function.NoRole is not null)
        {
            return null;
        }

        if (function.Role is not { } required)
        {
            // Fail closed: a route that declares nothing is nobody's.
            return Forbidden("This route declares no role yet.");
        }

        var viewToken = http.Request.Query[ViewLinks.QueryParameter].ToString();
        if (required.ViewLink && viewToken.Length > 0)
        {
            return HttpMethods.IsGet(http.Request.Method) && viewLinks.IsValidFor(viewToken, routeValue("individualId"))
                ? null
                : Unauthorized("The view link is not valid for this individual, or has expired: open the tab again from the profile screen.");
        }

        var authentication = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (!authentication.Succeeded || authentication.Principal is not { } principal)
        {
            return Unauthorized("A valid bearer token is required.");
        }

        if (!principal.Claims.Any(c => c.Type == RolesClaim && string.Equals(c.Value, required.Role, StringComparison.Ordinal)))
        {
            return Forbidden($"This route needs the role {required.Role}.");
        }

        http.User = principal;
        return null;
    }

    private static IActionResult Unauthorized(string detail) =>
        new Challenge(ApiResults.Problem(StatusCodes.Status401Unauthorized, "Not authenticated.", detail));

    private static IActionResult Forbidden(string detail) =>
        ApiResults.Problem(StatusCodes.Status403Forbidden, "Not allowed.", detail);

    /// <summary>A 401 that names the scheme (RFC 6750: <c>WWW-Authenticate: Bearer</c>).</summary>
    private sealed class Challenge(IActionResult problem) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return problem.ExecuteResultAsync(context);
        }
    }
}
