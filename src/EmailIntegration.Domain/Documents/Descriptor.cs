using System.Globalization;
using EmailIntegration.Domain.Events;

namespace EmailIntegration.Domain.Documents;

/// <summary>
/// Picks descriptive values (mailing name, link label, fax status) in an order-independent way:
/// the event with the smallest key wins, whatever order the events arrive in.
/// </summary>
public static class Descriptor
{
    public static string KeyOf(TrackingEvent trackingEvent, bool latestWins = false)
    {
        // Ticks are fixed-width so the ordinal comparison orders by time; the event id breaks ties.
        var ticks = latestWins ? long.MaxValue - trackingEvent.OccurredAt.UtcTicks : trackingEvent.OccurredAt.UtcTicks;
        return ticks.ToString("D19", CultureInfo.InvariantCulture) + "|" + trackingEvent.EventId;
    }

    /// <summary>True when the candidate key should replace the current one.</summary>
    public static bool Wins(string candidateKey, string? currentKey) =>
        currentKey is null || string.CompareOrdinal(candidateKey, currentKey) < 0;
}
