using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using EmailIntegration.Pipeline.Changes;

namespace EmailIntegration.Pipeline.AmsWebhook;

/// <summary>What one delivery's attempts came to.</summary>
public enum DeliveryOutcome
{
    /// <summary>2xx: the AMS has the batch.</summary>
    Delivered,

    /// <summary>408, 429, 5xx, a timeout or a transport error: worth retrying within the budget, then parked.</summary>
    Transient,

    /// <summary>Any other answer (4xx, a redirect): retrying would change nothing, so it is parked at once.</summary>
    Permanent,
}

public enum ParkedState { Parked, Delivered }

/// <summary>The pure rules of a delivery: its id and how an answer is classified.</summary>
public static partial class AmsDeliveryRules
{
    /// <summary>
    /// A delivery's <c>webhook-id</c>: <c>msg_</c> + 32 hex of SHA-256 over the batch's change ids, so a resend of the same
    /// batch is recognisably the same delivery (the receiver dedupes on it).
    /// </summary>
    public static string DeliveryIdOf(IEnumerable<string> changeIds) =>
        "msg_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', changeIds))))[..32];

    public static DeliveryOutcome Classify(int? status) => status switch
    {
        >= 200 and < 300 => DeliveryOutcome.Delivered,
        null or 408 or 429 or >= 500 => DeliveryOutcome.Transient,
        _ => DeliveryOutcome.Permanent,
    };

    /// <summary>Why a delivery was parked, from its last answer (never the body).</summary>
    public static string ReasonOf(DeliveryAttempts attempts) =>
        (Classify(attempts.Status) == DeliveryOutcome.Permanent ? "refused" : "retry budget spent")
        + (attempts.Status is { } status ? $": HTTP {status}" : $": {attempts.Error ?? "no answer"}")
        + $" after {attempts.Attempts} attempt(s)";

    public static bool IsDeliveryId(string? id) => id is not null && DeliveryIdPattern().IsMatch(id);

    [GeneratedRegex(@"\Amsg_[0-9a-f]{32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex DeliveryIdPattern();
}

/// <param name="Status">The last answer's status; null when no answer came (timeout, transport error).</param>
/// <param name="Error">Without an answer: what went wrong, as a kind (never a body, never a secret).</param>
public sealed record DeliveryAttempts(int? Status, int Attempts, DateTimeOffset FirstAttemptAt, DateTimeOffset LastAttemptAt, string? Error = null)
{
    public DeliveryOutcome Outcome => AmsDeliveryRules.Classify(Status);
}

/// <summary>
/// A delivery that did not reach the AMS within its budget, kept with its place in the feed (the position before it and
/// its size) rather than its body: re-reading from there gives the same changes, so a resend has the same id and body.
/// </summary>
/// <param name="After">The feed position the batch starts after; null: the feed's start.</param>
public sealed record ParkedDelivery(
    string DeliveryId,
    [property: System.Text.Json.Serialization.JsonIgnore] ChangePosition? After,
    int Count,
    ParkedState State,
    int? Status,
    string Reason,
    int Attempts,
    DateTimeOffset FirstAttemptAt,
    DateTimeOffset LastAttemptAt,
    DateTimeOffset? DeliveredAt = null);

/// <param name="Version">The store's version of the cursor as read (null: none yet), for a conditional move.</param>
public sealed record PushCursor(ChangePosition? Position, string? Version)
{
    public static PushCursor Start { get; } = new(null, null);
}

/// <summary>POSTs one signed delivery, retrying within the budget; never throws for an answer or a failed connection.</summary>
public interface IAmsWebhookSender
{
    Task<DeliveryAttempts> SendAsync(string deliveryId, string body, CancellationToken cancellationToken);
}

/// <summary>The push's cursor and its parked deliveries.</summary>
public interface IAmsDeliveryStore
{
    Task<PushCursor> ReadCursorAsync(CancellationToken cancellationToken);

    /// <summary>Moves the cursor if it is still <paramref name="expected"/>; throws <see cref="Apply.ConcurrencyConflictException"/> otherwise.</summary>
    Task<PushCursor> MoveCursorAsync(ChangePosition position, PushCursor expected, CancellationToken cancellationToken);

    /// <summary>Writes the delivery's record (insert or replace).</summary>
    Task SaveAsync(ParkedDelivery delivery, CancellationToken cancellationToken);

    Task<ParkedDelivery?> GetAsync(string deliveryId, CancellationToken cancellationToken);

    /// <summary>Parked deliveries (not those delivered since), oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<ParkedDelivery>> ListParkedAsync(int max, CancellationToken cancellationToken);
}
