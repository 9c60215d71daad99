using EmailIntegration.Pipeline.Landing;

namespace EmailIntegration.Pipeline.Operations;

/// <summary>Reads back what the quarantine keeps about a landed file: positions and reasons, never the content.</summary>
public interface IQuarantineReader
{
    /// <summary>The first <paramref name="limit"/> bad records of a landed file (empty when it had none).</summary>
    Task<IReadOnlyList<BadRecord>> ReadBadRecordsAsync(string landedFileName, int limit, CancellationToken cancellationToken);
}
