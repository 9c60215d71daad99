using EmailIntegration.Pipeline.Outbound;
using EmailIntegration.UnitTests.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace EmailIntegration.UnitTests.Outbound;

public sealed class BlastServiceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly Mock<IBlastStore> blasts = new(MockBehavior.Strict);
    private readonly Mock<IBlastStatusStore> statuses = new(MockBehavior.Strict);
    private readonly Mock<IOutboundQueue> queue = new(MockBehavior.Strict);

    private BlastService Service() => new(blasts.Object, statuses.Object, queue.Object,
        [OutboundTestSupport.Vendor("realmagnet").Object], OutboundTestSupport.Options(), new FixedTimeProvider(Now), NullLogger<BlastService>.Instance);

    [Fact]
    public async Task ANewBlast_IsLandedFirst_ThenAccepted_ThenQueued()
    {
        var order = new List<string>();
        statuses.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync((BlastStatus?)null);
        blasts.Setup(b => b.LandAsync(It.IsAny<string>(), It.IsAny<BlastRequest>(), It.IsAny<CancellationToken>()))
            .Callback(() => order.Add("land")).ReturnsAsync(true);
        statuses.Setup(s => s.TryAddAsync(It.IsAny<BlastStatus>(), It.IsAny<CancellationToken>()))
            .Callback(() => order.Add("status")).ReturnsAsync(true);
        queue.Setup(q => q.SendAsync(It.IsAny<OutboundMessage>(), It.IsAny<CancellationToken>()))
            .Callback(() => order.Add("queue")).Returns(Task.CompletedTask);

        var status = await Service().AcceptAsync(OutboundTestSupport.Blast(blastId: "blast-1"), CancellationToken.None);

        Assert.Equal(["land", "status", "queue"], order);
        Assert.Equal(new BlastStatus("blast-1", "realmagnet", "Newsletter", BlastState.Accepted, 2, 0, 0, null, 0, Now, Now), status);
        queue.Verify(q => q.SendAsync(OutboundMessage.Blast("blast-1"), It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task ABlastAlreadyPushed_IsNotLandedOrQueuedAgain()
    {
        var pushed = new BlastStatus("blast-1", "realmagnet", "Newsletter", BlastState.Pushed, 2, 2, 0, null, 1, Now, Now);
        statuses.Setup(s => s.GetAsync("blast-1", It.IsAny<CancellationToken>())).ReturnsAsync(pushed);
        blasts.Setup(b => b.ReadAsync("blast-1", It.IsAny<CancellationToken>())).ReturnsAsync(OutboundTestSupport.Blast(blastId: "blast-1"));

        var status = await Service().AcceptAsync(OutboundTestSupport.Blast(blastId: "blast-1"), CancellationToken.None);

        Assert.Same(pushed, status);
        blasts.Verify(b => b.LandAsync(It.IsAny<string>(), It.IsAny<BlastRequest>(), It.IsAny<CancellationToken>()), Times.Never);
        queue.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ABlastStillAccepted_IsQueuedAgain_SoACrashBeforeTheQueueIsRecovered()
    {
        var accepted = new BlastStatus("blast-1", "realmagnet", "Newsletter", BlastState.Accepted, 2, 0, 0, null, 0, Now, Now);
        statuses.Setup(s => s.GetAsync("blast-1", It.IsAny<CancellationToken>())).ReturnsAsync(accepted);
        blasts.Setup(b => b.ReadAsync("blast-1", It.IsAny<CancellationToken>())).ReturnsAsync(OutboundTestSupport.Blast(blastId: "blast-1"));
        queue.Setup(q => q.SendAsync(OutboundMessage.Blast("blast-1"), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);

        await Service().AcceptAsync(OutboundTestSupport.Blast(blastId: "blast-1"), CancellationToken.None);

        queue.Verify(q => q.SendAsync(OutboundMessage.Blast("blast-1"), It.IsAny<CancellationToken>()), Times.Once);
        blasts.Verify(b => b.LandAsync(It.IsAny<string>(), It.IsAny<BlastRequest>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task ARepostOfABlastIdWithOtherContent_IsAConflict_AndNothingIsLandedOrQueued()
    {
        var pushed = new BlastStatus("blast-1", "realmagnet", "Newsletter", BlastState.Pushed, 2, 2, 0, null, 1, Now, Now);
        statuses.Setup(s => s.GetAsync("blast-1", It.IsAny<CancellationToken>())).ReturnsAsync(pushed);
        blasts.Setup(b => b.ReadAsync("blast-1", It.IsAny<CancellationToken>())).ReturnsAsync(OutboundTestSupport.Blast(blastId: "blast-1"));

        var ex = await Assert.ThrowsAsync<BlastConflictException>(() =>
            Service().AcceptAsync(OutboundTestSupport.Blast(recipients: 3, blastId: "blast-1"), CancellationToken.None));

        Assert.Equal("blast-1", ex.BlastId);
        blasts.Verify(b => b.LandAsync(It.IsAny<string>(), It.IsAny<BlastRequest>(), It.IsAny<CancellationToken>()), Times.Never);
        queue.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ARacingPostWithOtherContent_FindsTheIdLanded_AndIsAConflict()
    {
        statuses.Setup(s => s.GetAsync("blast-1", It.IsAny<CancellationToken>())).ReturnsAsync((BlastStatus?)null);
        blasts.Setup(b => b.LandAsync("blast-1", It.IsAny<BlastRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(false);
        blasts.Setup(b => b.ReadAsync("blast-1", It.IsAny<CancellationToken>())).ReturnsAsync(OutboundTestSupport.Blast(blastId: "blast-1"));

        await Assert.ThrowsAsync<BlastConflictException>(() =>
            Service().AcceptAsync(OutboundTestSupport.Blast(recipients: 1, blastId: "blast-1"), CancellationToken.None));

        queue.VerifyNoOtherCalls();
    }
}
