using System.ComponentModel.DataAnnotations;

namespace EmailIntegration.Pipeline.Runs;

/// <summary>
/// Section <c>Retention</c>: how long landed and quarantined files are kept (infra's storage lifecycle policy deletes them
/// after <see cref="Days"/> days, from the same parameter), and so how old a run may be to be replayed.
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    [Range(1, 3650)]
    public int Days { get; set; } = 35;
}

/// <summary>A replay refused because the run's files are older than the retention: they are deleted, or about to be.</summary>
public sealed class RetentionExpiredException(string message) : Exception(message);
