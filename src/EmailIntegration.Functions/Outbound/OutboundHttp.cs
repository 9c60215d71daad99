using EmailIntegration.Functions.Http;
using EmailIntegration.Pipeline.Outbound;
using EmailIntegration.Pipeline.Serve;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Outbound;

/// <summary>The outbound endpoints' body limits and their 202 answer with a Location.</summary>
public static class OutboundHttp
{
    /// <summary>10,000 recipients with a handful of fields each fit comfortably.</summary>
    public const int MaxBlastBodyBytes = 8 * 1024 * 1024;

    public const int MaxOptOutBodyBytes = 16 * 1024;

    /// <summary>As <see cref="ApiResults.HandleAsync"/>, plus 409 for a blast id taken by other content.</summary>
    public static Task<IActionResult> HandleAsync(ILogger logger, Func<Task<IActionResult>> action) =>
        ApiResults.HandleAsync(logger, async () =>
        {
            try
            {
                return await action();
            }
            catch (BlastConflictException ex)
            {
                return ApiResults.Problem(StatusCodes.Status409Conflict, "The blast id is taken.", ex.Message);
            }
        });

    /// <summary>202 Accepted, <c>Location</c> set, the value as the API's JSON.</summary>
    public static IActionResult Accepted(string location, object value) => new AcceptedJson(location, value);

    private sealed class AcceptedJson(string location, object value) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            context.HttpContext.Response.Headers.Location = location;
            ApiResults.MarkPrivate(context.HttpContext.Response);
            return new JsonResult(value, ApiJson.Options) { StatusCode = StatusCodes.Status202Accepted }.ExecuteResultAsync(context);
        }
    }
}
