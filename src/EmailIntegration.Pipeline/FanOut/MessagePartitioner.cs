using System.Text.Json;
using EmailIntegration.Domain.Events;

namespace EmailIntegration.Pipeline.FanOut;

/// <summary>
/// One message per individual per file, split into numbered parts only where one message would
/// pass the transport's size limit. Deterministic: the same events give the same parts and ids.
/// </summary>
public static class MessagePartitioner
{
    // Room for the envelope (individual id, file name, part, JSON punctuation).
    private const int EnvelopeAllowance = 1024;

    /// <param name="firstPart">The part number to start at: a file fanned out in several batches continues its numbering.</param>
    public static IEnumerable<OutgoingMessage> Partition(
        string sourceFile, string individualId, IReadOnlyList<TrackingEvent> events, int maxBodyBytes, int firstPart = 0)
    {
        var budget = maxBodyBytes - EnvelopeAllowance - (2 * (sourceFile.Length + individualId.Length));
        if (budget <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBodyBytes), "The transport limit leaves no room for events.");
        }

        var part = firstPart;
        var current = new List<TrackingEvent>();
        var currentBytes = 0;
        foreach (var trackingEvent in events)
        {
            var size = JsonSerializer.SerializeToUtf8Bytes(trackingEvent, TrackingMessage.Json).Length + 1;
            if (size > budget)
            {
                throw new ArgumentException(
                    $"Event {trackingEvent.EventId} alone is larger than the transport's message limit.", nameof(events));
            }

            if (currentBytes + size > budget && current.Count > 0)
            {
                yield return Build(sourceFile, individualId, part++, current);
                current = [];
                currentBytes = 0;
            }

            current.Add(trackingEvent);
            currentBytes += size;
        }

        if (current.Count > 0)
        {
            yield return Build(sourceFile, individualId, part, current);
        }
    }

    /// <summary>
    /// False for an event that could never be sent, even alone (a hostile or broken vendor record
    /// with huge strings): the fan-out reports it as a bad record instead of failing the file.
    /// </summary>
    public static bool FitsAlone(string sourceFile, string individualId, TrackingEvent trackingEvent, int maxBodyBytes)
    {
        var budget = maxBodyBytes - EnvelopeAllowance - (2 * (sourceFile.Length + individualId.Length));

        // Cheap bound first (JSON escaping at most sextuples a character); serialize only when it might not fit.
        // Every string property must be listed here: MessagePartitionerTests checks each one by reflection.
        var strings = new[]
        {
            trackingEvent.EventId, trackingEvent.Vendor, trackingEvent.IndividualId, trackingEvent.MailingId,
            trackingEvent.MailingName, trackingEvent.MailingType, trackingEvent.Url, trackingEvent.LinkLabel,
            trackingEvent.FaxNumber, trackingEvent.Status, trackingEvent.EmailGroup, trackingEvent.Reason,
            trackingEvent.RecipientEmailHash, trackingEvent.UserAgent, trackingEvent.IpAddress,
        }.Sum(s => s?.Length ?? 0);
        return (strings * 6) + 512 < budget
            || JsonSerializer.SerializeToUtf8Bytes(trackingEvent, TrackingMessage.Json).Length + 1 <= budget;
    }

    public static string MessageIdFor(string sourceFile, string individualId, int part) =>
        EventIdentity.Hash($"{sourceFile}\u001f{individualId}\u001f{part}");

    private static OutgoingMessage Build(string sourceFile, string individualId, int part, List<TrackingEvent> events)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new TrackingMessage(individualId, sourceFile, part, events), TrackingMessage.Json);
        return new OutgoingMessage(MessageIdFor(sourceFile, individualId, part), individualId, body);
    }
}
