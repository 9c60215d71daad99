using System.Text.Json;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Rules;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.Erasure;
using EmailIntegration.Pipeline.Serve;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Pipeline.Outbound;

/// <summary>
/// Processes one outbound queue message: a blast (push the landed recipients to its vendor) or an opt-out (push it to
/// every enabled vendor). A permanent failure is recorded (status Failed with the reason) and the message completes; a
/// transient one is recorded and thrown, so the host retries, and on the last attempt (<see cref="OutboundOptions.MaxDequeueCount"/>)
/// it is recorded as Failed before the host moves the message to the poison queue. Idempotent: a Pushed blast and an
/// opt-out's Pushed vendors are never pushed again. Each blast recipient is checked against their profile when the blast
/// is first pushed (<see cref="SuppressionRule"/>); the decisions are kept (<see cref="ISuppressionLedger"/>), so a retry
/// or a replayed message pushes the same recipients and never one that was held back. An erased individual (their
/// tombstone) is held back whatever the blast's kind, and an opt-out of theirs still queued is dropped.
/// </summary>
public sealed class OutboundProcessor(
    IBlastStore blasts,
    IBlastStatusStore statuses,
    IOptOutResultStore optOutResults,
    IIndividualDocumentStore individuals,
    ISuppressionLedger ledger,
    IErasureLedger erasures,
    IEnumerable<IOutboundVendor> vendors,
    FieldMapper mapper,
    IOptions<OutboundOptions> options,
    TimeProvider time,
    ILogger<OutboundProcessor> logger)
{
    private const int ProfileReadParallelism = 16;
    private readonly IReadOnlyList<IOutboundVendor> vendors = vendors.ToList();

    public async Task ProcessAsync(string messageId, ReadOnlyMemory<byte> body, long dequeueCount, CancellationToken cancellationToken)
    {
        OutboundMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<OutboundMessage>(body.Span, ApiJson.Options);
        }
        catch (JsonException)
        {
            message = null;
        }

        if (message is null || string.IsNullOrEmpty(message.Id))
        {
            // Thrown, so the host keeps it in the poison queue: nothing is dropped silently.
            throw new InvalidOperationException($"Outbound message {messageId} is not readable.");
        }

        var lastAttempt = dequeueCount >= options.Value.MaxDequeueCount;
        switch (message.Kind)
        {
            case OutboundMessageKind.Blast:
                await PushBlastAsync(message.Id, (int)dequeueCount, lastAttempt, cancellationToken);
                break;
            case OutboundMessageKind.OptOut:
                await PushOptOutAsync(message, (int)dequeueCount, lastAttempt, cancellationToken);
                break;
            default:
                throw new InvalidOperationException($"Outbound message {messageId} has an unknown kind.");
        }
    }

    public async Task PushBlastAsync(string blastId, int attempt, bool lastAttempt, CancellationToken cancellationToken)
    {
        var status = await statuses.GetAsync(blastId, cancellationToken);
        if (status is null)
        {
            logger.LogWarning("Blast {BlastId} has no status; nothing to push", blastId);
            return;
        }

        if (status.Status == BlastState.Pushed)
        {
            logger.LogInformation("Blast {BlastId} was already pushed; nothing to do", blastId);
            return;
        }

        var blast = await blasts.ReadAsync(blastId, cancellationToken);
        if (blast?.Recipients is null)
        {
            await SetAsync(status, BlastState.Failed, "The landed blast is missing or unreadable.", cancellationToken);
            return;
        }

        var vendor = vendors.FirstOrDefault(v => v.Vendor == status.Vendor);
        if (vendor is not { IsEnabled: true })
        {
            await SetAsync(status, BlastState.Failed, $"The vendor {status.Vendor} is not enabled or configured.", cancellationToken);
            return;
        }

        var decisions = await ledger.ReadAsync(blastId, cancellationToken)
            ?? await ledger.RecordOnceAsync(await DecideAsync(blastId, blast, status, cancellationToken), cancellationToken);
        var sent = decisions.Recipients.Where(d => d.IsSent).Select(d => d.IndividualId).ToHashSet(StringComparer.Ordinal);
        var recipients = blast.Recipients.Where(r => r.IndividualId is { } id && sent.Contains(id)).ToList();
        var suppressed = SuppressedCounts.Of(decisions.Recipients);
        var unknown = decisions.Recipients.Count(d => d.Verdict == RecipientVerdict.SendUnknownIndividual);

        status = await statuses.ReplaceAsync(status with
        {
            Status = BlastState.Pushing,
            Attempts = status.Attempts + 1,
            Suppressed = suppressed,
            UnknownIndividuals = unknown,
            UpdatedAt = time.GetUtcNow(),
        }, cancellationToken);
        if (recipients.Count == 0)
        {
            // Everyone was held back: nothing to send, and a vendor may refuse an empty list.
            await statuses.ReplaceAsync(status with { Status = BlastState.Pushed, UpdatedAt = time.GetUtcNow() }, cancellationToken);
            logger.LogInformation("Blast {BlastId}: every recipient suppressed ({Suppressed}); nothing pushed", blastId, suppressed.Total);
            return;
        }

        BlastPushOutcome outcome;
        try
        {
            outcome = await vendor.PushBlastAsync(mapper.Map(blastId, vendor.Vendor, status.MailingType, recipients), cancellationToken);
        }
        catch (VendorPushException ex) when (ex.Permanent)
        {
            logger.LogWarning("Blast {BlastId} refused by {Vendor}: {Reason}", blastId, vendor.Vendor, ex.Message);
            await SetAsync(status, BlastState.Failed, ex.Message, cancellationToken);
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = Reason(ex);
            logger.LogWarning("Blast {BlastId} push to {Vendor} failed (attempt {Attempt}): {Reason}", blastId, vendor.Vendor, attempt, reason);
            await SetAsync(status, lastAttempt ? BlastState.Failed : BlastState.Pushing,
                lastAttempt ? $"Gave up after {attempt} attempts: {reason}" : $"Attempt {attempt} failed: {reason}", cancellationToken);
            throw;
        }

        var final = outcome.Refused > 0 ? BlastState.Failed : BlastState.Pushed;
        await statuses.ReplaceAsync(status with
        {
            Status = final,
            Pushed = outcome.Pushed,
            Refused = outcome.Refused,
            Reason = outcome.Refused > 0 ? $"{outcome.Refused} of {recipients.Count} recipients refused by {vendor.Vendor}: {outcome.RefusedReason}" : null,
            UpdatedAt = time.GetUtcNow(),
        }, cancellationToken);
        logger.LogInformation("Blast {BlastId}: {Pushed} pushed, {Refused} refused by {Vendor}, {Suppressed} suppressed, {Unknown} unknown individuals",
            blastId, outcome.Pushed, outcome.Refused, vendor.Vendor, suppressed.Total, unknown);
    }

    /// <summary>Every recipient against their profile as it is now (point reads, a few at a time).</summary>
    private async Task<BlastDecisions> DecideAsync(string blastId, BlastRequest blast, BlastStatus status, CancellationToken cancellationToken)
    {
        var recipients = blast.Recipients!;
        var kind = blast.Kind ?? status.Kind;
        var decisions = new RecipientDecision[recipients.Count];
        var erased = await erasures.ReadTombstonesAsync(TimeSpan.Zero, cancellationToken);
        await Parallel.ForEachAsync(Enumerable.Range(0, recipients.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ProfileReadParallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var id = recipients[i].IndividualId ?? string.Empty;
                if (erased.Contains(id))
                {
                    decisions[i] = new RecipientDecision(id, RecipientVerdict.Suppress, SuppressionReason.Erased);
                    return;
                }

                var snapshot = await individuals.ReadAsync(id, [ProfileDocument.DocumentId], ct);
                var decision = SuppressionRule.Decide(
                    snapshot.Documents.GetValueOrDefault(ProfileDocument.DocumentId) as ProfileDocument, status.MailingType, kind);
                decisions[i] = new RecipientDecision(id, decision.Verdict, decision.Reason);
            });
        return new BlastDecisions(blastId, kind, time.GetUtcNow(), decisions);
    }

    public async Task PushOptOutAsync(OutboundMessage message, int attempt, bool lastAttempt, CancellationToken cancellationToken)
    {
        if (message.IndividualId is null || message.MailingType is null || message.OptedOutAt is null)
        {
            throw new InvalidOperationException($"Opt-out message {message.Id} lacks its individual, mailing type or time.");
        }

        if ((await erasures.ReadTombstonesAsync(TimeSpan.Zero, cancellationToken)).Contains(message.IndividualId))
        {
            // Queued before the erasure: pushing it would record the individual again (status rows name them).
            logger.LogInformation("Opt-out {OptOutId} dropped: its individual was erased", message.Id);
            return;
        }

        var done = await optOutResults.GetAsync(message.Id, cancellationToken);
        var pending = vendors.Where(v => v.IsEnabled && done.GetValueOrDefault(v.Vendor)?.State is not (VendorPushState.Pushed or VendorPushState.Skipped)).ToList();
        if (pending.Count == 0)
        {
            logger.LogInformation("Opt-out {OptOutId} was already pushed to every vendor", message.Id);
            return;
        }

        var snapshot = await individuals.ReadAsync(message.IndividualId, [ProfileDocument.DocumentId], cancellationToken);
        var email = (snapshot.Documents.GetValueOrDefault(ProfileDocument.DocumentId) as ProfileDocument)?.Email;
        var push = new OptOutPush(message.Id, message.IndividualId, email, message.MailingType, message.OptedOutAt.Value);

        var transient = new List<Exception>();
        foreach (var vendor in pending)
        {
            var attempts = (done.GetValueOrDefault(vendor.Vendor)?.Attempts ?? 0) + 1;
            VendorPushResult Result(VendorPushState state, string? reason) =>
                new(vendor.Vendor, state, reason, attempts, time.GetUtcNow(), message.IndividualId, message.MailingType);
            try
            {
                var outcome = await vendor.PushOptOutAsync(push, cancellationToken);
                await optOutResults.SaveAsync(message.Id, Result(outcome.State, outcome.Reason), cancellationToken);
            }
            catch (VendorPushException ex) when (ex.Permanent)
            {
                logger.LogWarning("Opt-out {OptOutId} refused by {Vendor}: {Reason}", message.Id, vendor.Vendor, ex.Message);
                await optOutResults.SaveAsync(message.Id, Result(VendorPushState.Failed, ex.Message), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var reason = Reason(ex);
                logger.LogWarning("Opt-out {OptOutId} push to {Vendor} failed (attempt {Attempt}): {Reason}", message.Id, vendor.Vendor, attempt, reason);
                await optOutResults.SaveAsync(message.Id,
                    Result(VendorPushState.Failed, lastAttempt ? $"Gave up after {attempt} attempts: {reason}" : $"Attempt {attempt} failed: {reason}"),
                    cancellationToken);
                transient.Add(ex);
            }
        }

        if (transient.Count > 0)
        {
            // The host retries; the vendors recorded as Pushed are skipped then.
            throw transient.Count == 1 ? transient[0] : new AggregateException(transient);
        }
    }

    private async Task SetAsync(BlastStatus status, BlastState state, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await statuses.ReplaceAsync(status with { Status = state, Reason = reason, UpdatedAt = time.GetUtcNow() }, cancellationToken);
        }
        catch (ConcurrencyConflictException)
        {
            var current = await statuses.GetAsync(status.BlastId, cancellationToken);
            if (current is not null && current.Status != BlastState.Pushed)
            {
                await statuses.ReplaceAsync(current with { Status = state, Reason = reason, UpdatedAt = time.GetUtcNow() }, cancellationToken);
            }
        }
    }

    /// <summary>Our own exception messages name the vendor and operation only; anything else is reported by its type.</summary>
    private static string Reason(Exception ex) => ex switch
    {
        VendorPushException push => push.Message,
        _ => ex.GetType().Name,
    };
}
