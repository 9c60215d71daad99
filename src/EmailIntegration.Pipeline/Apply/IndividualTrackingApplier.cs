using System.Text.Json;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;
using EmailIntegration.Pipeline.Erasure;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Pipeline.Observability;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Pipeline.Apply;

/// <summary>
/// Stage 3: apply one message's events to the individual's documents. Read, fold, write with
/// optimistic concurrency, and on a conflict read again: every document remembers the events it
/// holds, so a retry, a redelivery or a replay never counts an event twice. A message of an individual erased after it
/// was queued is dropped and counted in the run log as erased (the fan-out drops the rest before they are queued).
/// </summary>
public sealed class IndividualTrackingApplier(
    IIndividualDocumentStore store,
    IQuarantine quarantine,
    IErasureLedger erasures,
    IRunLog runLog,
    EffectRules rules,
    PipelineMetrics metrics,
    ILogger<IndividualTrackingApplier> logger)
{
    private const int MaxAttempts = 20;

    /// <summary>
    /// How old the tombstones a message is checked against may be: one read serves many messages. The fan-out reads them
    /// afresh per file; this covers messages queued before an erasure (README, Erasure).
    /// </summary>
    public static readonly TimeSpan TombstoneMaxAge = TimeSpan.FromSeconds(30);

    /// <param name="lastAttempt">
    /// The transport will not deliver this message again (its delivery count reached the maximum): a failure now moves
    /// it to the poison queue or dead-letter, and is counted as <see cref="PipelineMetrics.MessagesPoisoned"/>.
    /// </param>
    public async Task<ApplyOutcome> ApplyAsync(
        string messageId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken, bool lastAttempt = false)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return await ApplyOnceAsync(messageId, body, cancellationToken);
        }
        catch (Exception) when (lastAttempt && !cancellationToken.IsCancellationRequested)
        {
            metrics.MessagesPoisoned.Add(1);
            throw;
        }
        finally
        {
            metrics.ApplyDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private async Task<ApplyOutcome> ApplyOnceAsync(string messageId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (!TryRead(body, out var message, out var reason))
        {
            // Bad data never gets better by retrying: keep it with the reason and move on.
            await quarantine.RejectMessageAsync(messageId, body, reason!, cancellationToken);
            metrics.MessagesRejected.Add(1);
            logger.LogError("Rejected message {MessageId}: {Reason}", messageId, reason);
            return ApplyOutcome.Rejected(reason!);
        }

        if ((await erasures.ReadTombstonesAsync(TombstoneMaxAge, cancellationToken)).Contains(message!.IndividualId))
        {
            var erasureId = ErasureKey.Of(message.IndividualId);
            var runId = LandedFileName.TryParse(message.SourceFile, out var file) ? file!.RunId : "unknown";
            await runLog.WriteApplyIssueAsync(new ApplyIssueEntry(
                runId, ApplyIssueKind.Erased, erasureId, message.SourceFile, null, message.Events.Count), cancellationToken);
            logger.LogInformation("Dropped message {MessageId}: its individual was erased ({ErasureId})", messageId, erasureId);
            return ApplyOutcome.Erased(message.Events.Count);
        }

        // The profile is read with the rest (one call) to know whether the AMS has sent this individual.
        var documentIds = IndividualProjection.DocumentIdsTouchedBy(message!.Events, rules)
            .Append(ProfileDocument.DocumentId).Distinct(StringComparer.Ordinal).ToList();
        for (var attempt = 1; ; attempt++)
        {
            var snapshot = await store.ReadAsync(message.IndividualId, documentIds, cancellationToken);

            // A delivery or click may change what the mailing's other clicks were: their links' documents follow.
            var following = IndividualProjection.DocumentIdsFollowing(message.Events, snapshot.Documents, rules)
                .Except(documentIds, StringComparer.Ordinal).Where(id => !snapshot.Covers(id)).ToList();
            if (following.Count > 0)
            {
                snapshot = snapshot.With(await store.ReadAsync(message.IndividualId, following, cancellationToken));
            }

            var result = IndividualProjection.Apply(
                message.IndividualId, snapshot.Documents.ToDictionary(), message.Events, rules);
            try
            {
                if (result.Changed.Count > 0)
                {
                    await store.SaveAsync(message.IndividualId, result.Changed, snapshot, cancellationToken);
                }

                var vendor = PipelineMetrics.VendorOfFile(message.SourceFile);
                metrics.EventsApplied.Add(result.Applied, vendor);
                metrics.EventsDuplicate.Add(result.Duplicates, vendor);
                metrics.EventsNotProjected.Add(result.NotProjected, vendor);
                await ReportIssuesAsync(message, snapshot, cancellationToken);
                return ApplyOutcome.Done(result.Applied, result.Duplicates, result.Changed.Count);
            }
            catch (DocumentTooLargeException ex)
            {
                // Retrying cannot shrink it: keep the message with the reason (its events stay in the landed file too).
                var tooLarge = $"Applying the message would make a stored item too large: {ex.Message}";
                await quarantine.RejectMessageAsync(messageId, body, tooLarge, cancellationToken);
                metrics.MessagesRejected.Add(1);
                logger.LogError("Rejected message {MessageId}: stored item {StoredId} would be too large", messageId, ex.StoredId);
                return ApplyOutcome.Rejected(tooLarge);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                metrics.ConcurrencyRetries.Add(1);
                logger.LogDebug("Concurrent update of individual {IndividualId}; attempt {Attempt}", message.IndividualId, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Kept, not dropped: events of an individual the AMS has not sent are applied to that
    /// individual's partition (so they are there when the AMS sends it) and reported; so is an
    /// unsubscribe whose e-mail group matches no mailing type.
    /// </summary>
    private async Task ReportIssuesAsync(TrackingMessage message, DocumentSnapshot snapshot, CancellationToken cancellationToken)
    {
        var runId = LandedFileName.TryParse(message.SourceFile, out var file) ? file!.RunId : "unknown";
        var known = snapshot.Documents.GetValueOrDefault(ProfileDocument.DocumentId) is ProfileDocument { KnownToAms: true };
        if (!known)
        {
            metrics.EventsOfUnknownIndividuals.Add(message.Events.Count);
            await runLog.WriteApplyIssueAsync(new ApplyIssueEntry(
                runId, ApplyIssueKind.UnknownIndividual, message.IndividualId, message.SourceFile, null, message.Events.Count), cancellationToken);
        }

        foreach (var group in message.Events
                     .Where(e => e.Kind == TrackingEventKind.Unsubscribed && rules.MailingTypesOptedOutBy(e.EmailGroup).Count == 0)
                     .GroupBy(e => e.EmailGroup ?? string.Empty, StringComparer.Ordinal))
        {
            logger.LogWarning("E-mail group {EmailGroup} of an unsubscribe matches no mailing type (individual {IndividualId})",
                group.Key, message.IndividualId);
            await runLog.WriteApplyIssueAsync(new ApplyIssueEntry(
                runId, ApplyIssueKind.UnmatchedEmailGroup, message.IndividualId, message.SourceFile, group.Key, group.Count()), cancellationToken);
        }
    }

    private static bool TryRead(ReadOnlyMemory<byte> body, out TrackingMessage? message, out string? reason)
    {
        message = null;
        try
        {
            message = JsonSerializer.Deserialize<TrackingMessage>(body.Span, TrackingMessage.Json);
        }
        catch (JsonException ex)
        {
            reason = $"Not a tracking message: {ex.Message}";
            return false;
        }

        var read = message;
        reason = read switch
        {
            null => "Empty message.",
            { IndividualId: null or "" } => "The message names no individual.",
            { Events: null } => "The message has no events.",
            _ when read.Events.Any(e => e is null || e.IndividualId != read.IndividualId) =>
                "An event belongs to another individual than the message.",
            _ when read.Events.Any(e => string.IsNullOrEmpty(e.EventId) || string.IsNullOrEmpty(e.MailingId)) =>
                "An event has no id or no mailing.",
            _ => null,
        };
        return reason is null;
    }
}

/// <param name="ErasedEvents">Events dropped because their individual was erased (the message is done, nothing applied).</param>
public sealed record ApplyOutcome(string? RejectedReason, int Applied, int Duplicates, int DocumentsWritten, int ErasedEvents = 0)
{
    public static ApplyOutcome Rejected(string reason) => new(reason, 0, 0, 0);

    public static ApplyOutcome Done(int applied, int duplicates, int written) => new(null, applied, duplicates, written);

    public static ApplyOutcome Erased(int events) => new(null, 0, 0, 0, events);
}
