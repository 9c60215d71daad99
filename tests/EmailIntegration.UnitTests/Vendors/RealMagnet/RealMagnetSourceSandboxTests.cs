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

        // When a page is yielded, the directory must already know the recipients its rows refer to.
        var pages = await h.FetchAllAsync(onPage: async page =>
        {
            if (page.Kind is "links" or "delivered" or "opened")
            {
                foreach (var recipientId in RecipientIds(page))
                {
                    var expected = data.Recipient(recipientId).IndividualId;
                    Assert.Equal(expected, await h.Directory.FindIndividualAsync("realmagnet", recipientId.ToString(CultureInfo.InvariantCulture), default));
                }
            }
        });

        int Pages(int records) => (records / pageSize) + 1; // paging stops at the first page shorter than the page size
        var byKind = pages.GroupBy(p => p.Kind).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(["delivered", "groups", "linkreport", "links", "messages", "opened"], byKind.Keys.Order());

        Assert.Equal(data.Groups.Count, Assert.Single(byKind["groups"]).RecordCount);
        Assert.Equal(data.Mailings.Count, Assert.Single(byKind["messages"]).RecordCount);
        Assert.Equal(data.Mailings.Count, byKind["linkreport"].Count);
        Assert.Equal(data.Clicks.Select(c => (c.MessageId, c.RecipientId, c.Link.Url)).Distinct().Count(),
            byKind["linkreport"].Sum(p => p.RecordCount));

        Assert.Equal(data.Sends.Count, byKind["delivered"].Sum(p => p.RecordCount));
        Assert.Equal(data.Mailings.Sum(m => Pages(data.Sends.Count(s => s.MessageId == m.MessageId))), byKind["delivered"].Count);
        Assert.Equal(data.Opens.Count, byKind["opened"].Sum(p => p.RecordCount));
        Assert.Equal(data.Mailings.Sum(m => Pages(data.Opens.Count(s => s.MessageId == m.MessageId))), byKind["opened"].Count);
        Assert.Equal(data.Clicks.Count, byKind["links"].Sum(p => p.RecordCount));
        Assert.Equal(
            data.Clicks.GroupBy(c => (c.MessageId, c.Link.Url)).Sum(g => Pages(g.Count())),
            byKind["links"].Count);
        Assert.True(byKind["delivered"].Count > data.Mailings.Count, "the data should need more than one page per message");

        // Page numbers run 1..n per kind; every page is JSON with the extension "json"; bodies are the server's bytes.
        foreach (var (_, list) in byKind)
        {
            Assert.Equal(Enumerable.Range(1, list.Count), list.Select(p => p.PageNumber));
        }

        Assert.All(pages, p => Assert.Equal("json", p.Extension));
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
                g.Count(e => e.Kind == TrackingEventKind.LinkClicked)));
        foreach (var (individual, counts) in expected)
        {
            Assert.Equal(counts, actual.GetValueOrDefault(individual, new ExpectedCounts(0, 0, 0, 0)));
        }

        Assert.Equal(expected.Values.Sum(c => c.Total), events.Count(e => e.IndividualId is not null));
        var unmatched = h.Data.UnmatchedRecipientIds.ToHashSet();
        Assert.Equal(
            h.Data.Sends.Count(s => unmatched.Contains(s.RecipientId)) + h.Data.Opens.Count(s => unmatched.Contains(s.RecipientId))
            + h.Data.Clicks.Count(s => unmatched.Contains(s.RecipientId)),
            events.Count(e => e.IndividualId is null));
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
        Assert.All(events, e => Assert.True(e.OccurredAt < RealMagnetHarness.Today));
        Assert.All(events, e => Assert.NotNull(e.MailingName));
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
    public async Task A_corrupt_page_ends_the_fetch_so_the_window_is_fetched_again()
    {
        using var h = new RealMagnetHarness();
        h.Sandbox.CorruptNext("GetMessageLinkTracking");

        var landed = new List<FetchedPage>();
        var ex = await Assert.ThrowsAsync<VendorFetchException>(() => h.FetchAllAsync(onPage: p =>
        {
            landed.Add(p);
            return Task.CompletedTask;
        }));

        Assert.Contains("GetMessageLinkTracking", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(landed, p => p.Kind == "links");
    }

    [Fact]
    public async Task A_window_after_the_data_has_empty_tracking_pages()
    {
        using var h = new RealMagnetHarness();
        var window = new TrackingWindow(RealMagnetHarness.Today, RealMagnetHarness.Today.AddDays(1));

        var pages = await h.FetchAllAsync(window);

        // Messages sent in the lookback still get asked for tracking, which is empty in this window.
        Assert.Equal(h.Data.Mailings.Count, pages.Single(p => p.Kind == "messages").RecordCount);
        Assert.All(pages.Where(p => p.Kind is "delivered" or "opened" or "links"), p => Assert.Equal(0, p.RecordCount));
    }

    private static IEnumerable<long> RecipientIds(FetchedPage page)
    {
        using var doc = JsonDocument.Parse(page.Body);
        var rows = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement : doc.RootElement.GetProperty("Records");
        return rows.EnumerateArray().Select(r => r.GetProperty("RecipientID").GetInt64()).ToList();
    }
}
