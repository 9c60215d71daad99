namespace EmailIntegration.Pipeline.Landing;

/// <summary>Where raw vendor responses land, unchanged, before anything parses them.</summary>
public interface ILandingZone
{
    Task LandAsync(LandedFileName name, ReadOnlyMemory<byte> content, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);

    /// <summary>Opens a landed file for streaming; never loads it whole.</summary>
    Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken);

    /// <summary>Landed files whose name belongs to the run, in name order.</summary>
    IAsyncEnumerable<string> ListRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>
    /// Lands an existing file again under another name, bytes unchanged (an operator's replay).
    /// The default reads the file into memory; stores override it to stream.
    /// </summary>
    async Task CopyAsync(string sourceName, LandedFileName target, CancellationToken cancellationToken)
    {
        await using var source = await OpenReadAsync(sourceName, cancellationToken);
        using var buffer = new MemoryStream();
        await source.CopyToAsync(buffer, cancellationToken);
        await LandAsync(target, buffer.ToArray(), new Dictionary<string, string> { ["replayOf"] = sourceName }, cancellationToken);
    }
}
