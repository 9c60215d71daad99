using EmailIntegration.Domain.Documents;
using EmailIntegration.Functions.Http;
using EmailIntegration.Pipeline.Serve;
using Microsoft.AspNetCore.Http;

namespace EmailIntegration.Functions.Individuals;

/// <summary>Reads and checks the body of PUT /api/individuals/{id}: bounded (413 past the limit), JSON, with a plausible address.</summary>
public static class AmsIndividualRequest
{
    public const int MaxBodyBytes = 64 * 1024;

    public static async Task<AmsIndividual> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // JSON "null" reads as no individual.
        var individual = await RequestBody.ReadJsonAsync<AmsIndividual>(request, MaxBodyBytes, cancellationToken);
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
