using Azure.Messaging.ServiceBus;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Azure.Publishing;
using EmailIntegration.Pipeline.FanOut;
using Microsoft.Extensions.Options;
using Moq;
using Xunit;

namespace EmailIntegration.UnitTests.Azure;

public sealed class ServiceBusPublisherTests
{
    private readonly Mock<ServiceBusSender> sender = new();
    private readonly List<List<ServiceBusMessage>> sentBatches = [];
    private readonly List<ServiceBusMessageBatch> createdBatches = [];
    private List<ServiceBusMessage> currentBatch = [];

    /// <summary>Each batch the sender creates takes messages while <paramref name="fits"/> says so.</summary>
    private void BatchesAccept(Func<List<ServiceBusMessage>, ServiceBusMessage, bool> fits)
    {
        sender.Setup(s => s.CreateMessageBatchAsync(It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                var backing = new List<ServiceBusMessage>();
                currentBatch = backing;
                var batch = ServiceBusModelFactory.ServiceBusMessageBatch(256 * 1024, backing, new CreateMessageBatchOptions(), m => fits(backing, m));
                createdBatches.Add(batch);
                return ValueTask.FromResult(batch);
            });
        sender.Setup(s => s.SendMessagesAsync(It.IsAny<ServiceBusMessageBatch>(), It.IsAny<CancellationToken>()))
            .Callback(() => sentBatches.Add(currentBatch.ToList()))
            .Returns(Task.CompletedTask);
    }

    private ServiceBusPublisher Create(int maxBodyBytes = 192 * 1024) =>
        new(sender.Object, Options.Create(new EmailIntegrationOptions { ServiceBusMaxBodyBytes = maxBodyBytes }));

    private static OutgoingMessage Message(int i, int bodyBytes = 10) =>
        new($"msg-{i}", $"ind-{i % 2}", Enumerable.Repeat((byte)'x', bodyBytes).ToArray());

    [Fact]
    public async Task Messages_CarryTheirMessageIdAndTheIndividualAsSession()
    {
        BatchesAccept((_, _) => true);

        await Create().PublishAsync([Message(1), Message(2)], CancellationToken.None);

        var sent = Assert.Single(sentBatches);
        Assert.Equal(["msg-1", "msg-2"], sent.Select(m => m.MessageId));
        Assert.Equal(["ind-1", "ind-0"], sent.Select(m => m.SessionId));
        Assert.Equal("application/json", sent[0].ContentType);
        Assert.Equal(Message(1).Body.ToArray(), sent[0].Body.ToArray());
    }

    [Fact]
    public async Task AFullBatch_IsSent_AndANewOneStarted()
    {
        BatchesAccept((batch, _) => batch.Count < 2);

        await Create().PublishAsync([.. Enumerable.Range(1, 5).Select(i => Message(i))], CancellationToken.None);

        Assert.Equal(
            [["msg-1", "msg-2"], ["msg-3", "msg-4"], ["msg-5"]],
            sentBatches.Select(b => b.Select(m => m.MessageId).ToArray()).ToArray());
        Assert.Equal(3, createdBatches.Count);
    }

    [Fact]
    public async Task NoMessages_SendNothing()
    {
        BatchesAccept((_, _) => true);

        await Create().PublishAsync([], CancellationToken.None);

        sender.Verify(s => s.SendMessagesAsync(It.IsAny<ServiceBusMessageBatch>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task AMessageThatDoesNotFitAnEmptyBatch_Throws()
    {
        BatchesAccept((_, m) => m.Body.ToMemory().Length <= 100);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(
            () => Create().PublishAsync([Message(1, 500)], CancellationToken.None));

        Assert.Contains("msg-1", exception.Message, StringComparison.Ordinal);
        Assert.Empty(sentBatches);
    }

    [Fact]
    public async Task AMessageThatDoesNotFitAFreshBatch_Throws_AfterSendingTheFullOne()
    {
        BatchesAccept((_, m) => m.Body.ToMemory().Length <= 100);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(
            () => Create().PublishAsync([Message(1), Message(2, 500)], CancellationToken.None));

        Assert.Contains("msg-2", exception.Message, StringComparison.Ordinal);
        Assert.Equal(["msg-1"], Assert.Single(sentBatches).Select(m => m.MessageId));
    }

    [Fact]
    public void MaxBodyBytes_ComesFromTheOptions() =>
        Assert.Equal(100 * 1024, Create(100 * 1024).MaxBodyBytes);
}
