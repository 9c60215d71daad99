using System.Text.Json;
using System.Text.Json.Serialization;
using EmailIntegration.Domain.Events;

namespace EmailIntegration.Pipeline.FanOut;

/// <summary>The queue message: one individual's events from one landed file (or one part of them).</summary>
public sealed record TrackingMessage(
    string IndividualId,
    string SourceFile,
    int Part,
    IReadOnlyList<TrackingEvent> Events)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>What a publisher sends: the body plus the keys the transport needs.</summary>
/// <param name="MessageId">Deterministic (file, individual, part): a re-run sends the same ids.</param>
/// <param name="SessionId">The individual: Service Bus sessions keep one individual's messages in order on one handler.</param>
public sealed record OutgoingMessage(string MessageId, string SessionId, ReadOnlyMemory<byte> Body);

/// <summary>Sends messages to the apply stage.</summary>
public interface ITrackingMessagePublisher
{
    /// <summary>The largest body the transport accepts, after its own encoding overhead.</summary>
    int MaxBodyBytes { get; }

    Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken);
}
