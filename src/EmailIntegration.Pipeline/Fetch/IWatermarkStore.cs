namespace EmailIntegration.Pipeline.Fetch;

/// <summary>How far each vendor's tracking has been landed.</summary>
public interface IWatermarkStore
{
    Task<Watermark?> GetAsync(string vendor, CancellationToken cancellationToken);

    /// <summary>Moves the watermark; fails if someone else moved it since <paramref name="expected"/> was read.</summary>
    Task AdvanceAsync(string vendor, DateTimeOffset landedUntil, Watermark? expected, CancellationToken cancellationToken);
}

/// <param name="Version">The store's concurrency token (an ETag).</param>
public sealed record Watermark(DateTimeOffset LandedUntil, string Version);
