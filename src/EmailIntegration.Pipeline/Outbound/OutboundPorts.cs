namespace EmailIntegration.Pipeline.Outbound;

/// <summary>Where accepted blasts are landed before anything else happens (Blob: <c>blasts/{blastId}.json</c>).</summary>
public interface IBlastStore
{
    /// <summary>Lands the blast unless one is already landed under this id: then false, and nothing is overwritten.</summary>
    Task<bool> LandAsync(string blastId, BlastRequest blast, CancellationToken cancellationToken);

    /// <summary>The landed blast; null when there is none.</summary>
    Task<BlastRequest?> ReadAsync(string blastId, CancellationToken cancellationToken);
}

/// <summary>
/// The push-time suppression decisions of each blast (Blob: <c>blasts/{blastId}.decisions.json</c>), written once:
/// every retry and every replayed message pushes exactly the recipients of the first decision.
/// </summary>
public interface ISuppressionLedger
{
    /// <summary>Keeps <paramref name="decisions"/> unless the blast has decisions already; returns the ones that hold.</summary>
    Task<BlastDecisions> RecordOnceAsync(BlastDecisions decisions, CancellationToken cancellationToken);

    /// <summary>The blast's decisions; null before its first push.</summary>
    Task<BlastDecisions?> ReadAsync(string blastId, CancellationToken cancellationToken);
}

/// <summary>The blast status entities (Table).</summary>
public interface IBlastStatusStore
{
    Task<BlastStatus?> GetAsync(string blastId, CancellationToken cancellationToken);

    /// <summary>Adds the status; false when one already exists for the id.</summary>
    Task<bool> TryAddAsync(BlastStatus status, CancellationToken cancellationToken);

    /// <summary>Replaces the status if it is still the version read (<see cref="BlastStatus.ETag"/>); returns the new version.</summary>
    /// <exception cref="Apply.ConcurrencyConflictException">Someone else changed it since.</exception>
    Task<BlastStatus> ReplaceAsync(BlastStatus status, CancellationToken cancellationToken);
}

/// <summary>Per-vendor results of opt-outs (Table: partition = opt-out id, row = vendor).</summary>
public interface IOptOutResultStore
{
    Task<IReadOnlyDictionary<string, VendorPushResult>> GetAsync(string optOutId, CancellationToken cancellationToken);

    Task SaveAsync(string optOutId, VendorPushResult result, CancellationToken cancellationToken);
}

/// <summary>The outbound queue (Storage queue <c>%OutboundQueue%</c>).</summary>
public interface IOutboundQueue
{
    Task SendAsync(OutboundMessage message, CancellationToken cancellationToken);
}

/// <summary>AMS individual → vendor recipient id, the reverse of <see cref="FanOut.IVendorDirectory"/>'s lookup.</summary>
public interface IVendorRecipientIndex
{
    Task SaveAsync(string vendor, IReadOnlyCollection<(string IndividualId, string RecipientId)> entries, CancellationToken cancellationToken);

    Task<string?> FindRecipientAsync(string vendor, string individualId, CancellationToken cancellationToken);
}

/// <summary>A vendor as the outbound side sees it: it takes blast recipients and opt-outs.</summary>
public interface IOutboundVendor
{
    /// <summary>Lower-case: realmagnet, informz, highroad.</summary>
    string Vendor { get; }

    /// <summary>Enabled, or configured for outbound pushes.</summary>
    bool IsEnabled { get; }

    /// <exception cref="VendorPushException">Permanent (refused) or transient (to be retried).</exception>
    Task<BlastPushOutcome> PushBlastAsync(BlastPush blast, CancellationToken cancellationToken);

    /// <exception cref="VendorPushException">Permanent (refused) or transient (to be retried).</exception>
    Task<OptOutPushOutcome> PushOptOutAsync(OptOutPush optOut, CancellationToken cancellationToken);
}

/// <summary>
/// A push a vendor did not take. <see cref="Permanent"/>: the vendor refused it (4xx, a refused login, a missing mapping)
/// and a retry would not help; otherwise the host retries the message. The message never holds an address or a secret.
/// </summary>
public sealed class VendorPushException(string vendor, string message, bool permanent, Exception? inner = null)
    : Exception($"{vendor}: {message}", inner)
{
    public string Vendor { get; } = vendor;

    public bool Permanent { get; } = permanent;
}
