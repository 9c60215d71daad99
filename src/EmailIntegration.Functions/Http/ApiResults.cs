using EmailIntegration.Pipeline.Serve;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Http;

/// <summary>
/// JSON and RFC 7807 problem responses shared by the HTTP functions: a client error says what to
/// fix; a server error says nothing about its cause (no stack trace, no data).
/// </summary>
public static class ApiResults
{
    public static IActionResult Json(object value) => new JsonResult(value, ApiJson.Options) { StatusCode = StatusCodes.Status200OK };

    public static IActionResult Problem(int status, string title, string? detail = null) =>
        new ObjectResult(new ProblemDetails { Status = status, Title = title, Detail = detail })
        {
            StatusCode = status,
            ContentTypes = { "application/problem+json" },
        };

    public static async Task<IActionResult> HandleAsync(ILogger logger, Func<Task<IActionResult>> action)
    {
        try
        {
            return await action();
        }
        catch (InvalidRequestException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, $"Invalid {ex.Parameter}.", ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Request failed");
            return Problem(StatusCodes.Status500InternalServerError, "The request failed.");
        }
    }
}
