using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.VendorSandbox.RealMagnet;

namespace EmailIntegration.UnitTests.Vendors.RealMagnet;

/// <summary>The source against the sandbox: a real HTTP server on 127.0.0.1, the real typed client and resilience handler.</summary>
public class RealMagnetSourceSandboxTests
{
    [Fact]
    public async Task Multi_page_fetch_lands_every_page_and_record()
    {
        const int pageSize = 50;
        using var h = new RealMagnetHarness(pageSize);
        var data = h.Data;

        // Link pages carry no AMS id: when one is landed, the directory must already know the recipients it refers to.
        var pages = await h.FetchAllAsync(onPage: async page =>
        {
            if (page.Kind == "links")
            {
                using var doc = JsonDocument.Parse(page.Body);
                foreach (var recipientId in doc.RootElement.EnumerateArray().Select(r => r.GetProperty("RecipientID").GetInt64()))
                {
                    var expected = data.Recipient(recipientId).IndividualId;
                    Assert.Equal(expected, await h.Directory.FindIndividualAsync("realmagnet", recipientId.ToString(CultureInfo.InvariantCulture), default));
                }
            }
        });

        int TotalPages(int records) => Math.Max(1, (records + pageSize - 1) / pageSize); // paging follows totalRecords
        int ShortPages(int records) => (records / pageSize) + 1; // a bare array: the first short page is the last
        var byKind = pages.GroupBy(p => p.Kind).ToDictionary(g => g.Key, g => g.ToList());
        var expectedKinds = new[] { "groups", "messages", "linkreport", "links", "unsubscribes", "suppressed", "spam" }
            .Concat(data.Mailings.SelectMany(m => new[] { "delivered", "bounced", "opened", "fax" }.Select(r => r + m.MessageId)));
        Assert.Equal(expectedKinds.Order(StringComparer.Ordinal), byKind.Keys.Order(StringComparer.Ordinal));

        Assert.Equal(data.Groups.Count, Assert.Single(byKind["groups"]).RecordCount);
        Assert.Equal(data.Mailings.Count, Assert.Single(byKind["messages"]).RecordCount);
        Assert.Equal(data.Mailings.Count, byKind["linkreport"].Count);
        Assert.Equal(data.Clicks.Select(c => (c.MessageId, c.RecipientId, c.Link.Url)).Distinct().Count(),
            byKind["linkreport"].Sum(p => p.RecordCount));
        foreach (var m in data.Mailings)
        {
            var delivered = data.Sends.Count(s => s.MessageId == m.MessageId && s.IsDelivery);
            var bounced = data.Sends.Count(s => s.MessageId == m.MessageId && s.IsBounce);
            var opened = data.Opens.Count(s => s.MessageId == m.MessageId);
            var faxed = data.Faxes.Count(f => f.MessageId == m.MessageId);
            Assert.Equal((delivered, TotalPages(delivered)), (byKind[$"delivered{m.MessageId}"].Sum(p => p.RecordCount), byKind[$"delivered{m.MessageId}"].Count));
            Assert.Equal((bounced, TotalPages(bounced)), (byKind[$"bounced{m.MessageId}"].Sum(p => p.RecordCount), byKind[$"bounced{m.MessageId}"].Count));
            Assert.Equal((opened, TotalPages(opened)), (byKind[$"opened{m.MessageId}"].Sum(p => p.RecordCount), byKind[$"opened{m.MessageId}"].Count));
            Assert.Equal((faxed, TotalPages(faxed)), (byKind[$"fax{m.MessageId}"].Sum(p => p.RecordCount), byKind[$"fax{m.MessageId}"].Count));
        }

        Assert.Equal(data.Clicks.Count, byKind["links"].Sum(p => p.RecordCount));
        Assert.Equal(data.Clicks.GroupBy(c => (c.MessageId, c.Link.Url)).Sum(g => ShortPages(g.Count())), byKind["links"].Count);
        Assert.Contains(byKind, k => k.Key.StartsWith("delivered", StringComparison.Ordinal) && k.Value.Count > 1); // more than one page
        Assert.Equal(data.Unsubscribes.Count, Assert.Single(byKind["unsubscribes"]).RecordCount);
        Assert.Equal(data.Suppressions.Count, Assert.Single(byKind["suppressed"]).RecordCount);
        Assert.Equal(data.SpamComplaints.Count, Assert.Single(byKind["spam"]).RecordCount);

        // Page numbers run 1..n per kind; the spam complaints are the SOAP answer (XML), the rest JSON; bodies are the server's bytes.
        foreach (var (_, list) in byKind)
        {
            Assert.Equal(Enumerable.Range(1, list.Count), list.Select(p => p.PageNumber));
        }

        Assert.All(pages, p => Assert.Equal(p.Kind == "spam" ? "xml" : "json", p.Extension));
        Assert.Contains(@"\/Date(", System.Text.Encoding.UTF8.GetString(byKind["links"][0].Body.Span), StringComparison.Ordinal);

        // Mailings went to the directory with the name and the first group's name as type.
        var mailing = data.Mailings[0];
        var info = await h.Directory.FindMailingAsync("realmagnet", mailing.MessageId.ToString(CultureInfo.InvariantCulture), default);
        Assert.Equal(mailing.Name, info!.Name);
        Assert.Equal(data.MailingType(mailing.MessageId), info.MailingType);

        Assert.Equal(1, h.Sandbox.RequestsFor("Authenticate"));
    }

