using EmailIntegration.Domain.Events;

namespace EmailIntegration.Pipeline.Landing;

/// <summary>Keeps what could not be processed, with the reason, so nothing is lost.</summary>
public interface IQuarantine
{
    /// <summary>Copies an unreadable landed file aside with the reason.</summary>
    Task QuarantineFileAsync(string landedFileName, string reason, CancellationToken cancellationToken);

    /// <summary>Records the bad records of a partly readable file, each with its position.</summary>
    Task ReportBadRecordsAsync(string landedFileName, IReadOnlyList<BadRecord> badRecords, CancellationToken cancellationToken);

    /// <summary>Keeps events that name no known individual, to be applied if that individual arrives.</summary>
    Task HoldUnmatchedAsync(string landedFileName, IReadOnlyList<TrackingEvent> events, CancellationToken cancellationToken);

    /// <summary>Keeps a queue message that can never be applied, with the reason.</summary>
    Task RejectMessageAsync(string messageId, ReadOnlyMemory<byte> body, string reason, CancellationToken cancellationToken);
}

/// <param name="Position">Where in the file: record index, line or byte offset, as the parser knows it.</param>
public sealed record BadRecord(string Position, string Reason);
