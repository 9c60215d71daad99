namespace EmailIntegration.Pipeline.Operations;

/// <summary>
/// Where tracking messages end that failed every attempt: the Storage queue's <c>{queue}-poison</c> locally, the Service
/// Bus queue's dead-letter sub-queue in Azure. An operator lists them and, once the cause is fixed, moves them back.
/// </summary>
public interface IPoisonQueue
{
    /// <summary>The queue the messages go back to.</summary>
    string QueueName { get; }

    /// <summary>The poison queue or dead-letter sub-queue.</summary>
    string PoisonName { get; }

    /// <summary>The first messages (described, never their events) and the total count.</summary>
    Task<PoisonListing> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Moves every message back; returns how many moved. Safe to repeat: a message is sent back before it is removed, so
    /// at worst it is applied twice, which changes nothing.
    /// </summary>
    Task<int> RequeueAsync(CancellationToken cancellationToken);
}

/// <param name="TotalIsLowerBound">True when the queue can only be counted up to a cap (the count is "at least").</param>
public sealed record PoisonListing(int Total, IReadOnlyList<PoisonMessage> Messages, bool TotalIsLowerBound = false)
{
    public static PoisonListing Empty { get; } = new(0, []);
}

/// <summary>What an operator needs to find the cause, never the events themselves (no addresses).</summary>
/// <param name="IndividualId">Null when the body is not a tracking message.</param>
/// <param name="Reason">The dead-letter reason, where the transport keeps one.</param>
public sealed record PoisonMessage(
    string MessageId, DateTimeOffset? InsertedOn, string? IndividualId, string? SourceFile, int? Part, int Events, int Bytes,
    string? Reason = null)
{
    /// <summary>Describes a message body; a body that is not a tracking message is described by its size alone.</summary>
    public static PoisonMessage Describe(string messageId, DateTimeOffset? insertedOn, ReadOnlyMemory<byte> body, string? reason = null)
    {
        try
        {
            var message = System.Text.Json.JsonSerializer.Deserialize<FanOut.TrackingMessage>(body.Span, FanOut.TrackingMessage.Json);
            if (message is not null)
            {
                return new PoisonMessage(messageId, insertedOn, message.IndividualId, message.SourceFile, message.Part,
                    message.Events?.Count ?? 0, body.Length, reason);
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return new PoisonMessage(messageId, insertedOn, null, null, null, 0, body.Length, reason);
    }
}