    [Fact]
    public async Task Fetched_pages_parse_to_the_expected_events_per_individual()
    {
        using var h = new RealMagnetHarness(pageSize: 40);
        var pages = await h.FetchAllAsync();

        var events = new List<TrackingEvent>();
        foreach (var page in pages)
        {
            var name = new LandedFileName("realmagnet", new DateOnly(2026, 11, 30), "20261130T021500Z-1a2b3c4d", page.Kind, page.PageNumber, page.Extension);
            await foreach (var record in h.Parser.ParseAsync(new MemoryStream(page.Body.ToArray()), name, CancellationToken.None))
            {
                Assert.Null(record.Bad);
                events.Add(record.Event!);
            }
        }

        var expected = h.Data.ExpectedCountsByIndividual();
        var actual = events.Where(e => e.IndividualId is not null).GroupBy(e => e.IndividualId!).ToDictionary(
            g => g.Key,
            g => new ExpectedCounts(
                g.Count(e => e.Kind == TrackingEventKind.Delivered),
                g.Count(e => e.Kind == TrackingEventKind.Bounced),
                g.Count(e => e.Kind == TrackingEventKind.Opened),
                g.Count(e => e.Kind == TrackingEventKind.LinkClicked),
                g.Count(e => e.Kind == TrackingEventKind.FaxSent),
                g.Count(e => e.Kind == TrackingEventKind.Unsubscribed),
                g.Count(e => e.Kind == TrackingEventKind.Suppressed),
                g.Count(e => e.Kind == TrackingEventKind.SpamComplaint)));
        foreach (var (individual, counts) in expected)
        {
            Assert.Equal(counts, actual.GetValueOrDefault(individual, new ExpectedCounts(0, 0, 0, 0)));
        }

        // Every kind the product promises came through, and every bounce code and fax status occurs.
        var kinds = events.Select(e => e.Kind).ToHashSet();
        // Real Magnet reports no resubscribes: every other kind.
        var promised = Enum.GetValues<TrackingEventKind>().Where(k => k != TrackingEventKind.Resubscribed).ToHashSet();
        Assert.Equal(promised.Order(), kinds.Order());
        Assert.Equal(SandboxData.BounceStatuses.Order(), events.Where(e => e.Kind == TrackingEventKind.Bounced).Select(e => e.Status!).Distinct().Order());
        Assert.Equal(["Delivered", "Failed"], events.Where(e => e.Kind == TrackingEventKind.FaxSent).Select(e => e.Status!).Distinct().Order());
        Assert.All(events.Where(e => e.Kind == TrackingEventKind.Unsubscribed), e => Assert.Contains(e.EmailGroup, h.Data.Groups.Select(g => g.GroupName)));
        Assert.All(events.Where(e => e.Kind is TrackingEventKind.Bounced or TrackingEventKind.Suppressed), e => Assert.NotNull(e.RecipientEmailHash));

        Assert.Equal(expected.Values.Sum(c => c.Total), events.Count(e => e.IndividualId is not null));
        var unmatched = h.Data.UnmatchedRecipientIds.ToHashSet();
        Assert.Equal(
            h.Data.Sends.Count(s => unmatched.Contains(s.RecipientId)) + h.Data.Opens.Count(s => unmatched.Contains(s.RecipientId))
            + h.Data.Clicks.Count(s => unmatched.Contains(s.RecipientId)) + h.Data.Faxes.Count(f => f.HasResult && unmatched.Contains(f.RecipientId))
            + h.Data.Unsubscribes.Count(u => unmatched.Contains(u.RecipientId)) + h.Data.SpamComplaints.Count(u => unmatched.Contains(u.RecipientId))
            + h.Data.Suppressions.Count(u => unmatched.Contains(u.RecipientId)),
            events.Count(e => e.IndividualId is null));
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
        Assert.All(events, e => Assert.True(e.OccurredAt < RealMagnetHarness.Today));
        Assert.All(events.Where(e => e.MailingId != "none"), e => Assert.NotNull(e.MailingName));
    }

