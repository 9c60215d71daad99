using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.Landing;

namespace EmailIntegration.Pipeline.FanOut;

/// <summary>Turns one vendor's landed file into normalized events, streaming.</summary>
public interface ITrackingParser
{
    string Vendor { get; }

    /// <summary>
    /// Yields an event or a bad record for each record of the file, in file order. Throws
    /// <see cref="UnreadableFileException"/> where the file itself stops being readable; what
    /// was yielded before that still counts.
    /// </summary>
    IAsyncEnumerable<ParsedRecord> ParseAsync(Stream content, LandedFileName file, CancellationToken cancellationToken);
}

/// <summary>Exactly one of <see cref="Event"/> and <see cref="Bad"/> is set.</summary>
public readonly record struct ParsedRecord(TrackingEvent? Event, BadRecord? Bad)
{
    public static ParsedRecord Of(TrackingEvent trackingEvent) => new(trackingEvent, null);

    public static ParsedRecord Reject(string position, string reason) => new(null, new BadRecord(position, reason));
}

public sealed class UnreadableFileException(string reason, Exception? inner = null) : Exception(reason, inner);
