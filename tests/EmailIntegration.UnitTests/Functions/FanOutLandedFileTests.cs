using Azure.Storage.Blobs;
using EmailIntegration.Functions.FanOut;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.UnitTests.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Xunit;
using static EmailIntegration.UnitTests.Domain.TrackingEvents;

namespace EmailIntegration.UnitTests.Functions;

public sealed class FanOutLandedFileTests
{
    private const string LandedName = "realmagnet/2026/11/29/run/links-00001.json";

    [Fact]
    public async Task TheBlobTrigger_FansOutTheLandedFileByItsNameInTheContainer()
    {
        var parser = new Mock<ITrackingParser>();
        parser.SetupGet(p => p.Vendor).Returns(Vendor);
        parser.Setup(p => p.ParseAsync(It.IsAny<Stream>(), It.IsAny<LandedFileName>(), It.IsAny<CancellationToken>()))
            .Returns(() => AsyncSequence.Of([ParsedRecord.Of(Opened("ind-1", "m-1", T0))]));
        var landingZone = new Mock<ILandingZone>();
        landingZone.Setup(z => z.OpenReadAsync(LandedName, It.IsAny<CancellationToken>())).ReturnsAsync(() => new MemoryStream());
        var publisher = new Mock<ITrackingMessagePublisher>();
        publisher.SetupGet(p => p.MaxBodyBytes).Returns(64 * 1024);
        var quarantine = new Mock<IQuarantine>();
        var fanOut = new LandedFileFanOut([parser.Object], landingZone.Object, quarantine.Object, publisher.Object,
            new EmailIntegration.UnitTests.Erasure.InMemoryErasureLedger(), Mock.Of<IRunLog>(), new FixedTimeProvider(T0), TestMetrics.Create(), NullLogger<LandedFileFanOut>.Instance);
        var blob = new BlobClient(new Uri("http://127.0.0.1:10000/devstoreaccount1/landing/" + LandedName));

        var entry = await new FanOutLandedFile(fanOut).Run(blob, CancellationToken.None);

        Assert.Equal(LandedName, entry.LandedFile);
        Assert.Equal("run", entry.RunId);
        Assert.Equal(1, entry.Messages);
        Assert.Null(entry.QuarantineReason);
        landingZone.Verify(z => z.OpenReadAsync(LandedName, It.IsAny<CancellationToken>()), Times.Once);
        publisher.Verify(p => p.PublishAsync(It.Is<IReadOnlyList<OutgoingMessage>>(m => m.Count == 1 && m[0].SessionId == "ind-1"),
            It.IsAny<CancellationToken>()), Times.Once);
        quarantine.VerifyNoOtherCalls();
    }
}