    [Fact]
    public async Task Refused_authentication_is_a_VendorFetchException_without_credentials()
    {
        const string wrongPassword = "wrong-P@ssw0rd-12345";
        using var h = new RealMagnetHarness(password: wrongPassword);

        var ex = await Assert.ThrowsAsync<VendorFetchException>(() => h.FetchAllAsync());

        Assert.Equal("realmagnet", ex.Vendor);
        Assert.Equal("realmagnet: authentication was refused", ex.Message);
        Assert.DoesNotContain(wrongPassword, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(h.Sandbox.Password, ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, h.Sandbox.RequestsFor("Authenticate")); // 401 is not retried
    }

    [Fact]
    public async Task Two_503s_then_success_is_retried_to_success()
    {
        using var h = new RealMagnetHarness();
        h.Sandbox.FailNextRequests("GetGroups", 503, count: 2);

        var pages = await h.FetchAllAsync();

        Assert.Equal(3, h.Sandbox.RequestsFor("GetGroups"));
        Assert.Equal(h.Data.Groups.Count, pages.Single(p => p.Kind == "groups").RecordCount);
    }

    [Fact]
    public async Task A_429_with_Retry_After_is_retried_after_the_delay()
    {
        using var h = new RealMagnetHarness();
        h.Sandbox.FailNextRequests("GetMessageList", 429, count: 1, retryAfter: TimeSpan.FromSeconds(1));

        var watch = Stopwatch.StartNew();
        var pages = await h.FetchAllAsync();

        Assert.Equal(2, h.Sandbox.RequestsFor("GetMessageList"));
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {watch.Elapsed}, before Retry-After");
        Assert.Equal(h.Data.Mailings.Count, pages.Single(p => p.Kind == "messages").RecordCount);
    }

    [Fact]
    public async Task Retries_exhausted_is_a_VendorFetchException_naming_operation_and_status()
    {
        using var h = new RealMagnetHarness(maxRetryAttempts: 2);
        h.Sandbox.FailNextRequests("GetDetailedTracking", 500, count: 10);

        var ex = await Assert.ThrowsAsync<VendorFetchException>(() => h.FetchAllAsync());

        Assert.Contains("GetDetailedTracking", ex.Message, StringComparison.Ordinal);
        Assert.Contains("500", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, h.Sandbox.RequestsFor("GetDetailedTracking"));
    }

    [Fact]
    public async Task A_corrupt_link_page_is_landed_and_reported_and_the_fetch_goes_on()
    {
        using var h = new RealMagnetHarness();
        h.Sandbox.CorruptNext("GetMessageLinkTracking");

        var sink = new EmailIntegration.UnitTests.Pipeline.CollectingPageSink();
        await h.Source.FetchAsync(h.FirstWindow, sink, CancellationToken.None);

        var (page, where, reason) = Assert.Single(sink.Unreadable);
        Assert.Equal("links", page.Kind);
        Assert.Contains(sink.Pages, p => ReferenceEquals(p, page)); // landed, bytes and all
        Assert.StartsWith($"GetMessageLinkTracking message {h.Data.Mailings[0].MessageId} page 1", where, StringComparison.Ordinal);
        Assert.Contains("not readable JSON", reason, StringComparison.Ordinal);
        Assert.Contains(sink.Pages, p => p.Kind == "spam"); // the feeds after it still came
        Assert.Equal(h.Data.Mailings.Count, sink.Pages.Count(p => p.Kind == "linkreport"));
    }

    [Fact]
    public async Task A_window_after_the_data_has_empty_tracking_pages()
    {
        using var h = new RealMagnetHarness();
        var window = new TrackingWindow(RealMagnetHarness.Today, RealMagnetHarness.Today.AddDays(1));

        var pages = await h.FetchAllAsync(window);

        // Messages sent in the lookback still get asked for tracking, which is empty in this window.
        Assert.Equal(h.Data.Mailings.Count, pages.Single(p => p.Kind == "messages").RecordCount);
        Assert.All(pages.Where(p => p.Kind is not ("messages" or "groups" or "linkreport")), p => Assert.Equal(0, p.RecordCount));
    }
}
