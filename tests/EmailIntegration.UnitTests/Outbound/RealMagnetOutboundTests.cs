using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Outbound;
using EmailIntegration.UnitTests.Vendors.RealMagnet;
using EmailIntegration.VendorSandbox.RealMagnet;
using EmailIntegration.Vendors.RealMagnet;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace EmailIntegration.UnitTests.Outbound;

/// <summary>The Real Magnet pusher against the sandbox: request shapes, recipient ids recorded, and failure classes.</summary>
public sealed class RealMagnetOutboundTests : IDisposable
{
    private readonly RealMagnetSandbox sandbox = RealMagnetSandbox.Start(SandboxData.Generate(7, RealMagnetHarness.Today));
    private readonly InMemoryVendorDirectory directory = new();
    private readonly Mock<IVendorRecipientIndex> index = new();
    private readonly ServiceProvider provider;

    public RealMagnetOutboundTests()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(RealMagnetHarness.Settings(sandbox, 50, null, maxRetryAttempts: 1)).Build();
        provider = new ServiceCollection().AddLogging().AddRealMagnet(configuration).BuildServiceProvider();
    }

    private RealMagnetOutbound Pusher(Action<OutboundOptions>? configure = null) => new(
        provider.GetRequiredService<RealMagnetClient>(), directory, index.Object,
        provider.GetRequiredService<IOptions<RealMagnetOptions>>(), OutboundTestSupport.Options(configure), NullLogger<RealMagnetOutbound>.Instance);

    private static BlastPush Blast(params string[] ids)
    {
        var mapper = new FieldMapper(OutboundTestSupport.Options(o => o.FieldMaps["realmagnet"] = new()
        {
            ["Email"] = "Email", ["FirstName"] = "FirstName", ["IndividualId"] = "CustomMemberID", ["Chapter"] = "CustomField:3",
        }));
        return mapper.Map("blast-1", "realmagnet", "Newsletter",
            ids.Select(id => new BlastRecipient(id, new Dictionary<string, string?> { ["Email"] = id + "@example.org", ["FirstName"] = "F" + id, ["Chapter"] = "NE" })));
    }

    [Fact]
    public async Task ABlast_UpsertsEachRecipientWithMappedDetails_AndRecordsTheRecipientIds()
    {
        var outcome = await Pusher().PushBlastAsync(Blast("new-1", "new-2"), CancellationToken.None);

        Assert.Equal(new BlastPushOutcome(2, 0), outcome);
        var upsert = Assert.Single(sandbox.ReceivedUpserts, u => u.Details["CustomMemberID"] == "new-1");
        Assert.Equal("new-1@example.org", upsert.Details["Email"]);
        Assert.Equal("Fnew-1", upsert.Details["FirstName"]);
        Assert.Equal("NE", upsert.CustomFields[3]);
        Assert.Equal("add", upsert.UpsertType); // not known to Real Magnet yet
        Assert.Equal("new-1", await directory.FindIndividualAsync("realmagnet", upsert.RecipientId.ToString(), CancellationToken.None));
        index.Verify(i => i.SaveAsync("realmagnet", It.Is<IReadOnlyCollection<(string, string)>>(e => e.Count == 2), It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task AnIndividualRealMagnetKnows_IsUpdatedByItsId()
    {
        var known = sandbox.Data.Individuals.First(i => i.IndividualId is not null);

        var outcome = await Pusher().PushBlastAsync(Blast(known.IndividualId!), CancellationToken.None);

        Assert.Equal(new BlastPushOutcome(1, 0), outcome);
        var upsert = Assert.Single(sandbox.ReceivedUpserts);
        Assert.Equal(("update", known.RecipientId.ToString(System.Globalization.CultureInfo.InvariantCulture), known.RecipientId),
            (upsert.UpsertType, upsert.Details["ID"], upsert.RecipientId));
    }

    [Fact]
    public async Task AVendorDown_IsTransient()
    {
        sandbox.FailNextRequests("UpsertRecipient", 503, count: 10);

        var ex = await Assert.ThrowsAsync<VendorPushException>(() => Pusher().PushBlastAsync(Blast("new-1"), CancellationToken.None));

        Assert.False(ex.Permanent);
        Assert.Contains("503", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedLogin_IsPermanent()
    {
        sandbox.FailNextRequests("Authenticate", 401);

        var ex = await Assert.ThrowsAsync<VendorPushException>(() => Pusher().PushBlastAsync(Blast("new-1"), CancellationToken.None));

        Assert.True(ex.Permanent);
    }

    [Fact]
    public async Task AnOptOut_FindsTheRecipientByCustomId_AndUnsubscribesFromTheCategoryOfTheMailingType()
    {
        var known = sandbox.Data.Individuals.First(i => i.IndividualId is not null);

        var outcome = await Pusher(o => o.RealMagnet.Categories["Events"] = "1002")
            .PushOptOutAsync(new OptOutPush("o-1", known.IndividualId!, known.Email, "events", DateTimeOffset.UtcNow), CancellationToken.None);

        Assert.Equal(VendorPushState.Pushed, outcome.State);
        Assert.Equal(new RealMagnetReceivedUnsubscribe(known.RecipientId, false, 1002, null), Assert.Single(sandbox.ReceivedUnsubscribes));
    }

    [Fact]
    public async Task AnOptOutOfAnUnmappedMailingType_IsPermanent_AndAnUnknownRecipientIsSkipped()
    {
        var unmapped = await Assert.ThrowsAsync<VendorPushException>(() =>
            Pusher().PushOptOutAsync(new OptOutPush("o-1", "ind-x", null, "Events", DateTimeOffset.UtcNow), CancellationToken.None));
        Assert.True(unmapped.Permanent);

        var skipped = await Pusher(o => o.RealMagnet.Groups["Events"] = "55")
            .PushOptOutAsync(new OptOutPush("o-1", "nobody-there", null, "Events", DateTimeOffset.UtcNow), CancellationToken.None);
        Assert.Equal(VendorPushState.Skipped, skipped.State);
        Assert.Empty(sandbox.ReceivedUnsubscribes);
    }

    public void Dispose()
    {
        provider.Dispose();
        sandbox.Dispose();
    }
}
