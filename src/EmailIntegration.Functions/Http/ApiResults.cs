using System.Text;
using EmailIntegration.Pipeline.Serve;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Http;

/// <summary>
/// JSON, HTML and RFC 7807 problem responses shared by the HTTP functions: a client error says what
/// to fix; a server error says nothing about its cause (no stack trace, no data).
/// </summary>
public static class ApiResults
{
    public const string ProblemJson = "application/problem+json";

    /// <summary>The API's JSON; never cached and never sniffed as anything else (it carries members' data).</summary>
    public static IActionResult Json(object value, int status = StatusCodes.Status200OK) => new PrivateJson(value, status);

    /// <summary>The headers of every response that carries personal data: no cache keeps it, no browser reinterprets it.</summary>
    public static void MarkPrivate(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Content-Type-Options"] = "nosniff";
    }

    /// <param name="postsToSelf">The page has a form posting to this app (CSP form-action 'self' instead of 'none').</param>
    public static IActionResult Html(string html, bool postsToSelf = false) => new HtmlResult(html, postsToSelf);

    public static IActionResult Problem(int status, string title, string? detail = null) =>
        new ObjectResult(new ProblemDetails { Status = status, Title = title, Detail = detail })
        {
            StatusCode = status,
            ContentTypes = { ProblemJson },
        };

    public static IActionResult UnknownIndividual() =>
        Problem(StatusCodes.Status404NotFound, "No e-mail integration data for this individual.");

    /// <summary>The paging and filter query values (<c>pageSize</c>, <c>continuationToken</c>, <c>from</c>, <c>to</c>, <c>vendor</c>).</summary>
    public static PageRequest PageRequestOf(HttpRequest request) => PageRequest.Parse(
        request.Query["pageSize"], request.Query["continuationToken"], request.Query["from"], request.Query["to"], request.Query["vendor"]);

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
        catch (Pipeline.Runs.RetentionExpiredException ex)
        {
            return Problem(StatusCodes.Status410Gone, "Older than the retention.", ex.Message);
        }
        catch (RequestBody.TooLargeException ex)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "The body is too large.", ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Request failed");
            return Problem(StatusCodes.Status500InternalServerError, "The request failed.");
        }
    }

    /// <summary>JSON with <see cref="MarkPrivate"/>'s headers; <see cref="Value"/> and <see cref="StatusCode"/> as a JsonResult's.</summary>
    public sealed class PrivateJson : JsonResult
    {
        public PrivateJson(object value, int status)
            : base(value, ApiJson.Options) => StatusCode = status;

        public override Task ExecuteResultAsync(ActionContext context)
        {
            MarkPrivate(context.HttpContext.Response);
            return base.ExecuteResultAsync(context);
        }
    }

    /// <summary>A server-rendered page: UTF-8, not cached, no referrer (its URL may carry a view link), no script.</summary>
    private sealed class HtmlResult(string html, bool postsToSelf) : IActionResult
    {
        public async Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "text/html; charset=utf-8";
            response.Headers.CacheControl = "no-store";
            response.Headers["Referrer-Policy"] = "no-referrer";
            response.Headers["X-Content-Type-Options"] = "nosniff";
            response.Headers.ContentSecurityPolicy = 
                "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action " + (postsToSelf ? "'self'" : "'none'") + "; frame-ancestors 'none'";
            var bytes = Encoding.UTF8.GetBytes(html);
            response.ContentLength = bytes.Length;
            await response.Body.WriteAsync(bytes, context.HttpContext.RequestAborted);
        }
    }
}
