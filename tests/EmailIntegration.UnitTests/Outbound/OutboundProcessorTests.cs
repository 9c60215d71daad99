using System.Text.Json;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.Outbound;
using EmailIntegration.Pipeline.Serve;
using EmailIntegration.UnitTests.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace EmailIntegration.UnitTests.Outbound;

public sealed class OutboundProcessorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly Mock<IBlastStore> blasts = new();
    private readonly Mock<IBlastStatusStore> statuses = new();
    private readonly Mock<IOptOutResultStore> results = new();
    private readonly Mock<IIndividualDocumentStore> individuals = new();
    private readonly Mock<IOutboundVendor> realMagnet = OutboundTestSupport.Vendor("realmagnet");
    private readonly Mock<IOutboundVendor> informz = OutboundTestSupport.Vendor("informz");
    private readonly Mock<IOutboundVendor> highRoad = OutboundTestSupport.Vendor("highroad");
    private readonly List<BlastStatus> written = [];
    private readonly List<VendorPushResult> saved = [];

    public OutboundProcessorTests()
    {
        statuses.Setup(s => s.ReplaceAsync(It.IsAny<BlastStatus>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((BlastStatus s, CancellationToken _) => { written.Add(s); return s; });
        results.Setup(r => r.SaveAsync(It.IsAny<string>(), It.IsAny<VendorPushResult>(), It.IsAny<CancellationToken>()))
            .Callback((string _, VendorPushResult r, CancellationToken _) => saved.Add(r)).Returns(Task.CompletedTask);
        individuals.Setup(i => i.ReadAsync(It.IsAny<string>(), It.IsAny<IReadOnlyCollection<string>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(DocumentSnapshot.Empty);
        var profile = ProfileDocument.New("ind-1");
        profile.Email = "person@example.org";
        individuals.Setup(i => i.ReadAsync("ind-1", It.IsAny<IReadOnlyCollection<string>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new DocumentSnapshot(new Dictionary<string, IndividualDocument> { [ProfileDocument.DocumentId] = profile }, new Dictionary<string, string>()));
    }

    private readonly EmailIntegration.UnitTests.Erasure.InMemoryErasureLedger erasures = new();

    private OutboundProcessor Processor() => new(blasts.Object, statuses.Object, results.Object, individuals.Object, new InMemorySuppressionLedger(), erasures,
        [realMagnet.Object, informz.Object, highRoad.Object], new FieldMapper(OutboundTestSupport.Options()), OutboundTestSupport.Options(),
        new FixedTimeProvider(Now), NullLogger<OutboundProcessor>.Instance);

    private void Accepted(BlastState state = BlastState.Accepted, string vendor = "realmagnet")
    {
        statuses.Setup(s => s.GetAsync("blast-1", It.IsAny<CancellationToken>()))
            .ReturnsAsync(new BlastStatus("blast-1", vendor, "Newsletter", state, 2, 0, 0, null, 0, Now, Now) { ETag = "e1" });
        blasts.Setup(b => b.ReadAsync("blast-1", It.IsAny<CancellationToken>())).ReturnsAsync(OutboundTestSupport.Blast(vendor, blastId: "blast-1"));
    }

    private static ReadOnlyMemory<byte> Body(OutboundMessage message) => JsonSerializer.SerializeToUtf8Bytes(message, ApiJson.Options);

    [Fact]
    public async Task ABlast_IsPushedWithMappedFields_AndEndsPushed()
    {
        Accepted();
        BlastPush? pushed = null;
        realMagnet.Setup(v => v.PushBlastAsync(It.IsAny<BlastPush>(), It.IsAny<CancellationToken>()))
            .Callback((BlastPush b, CancellationToken _) => pushed = b).ReturnsAsync(new BlastPushOutcome(2, 0));

        await Processor().ProcessAsync("m1", Body(OutboundMessage.Blast("blast-1")), 1, CancellationToken.None);

        Assert.Equal("ind-1", pushed!.Recipients[0].Fields["CustomMemberID"]);
        Assert.Equal([BlastState.Pushing, BlastState.Pushed], written.Select(w => w.Status));
        Assert.Equal(2, written[^1].Pushed);
    }

    [Fact]
    public async Task APushedBlast_IsNotPushedAgain()
    {
        Accepted(BlastState.Pushed);

        await Processor().ProcessAsync("m1", Body(OutboundMessage.Blast("blast-1")), 1, CancellationToken.None);

        realMagnet.Verify(v => v.PushBlastAsync(It.IsAny<BlastPush>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.Empty(written);
    }

    [Fact]
    public async Task APermanentFailure_MarksFailedWithTheReason_AndCompletes()
    {
        Accepted();
        realMagnet.Setup(v => v.PushBlastAsync(It.IsAny<BlastPush>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new VendorPushException("realmagnet", "Authenticate was refused", permanent: true));

        await Processor().ProcessAsync("m1", Body(OutboundMessage.Blast("blast-1")), 1, CancellationToken.None);

        Assert.Equal(BlastState.Failed, written[^1].Status);
        Assert.Equal("realmagnet: Authenticate was refused", written[^1].Reason);
    }

    [Fact]
    public async Task ATransientFailure_Throws_SoTheHostRetries_AndOnTheLastAttemptMarksFailed()
    {
        Accepted();
        realMagnet.Setup(v => v.PushBlastAsync(It.IsAny<BlastPush>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new VendorPushException("realmagnet", "UpsertRecipient failed with HTTP 503", permanent: false));

        await Assert.ThrowsAsync<VendorPushException>(() => Processor().ProcessAsync("m1", Body(OutboundMessage.Blast("blast-1")), 1, CancellationToken.None));
        Assert.Equal(BlastState.Pushing, written[^1].Status);
        Assert.StartsWith("Attempt 1 failed", written[^1].Reason, StringComparison.Ordinal);

        await Assert.ThrowsAsync<VendorPushException>(() => Processor().ProcessAsync("m1", Body(OutboundMessage.Blast("blast-1")), 5, CancellationToken.None));
        Assert.Equal(BlastState.Failed, written[^1].Status);
        Assert.Contains("Gave up after 5 attempts: realmagnet: UpsertRecipient failed with HTTP 503", written[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedRecipients_MarkTheBlastFailedWithTheCounts()
    {
        Accepted();
        realMagnet.Setup(v => v.PushBlastAsync(It.IsAny<BlastPush>(), It.IsAny<CancellationToken>())).ReturnsAsync(new BlastPushOutcome(1, 1, "error 1005"));

        await Processor().ProcessAsync("m1", Body(OutboundMessage.Blast("blast-1")), 1, CancellationToken.None);

        Assert.Equal(BlastState.Failed, written[^1].Status);
        Assert.Equal("1 of 2 recipients refused by realmagnet: error 1005", written[^1].Reason);
    }

    [Fact]
    public async Task AnOptOut_GoesToEveryEnabledVendor_WithTheProfilesAddress()
    {
        results.Setup(r => r.GetAsync("o-1", It.IsAny<CancellationToken>())).ReturnsAsync(new Dictionary<string, VendorPushResult>());
        highRoad.SetupGet(v => v.IsEnabled).Returns(false);
        foreach (var v in new[] { realMagnet, informz })
        {
            v.Setup(x => x.PushOptOutAsync(It.IsAny<OptOutPush>(), It.IsAny<CancellationToken>())).ReturnsAsync(new OptOutPushOutcome(VendorPushState.Pushed));
        }

        await Processor().ProcessAsync("m1", Body(OutboundMessage.OptOut("o-1", "ind-1", "Events", Now)), 1, CancellationToken.None);

        informz.Verify(v => v.PushOptOutAsync(It.Is<OptOutPush>(p => p.Email == "person@example.org" && p.MailingType == "Events"), It.IsAny<CancellationToken>()));
        highRoad.Verify(v => v.PushOptOutAsync(It.IsAny<OptOutPush>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.Equal(["realmagnet", "informz"], saved.Select(s => s.Vendor));
        Assert.All(saved, s => Assert.Equal(VendorPushState.Pushed, s.State));
    }

    [Fact]
    public async Task AnOptOutQueuedBeforeTheIndividualWasErased_IsDropped_NothingPushedOrRecorded()
    {
        erasures.Erased("ind-1");

        await Processor().ProcessAsync("m1", Body(OutboundMessage.OptOut("o-1", "ind-1", "Events", Now)), 1, CancellationToken.None);

        realMagnet.Verify(v => v.PushOptOutAsync(It.IsAny<OptOutPush>(), It.IsAny<CancellationToken>()), Times.Never);
        informz.Verify(v => v.PushOptOutAsync(It.IsAny<OptOutPush>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.Empty(saved);
        individuals.Verify(i => i.ReadAsync(It.IsAny<string>(), It.IsAny<IReadOnlyCollection<string>>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task ARetriedOptOut_PushesOnlyTheVendorsThatFailed()
    {
        results.Setup(r => r.GetAsync("o-1", It.IsAny<CancellationToken>())).ReturnsAsync(new Dictionary<string, VendorPushResult>
        {
            ["realmagnet"] = new("realmagnet", VendorPushState.Pushed, null, 1, Now, "ind-1", "Events"),
            ["informz"] = new("informz", VendorPushState.Failed, "Attempt 1 failed", 1, Now, "ind-1", "Events"),
            ["highroad"] = new("highroad", VendorPushState.Skipped, "not a recipient", 1, Now, "ind-1", "Events"),
        });
        informz.Setup(x => x.PushOptOutAsync(It.IsAny<OptOutPush>(), It.IsAny<CancellationToken>())).ReturnsAsync(new OptOutPushOutcome(VendorPushState.Pushed));

        await Processor().ProcessAsync("m1", Body(OutboundMessage.OptOut("o-1", "ind-1", "Events", Now)), 2, CancellationToken.None);

        realMagnet.Verify(v => v.PushOptOutAsync(It.IsAny<OptOutPush>(), It.IsAny<CancellationToken>()), Times.Never);
        highRoad.Verify(v => v.PushOptOutAsync(It.IsAny<OptOutPush>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.Equal(2, Assert.Single(saved).Attempts);
    }

    [Fact]
    public async Task AnOptOutWithOneVendorDown_RecordsTheOthers_ThenThrows()
    {
        results.Setup(r => r.GetAsync("o-1", It.IsAny<CancellationToken>())).ReturnsAsync(new Dictionary<string, VendorPushResult>());
        realMagnet.Setup(x => x.PushOptOutAsync(It.IsAny<OptOutPush>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new VendorPushException("realmagnet", "UnsubscribeRecipient failed with HTTP 503", permanent: false));
        informz.Setup(x => x.PushOptOutAsync(It.IsAny<OptOutPush>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new VendorPushException("informz", "Optout was refused", permanent: true));
        highRoad.Setup(x => x.PushOptOutAsync(It.IsAny<OptOutPush>(), It.IsAny<CancellationToken>())).ReturnsAsync(new OptOutPushOutcome(VendorPushState.Pushed));

        await Assert.ThrowsAsync<VendorPushException>(() =>
            Processor().ProcessAsync("m1", Body(OutboundMessage.OptOut("o-1", "ind-1", "Events", Now)), 1, CancellationToken.None));

        Assert.Equal([VendorPushState.Failed, VendorPushState.Failed, VendorPushState.Pushed], saved.Select(s => s.State));
        Assert.DoesNotContain(saved, s => s.Reason?.Contains('@', StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task AnUnreadableMessage_Throws_SoItEndsInThePoisonQueue()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => Processor().ProcessAsync("m1", "not json"u8.ToArray(), 1, CancellationToken.None));
    }
}
