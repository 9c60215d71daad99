using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Pipeline.FanOut;
using Microsoft.Extensions.Options;

namespace EmailIntegration.LocalRunner.Poison;

/// <summary>
/// The tracking queue's poison queue (<c>{TrackingQueue}-poison</c>), where the host moves a
/// message after host.json's maxDequeueCount failed attempts: list what is there, and move it back
/// to the tracking queue once the cause is fixed. Re-queuing is safe to repeat: a message is sent
/// back before it is deleted from poison (at worst it is applied twice, which changes nothing).
/// </summary>
public sealed class PoisonQueue(QueueServiceClient queues, IOptions<EmailIntegrationOptions> options)
{
    private const int PeekLimit = 32;

    public QueueClient Main { get; } = queues.GetQueueClient(options.Value.TrackingQueue);

    public QueueClient Poison { get; } = queues.GetQueueClient(options.Value.TrackingQueue + "-poison");

    /// <summary>The first messages (a queue can show at most 32 without taking them) and the approximate total.</summary>
    public async Task<(IReadOnlyList<PoisonMessage> Messages, int Total)> ListAsync(CancellationToken cancellationToken)
    {
        if (!(await Poison.ExistsAsync(cancellationToken)).Value)
        {
            return ([], 0);
        }

        var total = (await Poison.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        var peeked = (await Poison.PeekMessagesAsync(PeekLimit, cancellationToken)).Value;
        return (peeked.Select(m => Describe(m.MessageId, m.InsertedOn, m.Body)).ToList(), total);
    }

    /// <summary>Moves every poison message back to the tracking queue; returns how many moved.</summary>
    public async Task<int> RequeueAsync(CancellationToken cancellationToken)
    {
        if (!(await Poison.ExistsAsync(cancellationToken)).Value)
        {
            return 0;
        }

        await Main.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var moved = 0;
        while (true)
        {
            var batch = (await Poison.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), cancellationToken)).Value;
            if (batch.Length == 0)
            {
                return moved;
            }

            foreach (var message in batch)
            {
                await Main.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
                await Poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                moved++;
            }
        }
    }

    /// <summary>What an operator needs to find the cause, never the events themselves (no addresses).</summary>
    private static PoisonMessage Describe(string messageId, DateTimeOffset? insertedOn, BinaryData body)
    {
        try
        {
            var message = JsonSerializer.Deserialize<TrackingMessage>(body.ToMemory().Span, TrackingMessage.Json);
            if (message is not null)
            {
                return new PoisonMessage(messageId, insertedOn, message.IndividualId, message.SourceFile, message.Part, message.Events?.Count ?? 0, body.ToMemory().Length);
            }
        }
        catch (JsonException)
        {
        }

        return new PoisonMessage(messageId, insertedOn, null, null, null, 0, body.ToMemory().Length);
    }
}

/// <param name="IndividualId">Null when the body is not a tracking message.</param>
public sealed record PoisonMessage(
    string MessageId, DateTimeOffset? InsertedOn, string? IndividualId, string? SourceFile, int? Part, int Events, int Bytes);
