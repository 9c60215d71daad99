using System.Diagnostics;
using System.Net;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.VendorSandbox.HighRoad;

namespace EmailIntegration.UnitTests.Vendors.HighRoad;

/// <summary>The HTTPS source against the sandbox: a real HTTP server on 127.0.0.1, the typed client and resilience handler.</summary>
public class HighRoadSourceSandboxTests
{
    [Fact]
    public void Plans_windows_ending_today_at_midnight_UTC()
    {
        using var h = new HighRoadHarness();
        var now = HighRoadHarness.Today.AddHours(2);

        Assert.Equal(new TrackingWindow(HighRoadHarness.Today.AddDays(-7), HighRoadHarness.Today), h.Source.PlanWindow(null, now));
        Assert.Null(h.Source.PlanWindow(HighRoadHarness.Today, now));
        Assert.Equal(HighRoadHarness.Today.AddDays(-40).AddDays(31), h.Source.PlanWindow(HighRoadHarness.Today.AddDays(-40), now)!.End);
    }

    [Fact]
    public async Task Fetches_the_window_as_one_unchanged_csv_page_with_its_row_count()
    {
        using var h = new HighRoadHarness();
        var window = h.FirstWindow;

        var page = Assert.Single(await h.FetchAllAsync(window));

        Assert.Equal(("export", 1, "csv"), (page.Kind, page.PageNumber, page.Extension));
        var expectedRows = h.Data.Between(window.Start, window.End).Count();
        Assert.True(expectedRows > 500, $"the sandbox should have a sizeable export, has {expectedRows}");
        Assert.Equal(expectedRows, page.RecordCount);
        Assert.Equal(h.Sandbox.Export(window.Start, window.End), page.Body.ToArray());
        Assert.Equal(1, h.Sandbox.RequestsFor("export"));
    }

    [Fact]
    public async Task Fetched_pages_parse_to_the_expected_events_per_individual()
    {
        using var h = new HighRoadHarness();
        var page = Assert.Single(await h.FetchAllAsync());
        var name = new LandedFileName("highroad", new DateOnly(2026, 11, 30), "20261130T021500Z-1a2b3c4d", page.Kind, page.PageNumber, page.Extension);

        var events = new List<TrackingEvent>();
        await foreach (var record in h.Parser.ParseAsync(new MemoryStream(page.Body.ToArray()), name, CancellationToken.None))
        {
            Assert.Null(record.Bad);
            events.Add(record.Event!);
        }

        var expected = h.Data.ExpectedCountsByIndividual();
        var actual = events.Where(e => e.IndividualId is not null).GroupBy(e => e.IndividualId!).ToDictionary(
            g => g.Key,
            g => new HighRoadExpectedCounts(
                g.Count(e => e.Kind == TrackingEventKind.Delivered),
                g.Count(e => e.Kind == TrackingEventKind.Opened),
                g.Count(e => e.Kind == TrackingEventKind.LinkClicked),
                g.Count(e => e.Kind == TrackingEventKind.FaxSent),
                g.Count(e => e.Kind == TrackingEventKind.Unsubscribed),
                g.Count(e => e.Kind == TrackingEventKind.Bounced),
                g.Count(e => e.Kind == TrackingEventKind.SpamComplaint)));
        Assert.Equal(expected, actual);
        Assert.Equal(h.Data.Activities.Count, events.Count);
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());

