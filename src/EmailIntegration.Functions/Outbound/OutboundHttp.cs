using System.Text.Json;
using EmailIntegration.Functions.Http;
using EmailIntegration.Pipeline.Outbound;
using EmailIntegration.Pipeline.Serve;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Functions.Outbound;

/// <summary>The outbound endpoints' body reading (bounded: 413 beyond the limit) and their 202 answer with a Location.</summary>
public static class OutboundHttp
{
    /// <summary>10,000 recipients with a handful of fields each fit comfortably.</summary>
    public const int MaxBlastBodyBytes = 8 * 1024 * 1024;

    public const int MaxOptOutBodyBytes = 16 * 1024;

    /// <summary>As <see cref="ApiResults.HandleAsync"/>, plus 413 for a body over the limit and 409 for a blast id taken by other content.</summary>
    public static Task<IActionResult> HandleAsync(ILogger logger, Func<Task<IActionResult>> action) =>
        ApiResults.HandleAsync(logger, async () =>
        {
            try
            {
                return await action();
            }
            catch (BodyTooLargeException ex)
            {
                return ApiResults.Problem(StatusCodes.Status413PayloadTooLarge, "The body is too large.", ex.Message);
            }
            catch (BlastConflictException ex)
            {
                return ApiResults.Problem(StatusCodes.Status409Conflict, "The blast id is taken.", ex.Message);
            }
        });

    /// <summary>The JSON body as <typeparamref name="T"/>; never echoes the body (it holds addresses).</summary>
    public static async Task<T?> ReadJsonAsync<T>(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(request, maxBytes, cancellationToken);
        if (body.Length == 0)
        {
            throw new InvalidRequestException("body", "The body is empty.");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(body.Span, ApiJson.Options);
        }
        catch (JsonException ex)
        {
            // The parser's message can echo the body; say only where it broke.
            throw new InvalidRequestException("body", $"The body is not valid JSON for this request (at {ex.Path ?? "$"}).");
        }
    }

    /// <summary>The raw body, byte for byte; <see cref="BodyTooLargeException"/> past <paramref name="maxBytes"/>, read no further.</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            throw new BodyTooLargeException($"The body may have at most {maxBytes} bytes.");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new BodyTooLargeException($"The body may have at most {maxBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    /// <summary>202 Accepted, <c>Location</c> set, the value as the API's JSON.</summary>
    public static IActionResult Accepted(string location, object value) => new AcceptedJson(location, value);

    public sealed class BodyTooLargeException(string message) : Exception(message);

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
