using System.Text.Json;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.FanOut;
using Xunit;
using static EmailIntegration.UnitTests.Domain.TrackingEvents;

namespace EmailIntegration.UnitTests.Pipeline;

public sealed class MessagePartitionerTests
{
    private const string File = "realmagnet/2026/11/29/20261129T021500Z-1a2b3c4d/links-00001.json";
    private const string Individual = "ind-1";
    private const int Limit = 16 * 1024;

    private static List<TrackingEvent> Clicks(int count, string individual = Individual) =>
        Enumerable.Range(0, count)
            .Select(i => Clicked(individual, "m-" + (i % 3), $"https://example.org/page/{i}?utm_campaign=winter", T0.AddMinutes(i), "Label " + i))
            .ToList();

    private static TrackingMessage Read(OutgoingMessage message) =>
        JsonSerializer.Deserialize<TrackingMessage>(message.Body.Span, TrackingMessage.Json)!;

    [Fact]
    public void FewEvents_GoInOneMessageForTheIndividual()
    {
        var events = Clicks(5);

        var message = Assert.Single(MessagePartitioner.Partition(File, Individual, events, Limit));

        Assert.Equal(Individual, message.SessionId);
        Assert.Equal(MessagePartitioner.MessageIdFor(File, Individual, 0), message.MessageId);
        var body = Read(message);
        Assert.Equal(Individual, body.IndividualId);
        Assert.Equal(File, body.SourceFile);
        Assert.Equal(0, body.Part);
        Assert.Equal(events, body.Events);
    }

    [Fact]
    public void EventsOverTheLimit_AreSplitIntoNumberedParts_EachWithinTheLimit()
    {
        var events = Clicks(400);

        var messages = MessagePartitioner.Partition(File, Individual, events, Limit).ToList();

        Assert.True(messages.Count > 1);
        Assert.All(messages, m => Assert.True(m.Body.Length <= Limit, $"{m.Body.Length} > {Limit}"));
        // Parts are filled, not one event each: all but the last use most of the limit.
        Assert.All(messages[..^1], m => Assert.True(m.Body.Length > Limit * 3 / 4, $"{m.Body.Length} is a thin part"));
        Assert.All(messages, m => Assert.Equal(Individual, m.SessionId));
        var bodies = messages.Select(Read).ToList();
        Assert.Equal(Enumerable.Range(0, messages.Count), bodies.Select(b => b.Part));
        Assert.Equal(events, bodies.SelectMany(b => b.Events));
        Assert.Equal(messages.Count, messages.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal(messages.Select((_, part) => MessagePartitioner.MessageIdFor(File, Individual, part)), messages.Select(m => m.MessageId));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(16)]
    [InlineData(256)]
    public void EveryPart_FitsTheLimit_ForAnyTransportSize(int kilobytes)
    {
        var limit = kilobytes * 1024 + 2048;
        var events = Clicks(600);

        var messages = MessagePartitioner.Partition(File, Individual, events, limit).ToList();

        Assert.All(messages, m => Assert.True(m.Body.Length <= limit, $"{m.Body.Length} > {limit}"));
        Assert.Equal(600, messages.Sum(m => Read(m).Events.Count));
    }

    [Fact]
    public void TheSameEvents_GiveTheSameMessagesOnEveryRun()
    {
        var events = Clicks(400);

        var first = MessagePartitioner.Partition(File, Individual, events, Limit).ToList();
        var second = MessagePartitioner.Partition(File, Individual, Clicks(400), Limit).ToList();

        Assert.Equal(first.Select(m => m.MessageId), second.Select(m => m.MessageId));
        Assert.Equal(first.Select(m => Convert.ToBase64String(m.Body.Span)), second.Select(m => Convert.ToBase64String(m.Body.Span)));
    }

    [Fact]
    public void MessageIds_DifferByFileIndividualAndPart()
    {
        string[] ids =
        [
            MessagePartitioner.MessageIdFor(File, Individual, 0),
            MessagePartitioner.MessageIdFor(File, Individual, 1),
            MessagePartitioner.MessageIdFor(File, "ind-2", 0),
            MessagePartitioner.MessageIdFor(File.Replace("00001", "00002", StringComparison.Ordinal), Individual, 0),
        ];

        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[A-Za-z0-9_-]{1,128}$", id));
    }

    [Fact]
    public void AnEventLargerThanTheLimit_Throws()
    {
        var huge = Clicked(Individual, "m-1", "https://example.org/?q=" + new string('x', Limit), T0);

        var exception = Assert.Throws<ArgumentException>(
            () => MessagePartitioner.Partition(File, Individual, [.. Clicks(2), huge], Limit).ToList());

        Assert.Contains(huge.EventId, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALimitThatLeavesNoRoomForEvents_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => MessagePartitioner.Partition(File, Individual, Clicks(1), 1024).ToList());

    [Fact]
    public void NoEvents_GiveNoMessages() =>
        Assert.Empty(MessagePartitioner.Partition(File, Individual, [], Limit));

    public static TheoryData<string> StringProperties() =>
        new(typeof(TrackingEvent).GetProperties().Where(p => p.PropertyType == typeof(string) && p.CanWrite).Select(p => p.Name));

    [Theory]
    [MemberData(nameof(StringProperties))]
    public void AnEventWithAHugeValueInAnyStringProperty_DoesNotFitAlone_AndWouldHaveFailedThePartition(string property)
    {
        var huge = Clicked(Individual, "m-1", "https://example.org/", T0, "Label");
        typeof(TrackingEvent).GetProperty(property)!.SetValue(huge, new string('x', Limit));

        Assert.False(MessagePartitioner.FitsAlone(File, Individual, huge, Limit));
        Assert.Throws<ArgumentException>(() => MessagePartitioner.Partition(File, Individual, [huge], Limit).ToList());
        Assert.True(MessagePartitioner.FitsAlone(File, Individual, Clicked(Individual, "m-1", "https://example.org/", T0, "Label"), Limit));
    }
}
