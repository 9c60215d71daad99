using System.Text.Json;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Rules;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.Pipeline.Outbound;
using EmailIntegration.Pipeline.Serve;
using EmailIntegration.UnitTests.Pipeline;
using EmailIntegration.UnitTests.Erasure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace EmailIntegration.UnitTests.Outbound;

/// <summary>The push checks each recipient against their profile as it is then, keeps the decisions, and reports them.</summary>
public sealed class BlastSuppressionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly Dictionary<string, ProfileDocument> profiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BlastRequest> landed = new(StringComparer.Ordinal);
    private readonly InMemoryStatuses statuses = new();
    private readonly InMemorySuppressionLedger ledger = new();
    private readonly InMemoryErasureLedger erasures = new();
    private readonly Mock<IIndividualDocumentStore> individuals = new();
    private readonly Mock<IOutboundVendor> realMagnet = OutboundTestSupport.Vendor("realmagnet");
    private readonly List<IReadOnlyList<string>> pushes = [];
    private int failNextPushes;
    private readonly IConfiguration configuration = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { [PageTokenProtector.KeySetting] = Convert.ToBase64String(new byte[32]) })
        .Build();

    public BlastSuppressionTests()
    {
        individuals.Setup(i => i.ReadAsync(It.IsAny<string>(), It.IsAny<IReadOnlyCollection<string>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string id, IReadOnlyCollection<string> _, CancellationToken _) => profiles.TryGetValue(id, out var profile)
                ? new DocumentSnapshot(new Dictionary<string, IndividualDocument> { [ProfileDocument.DocumentId] = Copy(profile) }, new Dictionary<string, string> { [ProfileDocument.DocumentId] = "e" })
                : DocumentSnapshot.Empty);
        realMagnet.Setup(v => v.PushBlastAsync(It.IsAny<BlastPush>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((BlastPush push, CancellationToken _) =>
            {
                if (failNextPushes-- > 0)
                {
                    throw new VendorPushException("realmagnet", "UpsertRecipient answered 503.", permanent: false);
                }

                pushes.Add(push.Recipients.Select(r => r.IndividualId).ToList());
                return new BlastPushOutcome(push.Recipients.Count, 0);
            });

        Profile("invalid", p => p.EmailValid = false);
        Profile("no-email", p => p.DoNotEmail = true);
        Profile("opted-out", p => p.CommunicationPreferences.Add(new CommunicationPreference(" newsletter ", true, Now, PreferenceSource.VendorUnsubscribe)));
        Profile("clean", _ => { });
    }

    private static readonly string[] Everyone = ["invalid", "no-email", "opted-out", "clean", "stranger"];

    [Fact]
    public async Task AMarketingBlast_HoldsBackEachReason_SendsTheUnknownIndividual_AndCountsThem()
    {
        var blastId = await AcceptAsync(BlastKind.Marketing, Everyone);

        await Processor().PushBlastAsync(blastId, 1, lastAttempt: false, CancellationToken.None);

        Assert.Equal(["clean", "stranger"], Assert.Single(pushes));
        var status = statuses.Current(blastId);
        Assert.Equal(BlastState.Pushed, status.Status);
        Assert.Equal(new SuppressedCounts(EmailInvalid: 1, DoNotEmail: 1, OptedOut: 1), status.Suppressed);
        Assert.Equal(3, status.Suppressed.Total);
        Assert.Equal(1, status.UnknownIndividuals);
        Assert.Equal(2, status.Pushed);
    }

    [Fact]
    public async Task ATransactionalBlast_IgnoresDoNotEmailAndOptOuts_ButNeverMailsAnInvalidAddress()
    {
        var blastId = await AcceptAsync(BlastKind.Transactional, Everyone);

        await Processor().PushBlastAsync(blastId, 1, lastAttempt: false, CancellationToken.None);

        Assert.Equal(["no-email", "opted-out", "clean", "stranger"], Assert.Single(pushes));
        Assert.Equal(new SuppressedCounts(1, 0, 0), statuses.Current(blastId).Suppressed);
        Assert.Equal(BlastKind.Transactional, statuses.Current(blastId).Kind);
    }

    [Theory]
    [InlineData(BlastKind.Marketing)]
    [InlineData(BlastKind.Transactional)]
    public async Task AnErasedRecipient_IsNeverPushed_WhateverTheKind_AndCountedAsErased(BlastKind kind)
    {
        var blastId = await AcceptAsync(kind, ["clean", "stranger"]);
        erasures.Erased("clean", "stranger");

        await Processor().PushBlastAsync(blastId, 1, lastAttempt: false, CancellationToken.None);

        Assert.Empty(pushes);
        var status = statuses.Current(blastId);
        Assert.Equal(BlastState.Pushed, status.Status);
        Assert.Equal(new SuppressedCounts(0, 0, 0, Erased: 2), status.Suppressed);
        Assert.Equal(0, status.UnknownIndividuals);
        individuals.Verify(i => i.ReadAsync(It.IsAny<string>(), It.IsAny<IReadOnlyCollection<string>>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task TheProfileAtPushTime_Decides_NotTheProfileWhenTheBlastWasPosted()
    {
        var blastId = await AcceptAsync(BlastKind.Marketing, ["clean", "no-email"]);
        Profile("clean", p => p.DoNotEmail = true);
        Profile("no-email", p => p.DoNotEmail = false);

        await Processor().PushBlastAsync(blastId, 1, lastAttempt: false, CancellationToken.None);

        Assert.Equal(["no-email"], Assert.Single(pushes));
        Assert.Equal(new SuppressedCounts(0, 1, 0), statuses.Current(blastId).Suppressed);
    }

    [Fact]
    public async Task ARetryAfterAFailure_PushesTheFirstDecision_EvenWhenProfilesChangedSince()
    {
        var blastId = await AcceptAsync(BlastKind.Marketing, Everyone);
        failNextPushes = 1;
        await Assert.ThrowsAsync<VendorPushException>(() => Processor().PushBlastAsync(blastId, 1, lastAttempt: false, CancellationToken.None));

        Profile("no-email", p => p.DoNotEmail = false);
        Profile("clean", p => p.EmailValid = false);
        await Processor().PushBlastAsync(blastId, 2, lastAttempt: false, CancellationToken.None);

        Assert.Equal(["clean", "stranger"], Assert.Single(pushes));
        Assert.Equal(1, ledger.Recorded);
        Assert.Equal(new SuppressedCounts(1, 1, 1), statuses.Current(blastId).Suppressed);
    }

    [Fact]
    public async Task AReplayedPushMessage_PushesNothingAgain_AndDecidesNothingAgain()
    {
        var blastId = await AcceptAsync(BlastKind.Marketing, Everyone);
        var message = JsonSerializer.SerializeToUtf8Bytes(OutboundMessage.Blast(blastId), ApiJson.Options);
        await Processor().ProcessAsync("m1", message, 1, CancellationToken.None);
        Profile("invalid", p => p.EmailValid = true);

        await Processor().ProcessAsync("m1", message, 1, CancellationToken.None);

        Assert.Single(pushes);
        Assert.Equal(1, ledger.Recorded);
        Assert.Equal(new SuppressedCounts(1, 1, 1), statuses.Current(blastId).Suppressed);
    }

    [Fact]
    public async Task ABlastWhoseRecipientsAreAllHeldBack_EndsPushed_WithoutCallingTheVendor()
    {
        var blastId = await AcceptAsync(BlastKind.Marketing, ["invalid", "no-email"]);

        await Processor().PushBlastAsync(blastId, 1, lastAttempt: false, CancellationToken.None);

        Assert.Empty(pushes);
        Assert.Equal(BlastState.Pushed, statuses.Current(blastId).Status);
        Assert.Equal(2, statuses.Current(blastId).Suppressed.Total);
    }

    [Fact]
    public async Task TheSuppressedList_PagesIdsAndReasons_WithASignedToken_AndRefusesATamperedOne()
    {
        var blastId = await AcceptAsync(BlastKind.Marketing, Everyone);
        var report = new BlastSuppressionReport(statuses, ledger, configuration);
        var before = await report.GetPageAsync(blastId, new PageRequest(PageSize: 2), CancellationToken.None);
        await Processor().PushBlastAsync(blastId, 1, lastAttempt: false, CancellationToken.None);

        var first = await report.GetPageAsync(blastId, new PageRequest(PageSize: 2), CancellationToken.None);
        var second = await report.GetPageAsync(blastId, new PageRequest(PageSize: 2, ContinuationToken: first!.ContinuationToken), CancellationToken.None);

        Assert.Empty(before!.Items);
        Assert.Null(before.DecidedAt);
        Assert.Equal([new SuppressedRecipient("invalid", SuppressionReason.EmailInvalid), new SuppressedRecipient("no-email", SuppressionReason.DoNotEmail)], first.Items);
        Assert.Equal([new SuppressedRecipient("opted-out", SuppressionReason.OptedOut)], second!.Items);
        Assert.Null(second.ContinuationToken);
        Assert.Equal(Now, first.DecidedAt);
        var tampered = first.ContinuationToken![..^2] + (first.ContinuationToken[^2] == 'A' ? "B" : "A") + first.ContinuationToken[^1];
        await Assert.ThrowsAsync<InvalidRequestException>(() =>
            report.GetPageAsync(blastId, new PageRequest(PageSize: 2, ContinuationToken: tampered), CancellationToken.None));
        var otherBlast = await AcceptAsync(BlastKind.Transactional, Everyone);
        await Assert.ThrowsAsync<InvalidRequestException>(() =>
            report.GetPageAsync(otherBlast, new PageRequest(PageSize: 2, ContinuationToken: first.ContinuationToken), CancellationToken.None));
        Assert.Null(await report.GetPageAsync("b-unknown", PageRequest.FirstPage, CancellationToken.None));
    }

    private async Task<string> AcceptAsync(BlastKind kind, IEnumerable<string> ids)
    {
        var blasts = new Mock<IBlastStore>();
        blasts.Setup(b => b.LandAsync(It.IsAny<string>(), It.IsAny<BlastRequest>(), It.IsAny<CancellationToken>()))
            .Callback((string id, BlastRequest blast, CancellationToken _) => landed[id] = blast).ReturnsAsync(true);
        var service = new BlastService(blasts.Object, statuses, Mock.Of<IOutboundQueue>(), [realMagnet.Object], OutboundTestSupport.Options(),
            new FixedTimeProvider(Now), NullLogger<BlastService>.Instance);
        var request = new BlastRequest(null, "realmagnet", "Newsletter", ids.Select(id => OutboundTestSupport.Recipient(id)).ToList()) { Kind = kind };
        var reads = individuals.Invocations.Count;
        var status = await service.AcceptAsync(request, CancellationToken.None);
        Assert.Equal(reads, individuals.Invocations.Count); // accepting reads no profile: the push decides
        return status.BlastId;
    }

    private OutboundProcessor Processor()
    {
        var blasts = new Mock<IBlastStore>();
        blasts.Setup(b => b.ReadAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string id, CancellationToken _) => landed.GetValueOrDefault(id));
        return new OutboundProcessor(blasts.Object, statuses, Mock.Of<IOptOutResultStore>(), individuals.Object, ledger, erasures, [realMagnet.Object],
            new FieldMapper(OutboundTestSupport.Options()), OutboundTestSupport.Options(), new FixedTimeProvider(Now), NullLogger<OutboundProcessor>.Instance);
    }

    private void Profile(string id, Action<ProfileDocument> change)
    {
        if (!profiles.TryGetValue(id, out var profile))
        {
            profiles[id] = profile = ProfileDocument.New(id);
            profile.KnownToAms = true;
            profile.Email = id + "@example.org";
        }

        change(profile);
    }

    private static ProfileDocument Copy(ProfileDocument profile) =>
        (ProfileDocument)JsonSerializer.Deserialize<IndividualDocument>(JsonSerializer.Serialize<IndividualDocument>(profile))!;

    private sealed class InMemoryStatuses : IBlastStatusStore
    {
        private readonly Dictionary<string, BlastStatus> statuses = new(StringComparer.Ordinal);

        public BlastStatus Current(string blastId) => statuses[blastId];

        public Task<BlastStatus?> GetAsync(string blastId, CancellationToken cancellationToken) => Task.FromResult(statuses.GetValueOrDefault(blastId));

        public Task<bool> TryAddAsync(BlastStatus status, CancellationToken cancellationToken) => Task.FromResult(statuses.TryAdd(status.BlastId, status));

        public Task<BlastStatus> ReplaceAsync(BlastStatus status, CancellationToken cancellationToken)
        {
            statuses[status.BlastId] = status;
            return Task.FromResult(status);
        }
    }
}
