using System.Text;
using Azure.Storage.Queues.Models;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Rules;
using EmailIntegration.Functions.Apply;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.UnitTests.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Xunit;
using static EmailIntegration.UnitTests.Domain.TrackingEvents;

namespace EmailIntegration.UnitTests.Functions;

public sealed class ApplyIndividualTrackingTests
{
    private readonly Mock<IIndividualDocumentStore> store = new();
    private readonly Mock<IQuarantine> quarantine = new();
    private readonly Mock<IRunLog> runLog = new();

    public ApplyIndividualTrackingTests() =>
        store.Setup(s => s.ReadAsync(It.IsAny<string>(), It.IsAny<IReadOnlyCollection<string>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(DocumentSnapshot.Empty);

    private ApplyIndividualTracking Create() => new(new IndividualTrackingApplier(
        store.Object, quarantine.Object, new EmailIntegration.UnitTests.Erasure.InMemoryErasureLedger(), runLog.Object, EffectRules.None, TestMetrics.Create(), NullLogger<IndividualTrackingApplier>.Instance));

    private static QueueMessage QueueMessageOf(byte[] body) =>
        QueuesModelFactory.QueueMessage("queue-msg-1", "pop-receipt", new BinaryData(body), dequeueCount: 1);

    [Fact]
    public async Task AQueueMessage_IsAppliedToTheIndividualsDocuments()
    {
        var body = IndividualTrackingApplierTests.Body("ind-1", Delivered("ind-1", "m-1", T0), Opened("ind-1", "m-1", T0.AddHours(1)));

        var outcome = await Create().Run(QueueMessageOf(body), CancellationToken.None);

        Assert.Equal(ApplyOutcome.Done(applied: 2, duplicates: 0, written: 1), outcome); // one tracking row holds both
        store.Verify(s => s.SaveAsync("ind-1", It.Is<IReadOnlyList<IndividualDocument>>(d => d.Count == 1 && d.OfType<MailingTrackingDocument>().Single().OpenCount == 1),
            DocumentSnapshot.Empty, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task AnUnreadableQueueMessage_IsRejectedUnderItsQueueMessageId()
    {
        var body = Encoding.UTF8.GetBytes("{ not json");

        var outcome = await Create().Run(QueueMessageOf(body), CancellationToken.None);

        Assert.NotNull(outcome.RejectedReason);
        quarantine.Verify(q => q.RejectMessageAsync("queue-msg-1", It.IsAny<ReadOnlyMemory<byte>>(), outcome.RejectedReason!, It.IsAny<CancellationToken>()), Times.Once);
        store.Verify(s => s.SaveAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<IndividualDocument>>(), It.IsAny<DocumentSnapshot>(), It.IsAny<CancellationToken>()), Times.Never);
    }
}
