using EmailIntegration.Functions.Http.Pages;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Pipeline.Operations;
using EmailIntegration.Pipeline.Serve;
using EmailIntegration.UnitTests.Pipeline;
using Microsoft.Extensions.Configuration;
using Moq;
using Xunit;

namespace EmailIntegration.UnitTests.Operations;

public sealed class RunIndexKeyTests
{
    [Theory]
    [InlineData("20261130T023000Z-1a2b3c4d", "2026-11-30T02:30:00Z")]
    [InlineData("20261130T023000Z-1a2b3c4d-replay-20261201T091500Z", "2026-12-01T09:15:00Z")]
    public void TheStart_IsReadFromTheRunId(string runId, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), RunIndexKey.StartOf(runId));

    [Theory]
    [InlineData("poison-1")]
    [InlineData("20261130T023000Z-")]
    [InlineData("20261130T023000Z-abc\n")]
    [InlineData("20261399T023000Z-1a2b3c4d")]
    public void ARunIdOfAnotherShape_HasNoStart(string runId) => Assert.Null(RunIndexKey.StartOf(runId));

    [Fact]
    public void Keys_SortNewestFirst_AndTheBoundsSplitAtTheTime()
    {
        var older = RunIndexKey.For("a", new DateTimeOffset(2026, 11, 29, 2, 30, 0, TimeSpan.Zero));
        var newer = RunIndexKey.For("b", new DateTimeOffset(2026, 11, 30, 2, 30, 0, TimeSpan.Zero));
        var bound = RunIndexKey.Bound(new DateTimeOffset(2026, 11, 30, 2, 30, 0, TimeSpan.Zero));

        Assert.True(string.CompareOrdinal(newer, older) < 0);
        Assert.True(string.CompareOrdinal(newer, bound) < 0, "a run started at the bound is below it (at or after)");
        Assert.True(string.CompareOrdinal(older, bound) >= 0, "an older run is at or above it (before)");
        Assert.True(RunIndexKey.IsValid(newer));
        Assert.False(RunIndexKey.IsValid(newer + "\n"));
        Assert.False(RunIndexKey.IsValid("123|b"));
    }
}

