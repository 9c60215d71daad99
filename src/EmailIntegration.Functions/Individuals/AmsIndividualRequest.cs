using System.Text.Json;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Pipeline.Serve;
using Microsoft.AspNetCore.Http;

namespace EmailIntegration.Functions.Individuals;

/// <summary>Reads and checks the body of PUT /api/individuals/{id}: bounded, JSON, with a plausible address.</summary>
public static class AmsIndividualRequest
{
    public const int MaxBodyBytes = 64 * 1024;

    public static async Task<AmsIndividual> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is > MaxBodyBytes)
        {
            throw new InvalidRequestException("body", $"The body is larger than {MaxBodyBytes} bytes.");
        }

        var buffer = new byte[MaxBodyBytes + 1];
        var length = 0;
        int read;
        while ((read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
            if (length > MaxBodyBytes)
            {
                throw new InvalidRequestException("body", $"The body is larger than {MaxBodyBytes} bytes.");
            }
        }

        AmsIndividual? individual;
        try
        {
            individual = JsonSerializer.Deserialize<AmsIndividual>(buffer.AsSpan(0, length), ApiJson.Options);
        }
        catch (JsonException)
        {
            // The parser's message can echo the body (an address); say only where it broke.
            throw new InvalidRequestException("body", "The body is not a valid individual (JSON).");
        }

        if (individual is null)
        {
            throw new InvalidRequestException("body", "The body is empty.");
        }

        if (individual.Email is { } email && (email.Length > 254 || email.Count(c => c == '@') != 1 || email.Any(char.IsWhiteSpace)))
        {
            throw new InvalidRequestException("email", "The e-mail address is not valid.");
        }

        if (individual.CommunicationPreferences?.Any(p => string.IsNullOrWhiteSpace(p?.MailingType)) == true)
        {
            throw new InvalidRequestException("communicationPreferences", "Every preference needs a mailing type.");
        }

        return individual;
    }
}
