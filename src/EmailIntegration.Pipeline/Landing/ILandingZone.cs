namespace EmailIntegration.Pipeline.Landing;

/// <summary>Where raw vendor responses land, unchanged, before anything parses them.</summary>
public interface ILandingZone
{
    Task LandAsync(LandedFileName name, ReadOnlyMemory<byte> content, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);

    /// <summary>Opens a landed file for streaming; never loads it whole.</summary>
    Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken);

    /// <summary>Landed files whose name belongs to the run, in name order.</summary>
    IAsyncEnumerable<string> ListRunAsync(string runId, CancellationToken cancellationToken);
}
