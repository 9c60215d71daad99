using System.Text.Json;
using EmailIntegration.Pipeline.Serve;
using Microsoft.AspNetCore.Http;

namespace EmailIntegration.Functions.Http;

/// <summary>
/// The one reader of request bodies for every HTTP function: bounded (a body past its limit is
/// <see cref="TooLargeException"/>, answered 413 by <see cref="ApiResults.HandleAsync"/>), and never
/// echoing the body in an error (it holds addresses).
/// </summary>
public static class RequestBody
{
    /// <summary>The JSON body as <typeparamref name="T"/>; an empty or malformed body is <see cref="InvalidRequestException"/> on "body".</summary>
    public static async Task<T?> ReadJsonAsync<T>(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        var body = await ReadAsync(request, maxBytes, cancellationToken);
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
            // The parser's message can echo the body; say only where it broke (a JSON path holds names, not values).
            throw new InvalidRequestException("body", $"The body is not valid JSON for this request (at {ex.Path ?? "$"}).");
        }
    }

    /// <summary>The raw body, byte for byte; <see cref="TooLargeException"/> past <paramref name="maxBytes"/>, read no further.</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            throw new TooLargeException(maxBytes);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new TooLargeException(maxBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    /// <summary>A body over its route's limit: 413 problem+json.</summary>
    public sealed class TooLargeException(int maxBytes) : Exception($"The body may have at most {maxBytes} bytes.")
    {
        public int MaxBytes { get; } = maxBytes;
    }
}
