using System.Diagnostics;
using System.Globalization;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Vendors.Informz;
using EmailIntegration.VendorSandbox.Informz;

namespace EmailIntegration.UnitTests.Vendors.Informz;

/// <summary>The source against the sandbox: a real SOAP endpoint on 127.0.0.1, the real typed client and resilience handler.</summary>
public class InformzSourceSandboxTests
{
    private static readonly DateTimeOffset Today = InformzHarness.Today;

    private static bool IsActivity(FetchedPage p) => p.Kind.StartsWith("activity", StringComparison.Ordinal);

    [Fact]
    public async Task Multi_page_fetch_lands_every_page_and_record()
    {
        const int pageSize = 50;
        using var h = new InformzHarness(pageSize);
        var data = h.Data;
        var window = h.FirstWindow;
        var mailingsFrom = window.Start.AddDays(-30);

        var pages = await h.FetchAllAsync(window);

        var inLookback = data.Mailings.Where(m => m.MailingDate >= mailingsFrom && m.MailingDate < window.End).ToList();
        Assert.Contains(inLookback, m => m.MailingDate < window.Start); // the 20-day-old mailing still collects opens
        Assert.Equal(inLookback.Count, pages.Where(p => p.Kind == "mailings").Sum(p => p.RecordCount));
        var activityPages = pages.Where(IsActivity).ToList();
        var ids = inLookback.Select(m => m.MailingInstanceId).ToHashSet();
        Assert.Equal(data.Activity.Count(a => ids.Contains(a.MailingInstanceId)), activityPages.Sum(p => p.RecordCount));
        Assert.True(activityPages.Count > inLookback.Count, "the data should need more than one page per mailing");
        Assert.All(activityPages, p => Assert.InRange(p.RecordCount, 1, pageSize));
        Assert.Equal(
            inLookback.Select(m => InformzTrackingSource.Kinds.Activity(m.MailingDate)).Distinct().Order(),
            activityPages.Select(p => p.Kind).Distinct().Order());
        Assert.Equal(data.Subscribers.Count(s => s.ModifiedDate >= window.Start && s.ModifiedDate < window.End),
            pages.Where(p => p.Kind == "subscribers").Sum(p => p.RecordCount));
        Assert.Equal(data.InterestCancellations.Count(i => i.CancellationDate >= window.Start && i.CancellationDate < window.End),
            pages.Where(p => p.Kind == "interests").Sum(p => p.RecordCount));

        // Page numbers run 1..n per kind; every page is the SOAP response, extension xml.
        foreach (var group in pages.GroupBy(p => p.Kind))
        {
            Assert.Equal(Enumerable.Range(1, group.Count()), group.Select(p => p.PageNumber));
        }

        Assert.All(pages, p => Assert.Equal("xml", p.Extension));
        Assert.StartsWith("<s:Envelope", System.Text.Encoding.UTF8.GetString(pages[0].Body.Span), StringComparison.Ordinal);

        // Mailing names went to the directory; recipients (e-mail hash → remote id) too, from the subscriber grid, every one of
        // them (not only those modified in the window), and landed first.
        var mailing = inLookback[0];
        var info = await h.Directory.FindMailingAsync("informz", mailing.MailingInstanceId.ToString(CultureInfo.InvariantCulture), default);
        Assert.Equal(mailing.Name, info!.Name);
        Assert.Equal(data.Subscribers.Count, pages.Where(p => p.Kind == "directory").Sum(p => p.RecordCount));
        Assert.Equal("counts", pages[0].Kind);
        Assert.Equal("directory", pages[1].Kind);
        foreach (var someone in data.Subscribers.Where(s => s.RemoteId is not null && s.ModifiedDate < window.Start).Take(20))
        {
            Assert.Equal(someone.RemoteId, await h.Directory.FindIndividualAsync("informz", EmailHash.Of(someone.Email)!, default));
        }

        // Every grid query was counted once and never asked for more than 1,000 rows or activity older than 100 days.
        Assert.Equal(1 + pages.Count(p => p.Kind == "mailings"), h.Sandbox.RequestsFor("mailing_instance"));
        Assert.DoesNotContain(h.Sandbox.ReceivedGridRequests, r => r.Contains("<NumberOfRows>1001", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fetched_pages_parse_to_the_expected_events_per_individual()
    {
        using var h = new InformzHarness(pageSize: 40);
        var window = h.FirstWindow;
        var pages = await h.FetchAllAsync(window);

        var events = new List<TrackingEvent>();
        foreach (var page in pages)
        {
            var name = new LandedFileName("informz", new DateOnly(2026, 11, 30), "20261130T021500Z-1a2b3c4d", page.Kind, page.PageNumber, page.Extension);
            Assert.True(LandedFileName.TryParse(name.ToString(), out var reparsed));
            await foreach (var record in h.Parser.ParseAsync(new MemoryStream(page.Body.ToArray()), reparsed!, CancellationToken.None))
            {
                Assert.Null(record.Bad);
                events.Add(record.Event!);
            }
        }

        var expected = h.Data.ExpectedCountsByIndividual(window.Start, window.End, window.Start.AddDays(-30));
        var actual = events.Where(e => e.IndividualId is not null).GroupBy(e => e.IndividualId!).ToDictionary(
            g => g.Key,
            g => new InformzExpectedCounts(
                g.Count(e => e.Kind == TrackingEventKind.Delivered),
                g.Count(e => e.Kind == TrackingEventKind.Opened),
                g.Count(e => e.Kind == TrackingEventKind.Bounced),
                g.Count(e => e.Kind == TrackingEventKind.Unsubscribed)));
        foreach (var (individual, counts) in expected)
        {
            Assert.Equal(counts, actual.GetValueOrDefault(individual, new InformzExpectedCounts(0, 0, 0, 0)));
        }

        Assert.True(expected.Values.Sum(c => c.Bounced) > 0 && expected.Values.Sum(c => c.Unsubscribed) > 0, "the data should have both");
        Assert.Equal(expected.Values.Sum(c => c.Total), events.Count(e => e.IndividualId is not null));
        Assert.Contains(events, e => e.IndividualId is null); // subscribers without a remote id: unmatched downstream
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
        Assert.All(events, e => Assert.True(e.OccurredAt < Today));
        Assert.All(events, e => Assert.NotNull(e.RecipientEmailHash));
        Assert.DoesNotContain(events, e => e.Kind == TrackingEventKind.LinkClicked);
        Assert.All(events.Where(e => e.Kind is TrackingEventKind.Delivered or TrackingEventKind.Opened), e => Assert.NotNull(e.MailingName));
        Assert.All(events, e => Assert.DoesNotContain("@example.org", System.Text.Json.JsonSerializer.Serialize(e), StringComparison.Ordinal));

        // The open and delivery times are the mailing's send time (the grid has flags, no times).
        var mailingTimes = h.Data.Mailings.Select(m => m.MailingDate).ToHashSet();
        Assert.All(events.Where(e => e.Kind is TrackingEventKind.Opened or TrackingEventKind.Delivered), e => Assert.Contains(e.OccurredAt, mailingTimes));
    }

    [Fact]
    public async Task An_empty_window_lands_empty_pages_and_no_activity()
    {
        using var h = new InformzHarness(extra: new() { ["Vendors:Informz:MailingLookbackDays"] = "0" });

        var pages = await h.FetchAllAsync(new TrackingWindow(Today, Today.AddDays(1)));

        Assert.Equal(["counts", "directory", "interests", "mailings", "subscribers"], pages.Select(p => p.Kind).Distinct().Order());
        Assert.All(pages.Where(p => p.Kind != "directory"), p => Assert.Equal(0, p.RecordCount));
        Assert.DoesNotContain(pages, IsActivity);
    }

    [Fact]
    public async Task A_catch_up_from_an_old_watermark_never_asks_for_activity_older_than_100_days()
    {
        using var h = new InformzHarness(pageSize: 200);
        var window = h.Source.PlanWindow(Today.AddDays(-250), InformzHarness.Now)!;
        Assert.Equal(Today.AddDays(-99), window.Start);

        var pages = await h.FetchAllAsync(window); // the sandbox faults on any activity query older than 100 days

        var old = h.Data.Mailings.Single(m => m.MailingDate < h.Data.ActivityLimit);
        Assert.DoesNotContain(pages, p => p.Kind == InformzTrackingSource.Kinds.Activity(old.MailingDate));
        Assert.DoesNotContain(h.Sandbox.ReceivedGridRequests, r => r.Contains(old.MailingInstanceId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));

        // Asked directly, the vendor refuses it: that is the data the cap makes unreachable.
        var ex = await Assert.ThrowsAsync<VendorFetchException>(() => h.Client.GetGridAsync(new GridQuery(
            InformzTrackingSource.Grids.Activity, [GridCondition.Eq("mailing_instance_id", old.MailingInstanceId.ToString(CultureInfo.InvariantCulture))],
            InformzTrackingSource.Grids.ActivityFields), default));
        Assert.True(ex.Message.Contains("100 days", StringComparison.Ordinal), ex.Message);
    }

    [Fact]
    public async Task Interest_cancellations_are_fetched_in_chunks_of_at_most_a_week()
    {
        using var h = new InformzHarness(pageSize: 500);
        var window = new TrackingWindow(Today.AddDays(-20), Today);

        var pages = await h.FetchAllAsync(window); // the sandbox refuses interest queries spanning more than a week

        Assert.Equal(h.Data.InterestCancellations.Count(i => i.CancellationDate >= window.Start),
            pages.Where(p => p.Kind == "interests").Sum(p => p.RecordCount));
        Assert.Equal(3 * 2, h.Sandbox.RequestsFor("subscriber_interests")); // 3 chunks × (Count + one page)
    }

    [Fact]
    public async Task Refused_login_is_a_VendorFetchException_without_credentials_and_is_not_retried()
    {
        const string wrongPassword = "wrong-P@ssw0rd-12345";
        using var h = new InformzHarness(password: wrongPassword);

        var ex = await Assert.ThrowsAsync<VendorFetchException>(() => h.FetchAllAsync());

        Assert.Equal("informz", ex.Vendor);
        Assert.Contains("refused", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPassword, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(h.Sandbox.Password, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(h.Sandbox.User, ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, h.Sandbox.RequestsFor("subscriber")); // the directory's Count, first; a Client fault is final
        Assert.Equal(0, h.Sandbox.RequestsFor("mailing_instance"));
    }

    [Fact]
    public async Task Two_503s_then_success_is_retried_to_success()
    {
        using var h = new InformzHarness();
        h.Sandbox.FailNextRequests("subscriber", 503, count: 2);
        var window = h.FirstWindow;

        var pages = await h.FetchAllAsync(window);

        Assert.Equal(h.Data.Subscribers.Count(s => s.ModifiedDate >= window.Start && s.ModifiedDate < window.End),
            pages.Where(p => p.Kind == "subscribers").Sum(p => p.RecordCount));
        // Two failures, then the directory (Count + pages) and the changed subscribers (Count + pages).
        Assert.Equal(2 + 1 + pages.Count(p => p.Kind == "directory") + 1 + pages.Count(p => p.Kind == "subscribers"),
            h.Sandbox.RequestsFor("subscriber"));
    }

    [Fact]
    public async Task A_server_fault_500_is_transient_and_retried()
    {
        using var h = new InformzHarness();
        h.Sandbox.FailNextRequests("mailing_instance", 500, count: 1);

        var pages = await h.FetchAllAsync();

        Assert.Contains(pages, p => p.Kind == "mailings" && p.RecordCount > 0);
    }

    [Fact]
    public async Task A_429_with_Retry_After_is_retried_after_the_delay()
    {
        using var h = new InformzHarness();
        h.Sandbox.FailNextRequests("mailing_instance", 429, count: 1, retryAfter: TimeSpan.FromSeconds(1));

        var watch = Stopwatch.StartNew();
        var pages = await h.FetchAllAsync();

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {watch.Elapsed}, before Retry-After");
        Assert.Equal(1 + 1 + pages.Count(p => p.Kind == "mailings"), h.Sandbox.RequestsFor("mailing_instance"));
    }

    [Fact]
    public async Task Retries_exhausted_is_a_VendorFetchException_naming_grid_and_status()
    {
        using var h = new InformzHarness(maxRetryAttempts: 2);
        h.Sandbox.FailNextRequests("subscriber", 503, count: 10);

        var ex = await Assert.ThrowsAsync<VendorFetchException>(() => h.FetchAllAsync());

        Assert.Contains("subscriber", ex.Message, StringComparison.Ordinal);
        Assert.Contains("503", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, h.Sandbox.RequestsFor("subscriber"));
    }

    [Fact]
    public async Task A_corrupt_page_is_landed_then_reported_and_the_fetch_goes_on()
    {
        using var h = new InformzHarness(pageSize: 100);
        h.Sandbox.CorruptPage("subscriber", 101); // the directory's second page of three
        var sink = new EmailIntegration.UnitTests.Pipeline.CollectingPageSink();

        await h.Source.FetchAsync(h.FirstWindow, sink, CancellationToken.None);

        var directory = sink.Pages.Where(p => p.Kind == "directory").ToList();
        Assert.Equal([1, 2, 3], directory.Select(p => p.PageNumber));
        var (page, where, reason) = Assert.Single(sink.Unreadable);
        Assert.Same(directory[1], page); // the landed page, bytes as received
        Assert.Equal(0, page.RecordCount);
        Assert.Contains("subscriber (modified_date LT 2026-11-30) StartRow 101", where, StringComparison.Ordinal);
        Assert.Contains("not a readable GridResponse", reason, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Sandbox.User, reason, StringComparison.Ordinal);
        Assert.Equal(h.Data.Subscribers.Count - 100, directory.Sum(p => p.RecordCount));
        Assert.Contains(sink.Pages, IsActivity);
        Assert.Contains(sink.Pages, p => p.Kind == "interests");
    }

    [Fact]
    public async Task Optout_is_pushed_and_recorded_by_the_sandbox()
    {
        using var h = new InformzHarness();
        var who = h.Data.Subscribers.Take(3).ToList();

        var result = await h.Client.OptOutAsync(["Events", "Advocacy"], who.Select(s => s.Email).ToList(), default);

        Assert.True(result.Success);
        Assert.Equal("Optout", result.Action);
        Assert.Equal(3, result.Count);
        var received = Assert.Single(h.Sandbox.ReceivedOptOuts);
        Assert.Equal(["Events", "Advocacy"], received.InterestNames);
        Assert.Equal(who.Select(s => s.Email), received.Subscribers.Select(s => s.Email));
        Assert.All(received.Subscribers, s => Assert.Null(s.Id));

        // An interest Informz does not have: the vendor refuses the whole document.
        var ex = await Assert.ThrowsAsync<VendorFetchException>(() => h.Client.OptOutAsync(["No Such Interest"], [who[0].Email], default));
        Assert.Contains("Optout was refused", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(who[0].Email, ex.Message, StringComparison.Ordinal);
        Assert.Single(h.Sandbox.ReceivedOptOuts);
    }

    [Fact]
    public async Task Subscribe_returns_the_vendor_result()
    {
        using var h = new InformzHarness();
        var s = h.Data.Subscribers[0];

        var subscribed = await h.Client.SubscribeAsync(["Newsletter"], InformzInterestAction.AddOrUpdateSubscribers,
            [new InformzSubscriber(s.Email, s.RemoteId)], default);

        Assert.True(subscribed.Success);
        Assert.Equal(1, subscribed.Count);
        Assert.Equal(["Subscribe"], h.Sandbox.ReceivedActions.Select(a => a.Action));
    }
}
