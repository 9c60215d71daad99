using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.Erasure;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Pipeline.Observability;
using Microsoft.Extensions.Logging;

namespace EmailIntegration.Pipeline.FanOut;

/// <summary>
/// Stage 2: parse one landed file with its vendor's parser and publish its events grouped per
/// individual. Bad records are reported with their position and the good ones still go through;
/// a file that can't be read is quarantined with the reason. Records of an erased individual (a tombstone, read afresh
/// for every file) are dropped before anything is published and counted as erased: an import, a replay and a webhook
/// all arrive here.
/// </summary>
public sealed class LandedFileFanOut(
    IEnumerable<ITrackingParser> parsers,
    ILandingZone landingZone,
    IQuarantine quarantine,
    ITrackingMessagePublisher publisher,
    IErasureLedger erasures,
    IRunLog runLog,
    TimeProvider time,
    PipelineMetrics metrics,
    ILogger<LandedFileFanOut> logger)
{
    /// <summary>
    /// Events held before they are published: memory stays bounded however large the file. A file with
    /// fewer events goes out in one publish, one message per individual (split only by the size limit);
    /// a larger one in batches, an individual's part numbers running on across them, so the ids stay
    /// deterministic for the file.
    /// </summary>
    public const int MaxBufferedEvents = 50_000;

    public async Task<FanOutLogEntry> FanOutAsync(string landedFile, CancellationToken cancellationToken)
    {
        if (!LandedFileName.TryParse(landedFile, out var name))
        {
            return await QuarantineAsync(landedFile, "unknown", "The file name is not a landed file name.", cancellationToken);
        }

        var parser = parsers.FirstOrDefault(p => string.Equals(p.Vendor, name!.Vendor, StringComparison.Ordinal));
        if (parser is null)
        {
            return await QuarantineAsync(landedFile, name!.RunId, $"No parser for vendor '{name.Vendor}'.", cancellationToken);
        }

        // SortedDictionary: messages go out in a deterministic order, part numbers stay stable.
        var byIndividual = new SortedDictionary<string, List<TrackingEvent>>(StringComparer.Ordinal);
        var nextPart = new Dictionary<string, int>(StringComparer.Ordinal);
        int buffered = 0, messageCount = 0;
        var unmatched = new List<TrackingEvent>();
        var badRecords = new List<BadRecord>();
        int records = 0, events = 0, erased = 0;
        string? quarantineReason = null;
        var tombstones = await erasures.ReadTombstonesAsync(TimeSpan.Zero, cancellationToken);
        var erasedIds = new Dictionary<string, bool>(StringComparer.Ordinal);

        await using (var content = await landingZone.OpenReadAsync(landedFile, cancellationToken))
        {
            try
            {
                await foreach (var record in parser.ParseAsync(content, name!, cancellationToken))
                {
                    records++;
                    if (record.Bad is { } bad)
                    {
                        badRecords.Add(bad);
                    }
                    else if (record.Event!.IndividualId is not { Length: > 0 } individualId)
                    {
                        unmatched.Add(record.Event);
                    }
                    else if (!Identifiers.IsIndividualId(individualId))
                    {
                        // Vendor data is not ours to trust: the same id rule as the API, or the record is set aside.
                        badRecords.Add(new BadRecord($"record {records - 1}", $"The individual id is not {Identifiers.IndividualIdRule}."));
                    }
                    else if (tombstones.Count > 0 && IsErased(individualId))
                    {
                        erased++;
                    }
                    else if (!MessagePartitioner.FitsAlone(landedFile, individualId, record.Event, publisher.MaxBodyBytes))
                    {
                        badRecords.Add(new BadRecord($"record {records - 1}", "The record is larger than a queue message can carry."));
                    }
                    else
                    {
                        events++;
                        if (!byIndividual.TryGetValue(individualId, out var list))
                        {
                            byIndividual[individualId] = list = [];
                        }

                        list.Add(record.Event);
                        if (++buffered >= MaxBufferedEvents)
                        {
                            messageCount += await PublishAsync(landedFile, byIndividual, nextPart, cancellationToken);
                            buffered = 0;
                        }
                    }
                }
            }
            catch (UnreadableFileException ex)
            {
                quarantineReason = ex.Message;
            }
        }

        messageCount += await PublishAsync(landedFile, byIndividual, nextPart, cancellationToken);

        bool IsErased(string individualId)
        {
            if (!erasedIds.TryGetValue(individualId, out var isErased))
            {
                erasedIds[individualId] = isErased = tombstones.Contains(individualId);
            }

            return isErased;
        }

        if (badRecords.Count > 0)
        {
            await quarantine.ReportBadRecordsAsync(landedFile, badRecords, cancellationToken);
        }

        if (unmatched.Count > 0)
        {
            await quarantine.HoldUnmatchedAsync(landedFile, unmatched, cancellationToken);
        }

        if (quarantineReason is not null)
        {
            await quarantine.QuarantineFileAsync(landedFile, quarantineReason, cancellationToken);
            metrics.FilesQuarantined.Add(1, PipelineMetrics.VendorOfFile(landedFile));
            logger.LogWarning("Quarantined {LandedFile} after {Records} records: {Reason}", landedFile, records, quarantineReason);
        }

        var entry = new FanOutLogEntry(name!.RunId, landedFile, time.GetUtcNow(), records, events, messageCount,
            badRecords.Count, unmatched.Count, quarantineReason, erased);
        await runLog.WriteFanOutAsync(entry, cancellationToken);
        var vendor = PipelineMetrics.Vendor(name.Vendor);
        metrics.MessagesPublished.Add(messageCount, vendor);
        metrics.EventsPublished.Add(events, vendor);
        metrics.BadRecords.Add(badRecords.Count, vendor);
        metrics.EventsUnmatched.Add(unmatched.Count, vendor);
        logger.LogInformation(
            "Fanned out {LandedFile}: {Records} records, {Events} events in {Messages} messages, {Bad} bad, {Unmatched} unmatched, {Erased} erased",
            landedFile, records, events, messageCount, badRecords.Count, unmatched.Count, erased);
        return entry;
    }

    /// <summary>Publishes the buffered events (one message per individual, or parts of it) and empties the buffer.</summary>
    private async Task<int> PublishAsync(
        string landedFile, SortedDictionary<string, List<TrackingEvent>> byIndividual, Dictionary<string, int> nextPart,
        CancellationToken cancellationToken)
    {
        var messages = new List<OutgoingMessage>();
        foreach (var (individualId, events) in byIndividual)
        {
            var firstPart = nextPart.GetValueOrDefault(individualId);
            var count = messages.Count;
            messages.AddRange(MessagePartitioner.Partition(landedFile, individualId, events, publisher.MaxBodyBytes, firstPart));
            nextPart[individualId] = firstPart + (messages.Count - count);
        }

        byIndividual.Clear();
        if (messages.Count > 0)
        {
            await publisher.PublishAsync(messages, cancellationToken);
        }

        return messages.Count;
    }

    private async Task<FanOutLogEntry> QuarantineAsync(
        string landedFile, string runId, string reason, CancellationToken cancellationToken)
    {
        await quarantine.QuarantineFileAsync(landedFile, reason, cancellationToken);
        metrics.FilesQuarantined.Add(1, PipelineMetrics.VendorOfFile(landedFile));
        logger.LogWarning("Quarantined {LandedFile}: {Reason}", landedFile, reason);
        var entry = new FanOutLogEntry(runId, landedFile, time.GetUtcNow(), 0, 0, 0, 0, 0, reason);
        await runLog.WriteFanOutAsync(entry, cancellationToken);
        return entry;
    }
}