        // Times came back from the export's local (New York) dates to the exact UTC instants.
        Assert.Equal(h.Data.Activities.Select(a => a.OccurredAt).Order(), events.Select(e => e.OccurredAt).Order());
        Assert.Contains(events, e => e.Kind == TrackingEventKind.Bounced && e.UserUnknown && e.Bounce == BounceSeverity.Hard);
        Assert.Contains(events, e => e.Kind == TrackingEventKind.Bounced && e.Bounce == BounceSeverity.Soft);
        Assert.Contains(events, e => e.Kind == TrackingEventKind.Unsubscribed && e.EmailGroup is not null);
        Assert.Contains(events, e => e.Kind == TrackingEventKind.FaxSent && e.FaxNumber is not null);
        Assert.Contains(events, e => e.MailingName is { } n && n.Contains('\n', StringComparison.Ordinal));
        Assert.Contains(events, e => e.Url is { } u && u.Contains(',', StringComparison.Ordinal));
        Assert.Contains(events, e => e.IndividualId is null && e.RecipientEmailHash is not null);
        // The address's fingerprint only where it is used: no AMS id (the recipient key), bounces and suppressions.
        Assert.All(events, e => Assert.Equal(
            e.IndividualId is null || e.Kind is TrackingEventKind.Bounced or TrackingEventKind.Suppressed, e.RecipientEmailHash is not null));
        Assert.Contains(events, e => e.IndividualId is not null && e.Kind == TrackingEventKind.Bounced && e.RecipientEmailHash is not null);
        Assert.DoesNotContain("@example.org", System.Text.Json.JsonSerializer.Serialize(events), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Semicolon_exports_fetch_and_parse_the_same()
    {
        using var h = new HighRoadHarness(delimiter: ';');
        var page = Assert.Single(await h.FetchAllAsync());

        var count = 0;
        await foreach (var record in h.Parser.ParseAsync(new MemoryStream(page.Body.ToArray()), HighRoadTestSupport.ExportFile, default))
        {
            Assert.Null(record.Bad);
            count++;
        }

        Assert.Equal(h.Data.Activities.Count, count);
    }

    [Fact]
    public async Task An_empty_window_lands_a_header_only_page_with_no_records()
    {
        using var h = new HighRoadHarness();
        var window = new TrackingWindow(HighRoadHarness.Today, HighRoadHarness.Today.AddDays(1));

        var page = Assert.Single(await h.FetchAllAsync(window));

        Assert.Equal(0, page.RecordCount);
        await foreach (var record in h.Parser.ParseAsync(new MemoryStream(page.Body.ToArray()), HighRoadTestSupport.ExportFile, default))
        {
            Assert.Fail($"a header-only export has no records, got {record}");
        }
    }

    [Fact]
    public async Task Two_503s_then_success_is_retried_to_success()
    {
        using var h = new HighRoadHarness();
        h.Sandbox.FailNextRequests("export", 503, count: 2);

        var page = Assert.Single(await h.FetchAllAsync());

        Assert.Equal(3, h.Sandbox.RequestsFor("export"));
        Assert.Equal(h.Data.Between(h.FirstWindow.Start, h.FirstWindow.End).Count(), page.RecordCount);
    }

    [Fact]
    public async Task A_429_with_Retry_After_is_retried_after_the_delay()
    {
        using var h = new HighRoadHarness();
        h.Sandbox.FailNextRequests("export", 429, retryAfter: TimeSpan.FromSeconds(1));

        var watch = Stopwatch.StartNew();
        Assert.Single(await h.FetchAllAsync());

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {watch.Elapsed}, before Retry-After");
        Assert.Equal(2, h.Sandbox.RequestsFor("export"));
    }

    [Fact]
    public async Task Retries_exhausted_is_a_VendorFetchException_naming_the_status()
    {
        using var h = new HighRoadHarness(maxRetryAttempts: 2);
        h.Sandbox.FailNextRequests("export", 500, count: 10);

        var ex = await Assert.ThrowsAsync<VendorFetchException>(() => h.FetchAllAsync());

        Assert.Equal("highroad", ex.Vendor);
        Assert.Contains("HTTP 500", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, h.Sandbox.RequestsFor("export"));
    }

    [Fact]
    public async Task Refused_authentication_is_a_VendorFetchException_without_secrets()
    {
        const string wrongPassword = "wrong-HR-p@ss-12345";
        using var h = new HighRoadHarness(password: wrongPassword);

        var ex = await Assert.ThrowsAsync<VendorFetchException>(() => h.FetchAllAsync());

        // Worded as every vendor's HTTP failure (VendorHttp); the refusal is in its type, not its words.
        Assert.Equal("highroad: the export download at 127.0.0.1 failed with HTTP 401 (Unauthorized)", ex.Message);
        Assert.Equal((HttpStatusCode.Unauthorized, VendorFailureKind.Permanent), (ex.StatusCode, ex.Kind));
        Assert.DoesNotContain(wrongPassword, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(h.Sandbox.UserName, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("from=", ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, h.Sandbox.RequestsFor("export")); // 401 is not retried
    }
}
