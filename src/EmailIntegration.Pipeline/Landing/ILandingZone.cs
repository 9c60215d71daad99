namespace EmailIntegration.Pipeline.Landing;

/// <summary>Where raw vendor responses land, unchanged, before anything parses them.</summary>
public interface ILandingZone
{
    Task LandAsync(LandedFileName name, ReadOnlyMemory<byte> content, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);

    /// <summary>
    /// Lands a file only when no file has that name yet (an atomic create); false when one has. Webhooks rely on it to
    /// land a delivery once. A store that can't create conditionally can't take webhooks.
    /// </summary>
    Task<bool> LandNewAsync(LandedFileName name, ReadOnlyMemory<byte> content, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} can't land a file conditionally.");

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