public sealed class RunOverviewReaderTests
{
    private static readonly IConfiguration Configuration = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { [PageTokenProtector.KeySetting] = Convert.ToBase64String(new byte[32]) }).Build();

    private readonly Mock<IRunIndex> index = new();
    private readonly Mock<IRunLog> runLog = new();
    private readonly Mock<IPoisonQueue> poison = new();
    private readonly Mock<IQuarantineReader> quarantine = new();

    public RunOverviewReaderTests()
    {
        poison.SetupGet(p => p.QueueName).Returns("tracking");
        poison.SetupGet(p => p.PoisonName).Returns("tracking-poison");
        poison.Setup(p => p.ListAsync(It.IsAny<CancellationToken>())).ReturnsAsync(new PoisonListing(1,
            [new PoisonMessage("p1", null, "IND-9", "realmagnet/2026/11/30/20261130T023000Z-aaaa0001/links-00001.json", 0, 2, 100)]));
        runLog.Setup(r => r.ReadFetchesAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync((string run, CancellationToken _) =>
        [
            new FetchLogEntry(run, "realmagnet", FetchStatus.Completed, T(0), T(1), T(-24), T(0), 3, 30, null),
            new FetchLogEntry(run, "informz", FetchStatus.Failed, T(0), T(1), T(-24), T(0), 0, 0, "refused"),
        ]);
        runLog.Setup(r => r.ReadFanOutsAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync((string run, CancellationToken _) =>
        [
            new FanOutLogEntry(run, $"realmagnet/2026/11/30/{run}/links-00001.json", T(1), 10, 9, 4, 1, 0, null),
            new FanOutLogEntry(run, $"realmagnet/2026/11/30/{run}/links-00002.json", T(1), 5, 0, 0, 0, 0, "cut off"),
        ]);
        runLog.Setup(r => r.ReadApplyIssuesAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
    }

    private static DateTimeOffset T(int hours) => new DateTimeOffset(2026, 11, 30, 2, 30, 0, TimeSpan.Zero).AddHours(hours);

    private RunOverviewReader Create() => new(index.Object, runLog.Object, poison.Object, quarantine.Object, Configuration);

    [Fact]
    public async Task APage_SumsUpEachRun_AndItsTokenContinuesAfterTheLastRun()
    {
        var entries = new[] { "20261130T023000Z-aaaa0001", "20261129T023000Z-aaaa0002", "20261128T023000Z-aaaa0003" }
            .Select(id => new RunIndexEntry(RunIndexKey.For(id, RunIndexKey.StartOf(id)!.Value), id, RunIndexKey.StartOf(id)!.Value)).ToList();
        index.Setup(i => i.ListAsync(null, null, null, 3, It.IsAny<CancellationToken>())).ReturnsAsync(entries);
        index.Setup(i => i.ListAsync(null, null, entries[1].Key, 3, It.IsAny<CancellationToken>())).ReturnsAsync(entries.Skip(2).ToList());

        var first = await Create().ListAsync(new PageRequest(PageSize: 2), CancellationToken.None);
        var second = await Create().ListAsync(new PageRequest(PageSize: 2, ContinuationToken: first.ContinuationToken), CancellationToken.None);

        Assert.Equal(["20261130T023000Z-aaaa0001", "20261129T023000Z-aaaa0002"], first.Items.Select(r => r.RunId));
        var run = first.Items[0];
        Assert.Equal(["informz", "realmagnet"], run.Vendors.Select(v => v.Vendor));
        Assert.Equal(FetchStatus.Failed, run.Vendors[0].Status);
        Assert.Equal((2, 9, 1, 1, 1), (run.Files, run.Events, run.QuarantinedFiles, run.BadRecords, run.Poisoned));
        Assert.Equal(0, first.Items[1].Poisoned);
        Assert.Equal(["20261128T023000Z-aaaa0003"], second.Items.Select(r => r.RunId));
        Assert.Null(second.ContinuationToken);
    }

    [Fact]
    public async Task AToken_IsBoundToItsFilters()
    {
        var id = "20261130T023000Z-aaaa0001";
        var entry = new RunIndexEntry(RunIndexKey.For(id, T(0)), id, T(0));
        index.Setup(i => i.ListAsync(It.IsAny<DateTimeOffset?>(), It.IsAny<DateTimeOffset?>(), It.IsAny<string?>(), 2, It.IsAny<CancellationToken>()))
            .ReturnsAsync([entry, entry]);
        var page = await Create().ListAsync(new PageRequest(PageSize: 1, From: T(-48)), CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidRequestException>(() =>
            Create().ListAsync(new PageRequest(PageSize: 1, ContinuationToken: page.ContinuationToken, From: T(-72)), CancellationToken.None));
        Assert.Equal("continuationToken", error.Parameter);
        await Assert.ThrowsAsync<InvalidRequestException>(() => Create().ListAsync(new PageRequest(Vendor: "informz"), CancellationToken.None));
    }

    [Theory]
    [InlineData("")]
    [InlineData("run/../x")]
    [InlineData("run\n")]
    public async Task AMalformedRunId_IsAClientError(string runId) =>
        Assert.Equal("runId", (await Assert.ThrowsAsync<InvalidRequestException>(() => Create().ReadAsync(runId, CancellationToken.None))).Parameter);

    [Fact]
    public async Task ARun_ShowsItsBadRecordsAndItsPoisonedMessages()
    {
        const string run = "20261130T023000Z-aaaa0001";
        quarantine.Setup(q => q.ReadBadRecordsAsync($"realmagnet/2026/11/30/{run}/links-00001.json", RunOverviewReader.BadRecordsShown, It.IsAny<CancellationToken>()))
            .ReturnsAsync([new BadRecord("record 3", "ActivityDate is not a date")]);

        var detail = await Create().ReadAsync(run, CancellationToken.None);

        Assert.NotNull(detail);
        Assert.Equal("ActivityDate is not a date", Assert.Single(Assert.Single(detail.BadRecords).Value).Reason);
        Assert.Equal("IND-9", Assert.Single(detail.Poisoned).IndividualId);
    }
}

public sealed class OperationsPageTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 2, 30, 0, TimeSpan.Zero);

    [Fact]
    public void TheOverview_EncodesEveryValue_ShowsAStatusPerVendor_AndLinksWithoutAKey()
    {
        var run = new RunSummary("20261130T023000Z-aaaa0001", Start,
            [new VendorRunStatus("informz", FetchStatus.Failed, Start, Start, 0, 0, 0, "<script>alert(1)</script>"),
             new VendorRunStatus("realmagnet", FetchStatus.Incomplete, Start, Start, 2, 5, 1, null)],
            2, 10, 9, 4, 1, 1, 0, 1, 0, 3);
        var poison = new PoisonOverview("tracking", "tracking-poison",
            new PoisonListing(1, [new PoisonMessage("m<1>", null, "IND-<b>", "realmagnet/x", 0, 2, 10)]));

        var html = OperationsPage.RenderOverview(new RunListPage([run], "tok&en"), poison, laterPage: false);

        Assert.Contains("data-vendor=\"informz\"><span class=\"status failed\" data-status=\"Failed\">Failed</span>", html, StringComparison.Ordinal);
        Assert.Contains("data-status=\"Incomplete\">Incomplete</span>", html, StringComparison.Ordinal);
        Assert.Contains("IND-&lt;b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"operations?continuationToken=tok%26en\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"operations/requeue\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("code=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRunPage_ShowsErrorsEncoded_AndTheConfirmationFormPostsItsToken()
    {
        var summary = new RunSummary("r-1", Start, [], 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        var detail = new RunDetail(summary,
            [new FetchLogEntry("r-1", "informz", FetchStatus.Failed, Start, Start, Start, Start, 0, 0, "HTTP 500 <from vendor>")],
            [], [new ApplyIssueEntry("r-1", ApplyIssueKind.UnmatchedEmailGroup, "IND-1", "f", "Events & more", 2)], [],
            new Dictionary<string, IReadOnlyList<BadRecord>>());

        var run = OperationsPage.RenderRun(detail);
        var confirm = OperationsPage.RenderRequeueConfirmation(
            new PoisonOverview("tracking", "tracking-poison", new PoisonListing(3, [])), "signed\"token");

        Assert.Contains("HTTP 500 &lt;from vendor&gt;", run, StringComparison.Ordinal);
        Assert.Contains("Events &amp; more", run, StringComparison.Ordinal);
        Assert.Contains("<form method=\"post\" action=\"requeue/confirm\">", confirm, StringComparison.Ordinal);
        Assert.Contains("value=\"signed&quot;token\"", confirm, StringComparison.Ordinal);
        Assert.Contains("Re-queue 3 message(s) to tracking", confirm, StringComparison.Ordinal);
    }
}

public sealed class OperationsPageCapTests
{
    [Fact]
    public void ARunWithManyIssues_ShowsTheFirstRows_AndSaysHowManyThereAre()
    {
        var summary = new RunSummary("r-1", null, [], 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        var issues = Enumerable.Range(0, OperationsPage.RowsShown + 1)
            .Select(i => new ApplyIssueEntry("r-1", ApplyIssueKind.UnknownIndividual, $"IND-{i:D4}", "f", null, 1)).ToList();

        var html = OperationsPage.RenderRun(new RunDetail(summary, [], [], issues, [], new Dictionary<string, IReadOnlyList<BadRecord>>()));

        Assert.Equal(OperationsPage.RowsShown, System.Text.RegularExpressions.Regex.Count(html, "<td data-label=\"Individual\">IND-"));
        Assert.Contains($"the first {OperationsPage.RowsShown} of {OperationsPage.RowsShown + 1}", html, StringComparison.Ordinal);
    }
}

public sealed class RequeueConfirmationTests
{
    private static readonly IConfiguration Configuration = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { [PageTokenProtector.KeySetting] = Convert.ToBase64String(new byte[32]) }).Build();

    [Fact]
    public void AnIssuedToken_IsAccepted_UntilItExpires_AndOnlyForItsQueue()
    {
        var clock = new FixedTimeProvider(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
        var confirmation = new RequeueConfirmation(Queue("tracking-poison"), clock, Configuration);
        var token = confirmation.Issue();

        confirmation.Verify(token);
        Assert.Throws<InvalidRequestException>(() => new RequeueConfirmation(Queue("other-poison"), clock, Configuration).Verify(token));
        Assert.Throws<InvalidRequestException>(() => confirmation.Verify(null));
        Assert.Throws<InvalidRequestException>(() => confirmation.Verify(token[..^2] + "AA"));
        clock.Now = clock.Now.Add(RequeueConfirmation.Lifetime).AddSeconds(1);
        Assert.Equal("confirmation", Assert.Throws<InvalidRequestException>(() => confirmation.Verify(token)).Parameter);
    }

    private static IPoisonQueue Queue(string name) => Mock.Of<IPoisonQueue>(q => q.PoisonName == name);
}
