using System.Text.Json;
using EmailIntegration.Pipeline.Changes;
using EmailIntegration.Pipeline.Serve;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Pipeline.AmsWebhook;

/// <summary>
/// Pushes the AMS change feed to <c>Ams:WebhookUrl</c> (off while it is empty): from the cursor kept between runs, each
/// batch is POSTed as a <c>/api/changes</c> page (one parser for both), signed per Standard Webhooks with a
/// <c>webhook-id</c> derived from the batch's change ids. Delivered (2xx): the cursor moves past it. Not delivered within
/// the retry budget, or refused (4xx but 408/429): the batch is parked with its reason first, then the cursor moves on; a
/// batch parked because the AMS is unreachable ends the run, so an outage parks one batch per run, not the whole feed.
/// A parked batch is re-sent by an operator (<see cref="ResendAsync"/>) with the same id and changes.
/// </summary>
public sealed class AmsChangePush(
    ChangeFeed feed, IAmsDeliveryStore store, IAmsWebhookSender sender, IOptions<AmsWebhookOptions> options, ILogger<AmsChangePush> logger)
{
    /// <summary>Parked deliveries the operations page lists.</summary>
    public const int ParkedShown = 50;

    public bool Enabled => options.Value.Enabled;

    public async Task<AmsPushResult> PushAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return AmsPushResult.Off;
        }

        var cursor = await store.ReadCursorAsync(cancellationToken);
        var result = new AmsPushResult(true, 0, 0, 0);
        for (var batches = 0; batches < settings.MaxBatchesPerRun; batches++)
        {
            var batch = await feed.ReadBatchAsync(cursor.Position, settings.BatchSize, cancellationToken);
            if (batch.Page.Items.Count == 0)
            {
                break;
            }

            var outcome = await DeliverAsync(batch, cursor.Position, cancellationToken);
            cursor = await store.MoveCursorAsync(batch.Last!, cursor, cancellationToken);
            result = result.Add(outcome, batch.Page.Items.Count);
            if (outcome == DeliveryOutcome.Transient || !batch.Page.More)
            {
                break;
            }
        }

        return result;
    }

    /// <summary>
    /// Sends a parked delivery again (the same changes, the same id). Null for an unknown id; a delivery already
    /// delivered is not sent again (<see cref="ResendResult.Sent"/> false), so repeating a resend is harmless.
    /// </summary>
    /// <exception cref="InvalidRequestException">A malformed id, or the push is off.</exception>
    public async Task<ResendResult?> ResendAsync(string deliveryId, CancellationToken cancellationToken)
    {
        if (!AmsDeliveryRules.IsDeliveryId(deliveryId))
        {
            throw new InvalidRequestException("deliveryId", "A delivery id is msg_ and 32 lowercase hex digits, as the operations page shows it.");
        }

        if (!options.Value.Enabled)
        {
            throw new InvalidRequestException("deliveryId", "The AMS webhook is off (Ams:WebhookUrl is not set): nothing can be re-sent.");
        }

        if (await store.GetAsync(deliveryId, cancellationToken) is not { } parked)
        {
            return null;
        }

        if (parked.State == ParkedState.Delivered)
        {
            return new ResendResult(parked, Sent: false);
        }

        var batch = await feed.ReadBatchAsync(parked.After, parked.Count, cancellationToken);
        if (AmsDeliveryRules.DeliveryIdOf(batch.Page.Items.Select(i => i.ChangeId)) != deliveryId)
        {
            throw new InvalidOperationException($"The feed no longer gives delivery {deliveryId}'s changes at its position.");
        }

        var attempts = await sender.SendAsync(deliveryId, Body(batch.Page), cancellationToken);
        var updated = Resent(parked, attempts);
        await store.SaveAsync(updated, cancellationToken);
        logger.LogInformation("AMS webhook delivery {DeliveryId} re-sent: {State}, status {Status}, {Attempts} attempt(s)",
            deliveryId, updated.State, attempts.Status, attempts.Attempts);
        return new ResendResult(updated, Sent: true);
    }

    public Task<IReadOnlyList<ParkedDelivery>> ListParkedAsync(CancellationToken cancellationToken) =>
        store.ListParkedAsync(ParkedShown, cancellationToken);

    /// <summary>The body of a delivery: exactly what GET /api/changes answers for the same page.</summary>
    public static string Body(ChangeFeedPage page) => JsonSerializer.Serialize(page, ApiJson.Options);

    private async Task<DeliveryOutcome> DeliverAsync(ChangeFeedBatch batch, ChangePosition? after, CancellationToken cancellationToken)
    {
        var id = AmsDeliveryRules.DeliveryIdOf(batch.Page.Items.Select(i => i.ChangeId));
        var attempts = await sender.SendAsync(id, Body(batch.Page), cancellationToken);
        if (attempts.Outcome != DeliveryOutcome.Delivered)
        {
            var reason = AmsDeliveryRules.ReasonOf(attempts);
            await store.SaveAsync(new ParkedDelivery(id, after, batch.Page.Items.Count, ParkedState.Parked, attempts.Status, reason,
                attempts.Attempts, attempts.FirstAttemptAt, attempts.LastAttemptAt), cancellationToken);
            logger.LogWarning("AMS webhook delivery {DeliveryId} ({Count} changes) parked: {Reason}", id, batch.Page.Items.Count, reason);
        }

        return attempts.Outcome;
    }

    private static ParkedDelivery Resent(ParkedDelivery parked, DeliveryAttempts attempts) => attempts.Outcome == DeliveryOutcome.Delivered
        ? parked with { State = ParkedState.Delivered, Status = attempts.Status, Attempts = parked.Attempts + attempts.Attempts,
            LastAttemptAt = attempts.LastAttemptAt, DeliveredAt = attempts.LastAttemptAt }
        : parked with { Status = attempts.Status, Reason = AmsDeliveryRules.ReasonOf(attempts), Attempts = parked.Attempts + attempts.Attempts,
            LastAttemptAt = attempts.LastAttemptAt };
}

/// <param name="Enabled">False: <c>Ams:WebhookUrl</c> is not set and nothing was read.</param>
/// <param name="Changes">Changes in the deliveries made (delivered or parked).</param>
public sealed record AmsPushResult(bool Enabled, int Delivered, int Parked, int Changes)
{
    public static AmsPushResult Off { get; } = new(false, 0, 0, 0);

    public AmsPushResult Add(DeliveryOutcome outcome, int changes) => outcome == DeliveryOutcome.Delivered
        ? this with { Delivered = Delivered + 1, Changes = Changes + changes }
        : this with { Parked = Parked + 1, Changes = Changes + changes };
}

/// <param name="Sent">Whether this call sent it (false: it had been delivered already).</param>
public sealed record ResendResult(ParkedDelivery Delivery, bool Sent);
