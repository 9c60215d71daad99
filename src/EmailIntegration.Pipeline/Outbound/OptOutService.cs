using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Rules;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.Serve;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Pipeline.Outbound;

/// <summary>
/// An opt-out from the AMS (POST /api/individuals/{id}/opt-outs): recorded on the profile as an AMS communication
/// preference (<see cref="ProfileDocument.ApplyAms"/>, with the address the profile already holds, under the same ETag
/// retry as the PUT), then queued for every enabled vendor. The id is deterministic, so a re-post is the same opt-out.
/// </summary>
public sealed class OptOutService(
    IIndividualDocumentStore store,
    IOutboundQueue queue,
    IEnumerable<IOutboundVendor> vendors,
    EffectRules rules,
    TimeProvider time,
    ILogger<OptOutService> logger)
{
    private const int MaxAttempts = 20;
    /// <summary>How far ahead of our clock a caller's time may be; later is refused (a year-9999 time would win every later change).</summary>
    public static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(5);

    /// <returns>Null when the AMS has not sent the individual (no profile).</returns>
    /// <exception cref="InvalidRequestException">The request is not valid.</exception>
    public async Task<OptOutAccepted?> RecordAsync(string individualId, OptOutRequest? request, CancellationToken cancellationToken)
    {
        EmailIntegrationTabReader.EnsureValidIndividualId(individualId);
        var mailingType = request?.MailingType?.Trim();
        if (string.IsNullOrEmpty(mailingType) || mailingType.Length > BlastRequestValidator.MaxMailingTypeLength || mailingType.Any(char.IsControl))
        {
            throw new InvalidRequestException("mailingType", $"The mailing type is required (at most {BlastRequestValidator.MaxMailingTypeLength} characters).");
        }

        var now = time.GetUtcNow();
        var optedOutAt = (request!.OptedOutAt ?? now).ToUniversalTime();
        if (optedOutAt > now + AllowedClockSkew)
        {
            throw new InvalidRequestException("optedOutAt", "The opt-out time is in the future.");
        }

        for (var attempt = 1; ; attempt++)
        {
            var snapshot = await store.ReadAsync(individualId, [ProfileDocument.DocumentId], cancellationToken);
            if (snapshot.Documents.GetValueOrDefault(ProfileDocument.DocumentId) is not ProfileDocument profile)
            {
                return null;
            }

            profile.ApplyAms(new AmsIndividual(profile.Email, CommunicationPreferences: [new AmsCommunicationPreference(mailingType, OptedOut: true, optedOutAt)]), now, rules);
            if (profile.CommunicationPreferences.Count > Individuals.IndividualProfileService.MaxPreferencesPerProfile)
            {
                throw new InvalidRequestException("mailingType",
                    $"A profile holds at most {Individuals.IndividualProfileService.MaxPreferencesPerProfile} mailing types; this one would hold more.");
            }

            try
            {
                await store.SaveAsync(individualId, [profile], snapshot, cancellationToken);
                break;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), cancellationToken);
            }
        }

        var optOutId = OutboundIds.OptOutId(individualId, mailingType, optedOutAt);
        await queue.SendAsync(OutboundMessage.OptOut(optOutId, individualId, mailingType, optedOutAt), cancellationToken);
        var to = vendors.Where(v => v.IsEnabled).Select(v => v.Vendor).ToList();
        logger.LogInformation("Opt-out {OptOutId} of individual {IndividualId} from {MailingType} queued for {Vendors}",
            optOutId, individualId, mailingType, string.Join(", ", to));
        return new OptOutAccepted(optOutId, individualId, mailingType, optedOutAt, to);
    }
}
