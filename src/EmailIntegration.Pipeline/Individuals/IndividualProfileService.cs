using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Rules;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.Outbound;
using EmailIntegration.Pipeline.Serve;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Pipeline.Individuals;

/// <summary>
/// The AMS side of the individual: PUT merges what the AMS sends into the profile document (with
/// the same ETag retry as the apply stage), GET reads it back.
/// </summary>
public sealed class IndividualProfileService(
    IIndividualDocumentStore store,
    EffectRules rules,
    TimeProvider time,
    ILogger<IndividualProfileService> logger)
{
    /// <summary>Preferences one PUT may carry: an AMS has a handful of mailing types, never hundreds.</summary>
    public const int MaxPreferencesPerRequest = 100;

    /// <summary>Distinct mailing types a profile may hold (AMS and vendor unsubscribes together), so it stays small.</summary>
    public const int MaxPreferencesPerProfile = 200;

    private const int MaxAttempts = 20;
    private const int FirstPageSize = 25;

    /// <exception cref="InvalidRequestException">Too many or too long preferences, a type twice, a time in the future.</exception>
    public async Task<ProfileDocument> UpsertFromAmsAsync(string individualId, AmsIndividual individual, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        EnsureValidPreferences(individual, now);
        for (var attempt = 1; ; attempt++)
        {
            var snapshot = await store.ReadAsync(individualId, [ProfileDocument.DocumentId], cancellationToken);
            var profile = snapshot.Documents.GetValueOrDefault(ProfileDocument.DocumentId) as ProfileDocument
                ?? ProfileDocument.New(individualId);
            profile.ApplyAms(individual, now, rules);
            if (profile.CommunicationPreferences.Count > MaxPreferencesPerProfile)
            {
                throw new InvalidRequestException("communicationPreferences",
                    $"A profile holds at most {MaxPreferencesPerProfile} mailing types; this one would hold more.");
            }

            try
            {
                await store.SaveAsync(individualId, [profile], snapshot, cancellationToken);
                return profile;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                logger.LogDebug("Concurrent update of individual {IndividualId}'s profile; attempt {Attempt}", individualId, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Bounded and unambiguous: at most <see cref="MaxPreferencesPerRequest"/>, each type 1 to
    /// <see cref="BlastRequestValidator.MaxMailingTypeLength"/> printable characters and named once (compared as the profile
    /// keys them, <see cref="Normalize.GroupName"/>), no <c>changedAt</c> beyond the opt-outs' clock skew.
    /// </summary>
    private static void EnsureValidPreferences(AmsIndividual individual, DateTimeOffset now)
    {
        var preferences = individual.CommunicationPreferences ?? [];
        if (preferences.Count > MaxPreferencesPerRequest)
        {
            throw new InvalidRequestException("communicationPreferences", $"At most {MaxPreferencesPerRequest} preferences per request.");
        }

        var types = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < preferences.Count; i++)
        {
            var where = $"communicationPreferences[{i}]";
            var type = preferences[i]?.MailingType;
            if (string.IsNullOrWhiteSpace(type) || type.Length > BlastRequestValidator.MaxMailingTypeLength || type.Any(char.IsControl))
            {
                throw new InvalidRequestException(where + ".mailingType",
                    $"Every preference needs a mailing type of 1 to {BlastRequestValidator.MaxMailingTypeLength} printable characters.");
            }

            if (!types.Add(Normalize.GroupName(type)))
            {
                throw new InvalidRequestException(where + ".mailingType", "The mailing type is in the list twice (ignoring case and spaces).");
            }

            if (preferences[i].ChangedAt is { } changedAt && changedAt > now + OptOutService.AllowedClockSkew)
            {
                throw new InvalidRequestException(where + ".changedAt", "The change time is in the future.");
            }
        }
    }

    /// <summary>The profile with the first page of customer actions and interest activities; null when there is none.</summary>
    public async Task<IndividualProfile?> GetAsync(string individualId, CancellationToken cancellationToken)
    {
        var snapshot = await store.ReadAsync(individualId, [ProfileDocument.DocumentId], cancellationToken);
        if (snapshot.Documents.GetValueOrDefault(ProfileDocument.DocumentId) is not ProfileDocument profile)
        {
            return null;
        }

        // A person's activity only: withdrawn records (only machines clicked) have no time and are left out by the forms' filter.
        var actionsForm = Serve.ChildForms.Get("customer-actions");
        var interestsForm = Serve.ChildForms.Get("interest-activities");
        var actions = store.QueryAsync(
            individualId, new FormQuery(actionsForm.DocumentType, FirstPageSize, RequiredTime: actionsForm.RequiredTime), cancellationToken);
        var interests = store.QueryAsync(
            individualId, new FormQuery(interestsForm.DocumentType, FirstPageSize, RequiredTime: interestsForm.RequiredTime), cancellationToken);
        await Task.WhenAll(actions, interests);
        return ProfileMapping.ToProfile(
            profile,
            new ProfilePage<CustomerActionItem>(
                actions.Result.Documents.Cast<CustomerActionDocument>().Select(ProfileMapping.ToItem).ToList(), actions.Result.More),
            new ProfilePage<InterestActivityItem>(
                interests.Result.Documents.Cast<InterestActivityDocument>().Select(ProfileMapping.ToItem).ToList(), interests.Result.More));
    }
}
