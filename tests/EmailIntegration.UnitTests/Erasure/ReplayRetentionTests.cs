using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Pipeline.Runs;
using EmailIntegration.UnitTests.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;
using Xunit;

namespace EmailIntegration.UnitTests.Erasure;

/// <summary>A replay refuses a run older than the retention (Retention__Days): its landed files are deleted, or about to be.</summary>
public sealed class ReplayRetentionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly Mock<ILandingZone> landing = new();

    private RunReplayer Create(int days = 35) => new(landing.Object, Mock.Of<IRunLog>(), Options.Create(new RetentionOptions { Days = days }),
        new FixedTimeProvider(Now), NullLogger<RunReplayer>.Instance);

    private void RunHolds(string runId, params string[] names) =>
        landing.Setup(l => l.ListRunAsync(runId, It.IsAny<CancellationToken>())).Returns(() => AsyncSequence.Of(names));

    [Fact]
    public async Task ARunOlderThanTheRetention_IsRefusedWithAClearMessage_AndNothingIsCopied()
    {
        const string runId = "20261027T023000Z-aaaa0001"; // 35 days and 7.5 hours before now
        RunHolds(runId, $"realmagnet/2026/10/27/{runId}/links-00001.json");

        var ex = await Assert.ThrowsAsync<RetentionExpiredException>(() => Create().ReplayAsync(runId, CancellationToken.None));

        Assert.Equal($"Run {runId} is from 2026-10-27, older than the 35-day retention (Retention__Days): its landed files are deleted, "
            + "or about to be, and are not replayed.", ex.Message);
        landing.Verify(l => l.CopyAsync(It.IsAny<string>(), It.IsAny<LandedFileName>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task AReplayOfAnOldRun_IsAsOldAsTheRunItReplays()
    {
        const string runId = "20261001T023000Z-aaaa0001-replay-20261130T090000Z";
        RunHolds(runId, $"realmagnet/2026/11/30/{runId}/links-00001.json");

        await Assert.ThrowsAsync<RetentionExpiredException>(() => Create().ReplayAsync(runId, CancellationToken.None));
    }

    [Fact]
    public async Task AnOldRunThatLandedNothing_IsUnknown_NotExpired()
    {
        const string runId = "20200101T000000Z-00000000";
        RunHolds(runId);

        Assert.Null(await Create().ReplayAsync(runId, CancellationToken.None));
    }

    [Fact]
    public async Task ARunWithoutATimeInItsId_IsAsOldAsItsOldestFile()
    {
        const string runId = "wh-0123abcd";
        RunHolds(runId, $"sendgrid/2026/12/01/{runId}/events-00001.json", $"sendgrid/2026/10/01/{runId}/events-00001.json");

        await Assert.ThrowsAsync<RetentionExpiredException>(() => Create().ReplayAsync(runId, CancellationToken.None));
    }

    [Theory]
    [InlineData(35, "20261027T120000Z-aaaa0001")]
    [InlineData(35, "20261130T023000Z-aaaa0001")]
    [InlineData(60, "20261003T023000Z-aaaa0001")]
    public async Task ARunWithinTheRetention_IsReplayed(int days, string runId)
    {
        var date = $"{runId[..4]}/{runId[4..6]}/{runId[6..8]}";
        RunHolds(runId, $"realmagnet/{date}/{runId}/links-00001.json");

        var replay = await Create(days).ReplayAsync(runId, CancellationToken.None);

        Assert.Equal(1, replay!.Files);
        landing.Verify(l => l.CopyAsync($"realmagnet/{date}/{runId}/links-00001.json", It.IsAny<LandedFileName>(), It.IsAny<CancellationToken>()), Times.Once);
    }
}
