using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Rules;
using EmailIntegration.Pipeline.Apply;
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
    private const int MaxAttempts = 20;
    private const int FirstPageSize = 25;

    public async Task<ProfileDocument> UpsertFromAmsAsync(string individualId, AmsIndividual individual, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var snapshot = await store.ReadAsync(individualId, [ProfileDocument.DocumentId], cancellationToken);
            var profile = snapshot.Documents.GetValueOrDefault(ProfileDocument.DocumentId) as ProfileDocument
                ?? ProfileDocument.New(individualId);
            profile.ApplyAms(individual, time.GetUtcNow(), rules);
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
