using System.Globalization;
using System.Text;
using EmailIntegration.Pipeline.AmsWebhook;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Operations;
using static EmailIntegration.Functions.Http.Pages.PageHtml;

namespace EmailIntegration.Functions.Http.Pages;

/// <summary>
/// The operations pages, server-rendered like the tab page: the last nights with a status per vendor and the poison
/// queue; a run's vendors, files, bad records and what was kept aside; the re-queue confirmation and its result.
/// Every value is HTML-encoded; identifiers only (individual ids, e-mail group names), never an address or a record's
/// content. Links are relative and carry no credential: the caller's credential travels in a header.
/// </summary>
public static class OperationsPage
{
    /// <summary>Served at <c>/api/operations</c>; links are relative to it.</summary>
    /// <param name="parkedDeliveries">The AMS webhook's parked deliveries; null while the push is off (no section).</param>
    public static string RenderOverview(RunListPage runs, PoisonOverview poison, bool laterPage, IReadOnlyList<ParkedDelivery>? parkedDeliveries = null)
    {
        var html = Begin("Operations", "Operations", "The nightly import at a glance. Times are UTC.");
        AppendPoison(html, poison, "operations/requeue");
        if (parkedDeliveries is not null)
        {
            AppendParkedDeliveries(html, parkedDeliveries);
        }

        var vendors = runs.Items.SelectMany(r => r.Vendors.Select(v => v.Vendor)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        html.Append("<section aria-labelledby=\"runs-heading\">\n<h2 id=\"runs-heading\">Runs</h2>\n");
        if (runs.Items.Count == 0)
        {
            html.Append("<p class=\"empty\">").Append(laterPage ? "No more runs." : "No runs yet.").Append("</p>\n");
        }
        else
        {
            html.Append("<div class=\"table-wrap\">\n<table id=\"runs\">\n<caption>Runs, newest first").Append(laterPage ? " (a later page)" : string.Empty)
                .Append("</caption>\n<thead><tr><th scope=\"col\">Run</th><th scope=\"col\">Started</th>");
            foreach (var vendor in vendors)
            {
                html.Append("<th scope=\"col\">").Append(Encode(vendor)).Append("</th>");
            }

            html.Append("<th scope=\"col\">Files</th><th scope=\"col\">Events</th><th scope=\"col\">Quarantined files</th><th scope=\"col\">Bad records</th>")
                .Append("<th scope=\"col\">Unmatched</th><th scope=\"col\">Unknown individuals</th><th scope=\"col\">Poisoned</th></tr></thead>\n<tbody>\n");
            foreach (var run in runs.Items)
            {
                var id = Encode(run.RunId);
                html.Append("<tr data-run=\"").Append(id).Append("\"><th scope=\"row\" data-label=\"Run\"><a href=\"operations/runs/")
                    .Append(Uri.EscapeDataString(run.RunId)).Append("\">").Append(id).Append("</a></th>");
                Cell(html, "Started", run.StartedAt);
                foreach (var vendor in vendors)
                {
                    var status = run.Vendors.FirstOrDefault(v => v.Vendor == vendor);
                    html.Append("<td data-label=\"").Append(Encode(vendor)).Append("\" data-vendor=\"").Append(Encode(vendor)).Append("\">");
                    if (status is null)
                    {
                        html.Append("<span aria-label=\"not run\">—</span>");
                    }
                    else
                    {
                        AppendStatus(html, status.Status);
                    }

                    html.Append("</td>");
                }

                Cell(html, "Files", run.Files);
                Cell(html, "Events", run.Events);
                Cell(html, "Quarantined files", run.QuarantinedFiles);
                Cell(html, "Bad records", run.BadRecords);
                Cell(html, "Unmatched", run.Unmatched);
                Cell(html, "Unknown individuals", run.UnknownIndividuals);
                Cell(html, "Poisoned", run.Poisoned);
                html.Append("</tr>\n");
            }

            html.Append("</tbody>\n</table>\n</div>\n");
        }

        if (laterPage || runs.ContinuationToken is not null)
        {
            html.Append("<nav class=\"pager\" aria-label=\"Run pages\">");
            if (laterPage)
            {
                html.Append("<a href=\"operations\">Newest runs</a>");
            }

            if (runs.ContinuationToken is not null)
            {
                html.Append("<a rel=\"next\" href=\"operations?continuationToken=").Append(Encode(Uri.EscapeDataString(runs.ContinuationToken)))
                    .Append("\">Older runs</a>");
            }

            html.Append("</nav>\n");
        }

        html.Append("</section>\n");
        return End(html);
    }

    /// <summary>Served at <c>/api/operations/runs/{runId}</c>; links are relative to it.</summary>
    public static string RenderRun(RunDetail run)
    {
        var id = run.Summary.RunId;
        var html = Begin("Run " + id, "Run " + id, "Times are UTC.");
        html.Append("<p><a href=\"../../operations\">All runs</a></p>\n");

        html.Append("<section aria-labelledby=\"vendors-heading\">\n<h2 id=\"vendors-heading\">Vendors</h2>\n");
        Table(html, "vendors", "What each vendor fetched", ["Vendor", "Status", "Window start", "Window end", "Pages", "Records", "Unreadable pages", "Error"],
            run.Fetches.Select(f => new object?[] { f.Vendor, f.Status, f.WindowStart, f.WindowEnd, f.Pages, f.Records, f.UnreadablePages, f.Error }),
            "No vendor was fetched in this run (a replay fetches nothing).");
        html.Append("</section>\n");

        html.Append("<section aria-labelledby=\"files-heading\">\n<h2 id=\"files-heading\">Landed files</h2>\n");
        Table(html, "files", Capped("Per landed file", run.LandedFiles.Count), ["File", "Records", "Events", "Messages", "Bad records", "Unmatched", "Quarantined because"],
            run.LandedFiles.Take(RowsShown).Select(f => new object?[] { f.LandedFile, f.Records, f.Events, f.Messages, f.BadRecords, f.Unmatched, f.QuarantineReason }),
            "No landed file was fanned out in this run.");
        html.Append("</section>\n");

        html.Append("<section aria-labelledby=\"bad-heading\">\n<h2 id=\"bad-heading\">Bad records</h2>\n");
        Table(html, "bad-records", $"Position and reason (at most {RunOverviewReader.BadRecordsShown} a file; the records themselves stay in quarantine)",
            ["File", "Position", "Reason"],
            run.BadRecords.SelectMany(f => f.Value.Select(b => new object?[] { f.Key, b.Position, b.Reason })),
            "No bad records.");
        html.Append("</section>\n");

        html.Append("<section aria-labelledby=\"issues-heading\">\n<h2 id=\"issues-heading\">Kept aside</h2>\n");
        Table(html, "issues", Capped("Unknown individuals and unmatched e-mail groups (ids and group names only)", run.Issues.Count),
            ["Kind", "Individual", "E-mail group", "Events", "File"],
            run.Issues.Take(RowsShown).Select(i => new object?[]
            {
                i.Kind == ApplyIssueKind.UnknownIndividual ? "Unknown individual" : "Unmatched e-mail group", i.IndividualId,
                i.Kind == ApplyIssueKind.UnmatchedEmailGroup ? i.Detail : null, i.Events, i.SourceFile,
            }),
            "Nothing was kept aside.");
        html.Append("</section>\n");

        html.Append("<section aria-labelledby=\"poisoned-heading\">\n<h2 id=\"poisoned-heading\">Poisoned messages of this run</h2>\n");
        Table(html, "run-poisoned", "Messages of this run in the poison queue", ["Message", "Individual", "File", "Part", "Events", "Reason"],
            run.Poisoned.Select(m => new object?[] { m.MessageId, m.IndividualId, m.SourceFile, m.Part, m.Events, m.Reason }),
            "None.");
        html.Append("</section>\n");
        return End(html);
    }

    /// <summary>Served at <c>/api/operations/requeue</c>: the form posts to <c>/api/operations/requeue/confirm</c>.</summary>
    public static string RenderRequeueConfirmation(PoisonOverview poison, string confirmation)
    {
        var html = Begin("Re-queue poisoned messages", "Re-queue poisoned messages", "Move every message of the poison queue back to the queue.");
        AppendPoison(html, poison, null);
        if (poison.Listing.Total == 0)
        {
            html.Append("<p id=\"nothing\">Nothing to re-queue.</p>\n");
        }
        else
        {
            html.Append("<form method=\"post\" action=\"requeue/confirm\">\n<input type=\"hidden\" name=\"confirmation\" value=\"").Append(Encode(confirmation))
                .Append("\">\n<p>Re-queue only after fixing the cause: each message is applied again (applying twice changes nothing).</p>\n")
                .Append("<button type=\"submit\" id=\"confirm-requeue\">Re-queue ").Append(Count(poison.Listing)).Append(" message(s) to ")
                .Append(Encode(poison.QueueName)).Append("</button>\n</form>\n");
        }

        html.Append("<p><a href=\"../operations\">Back to operations</a></p>\n");
        return End(html);
    }

    /// <summary>Served at <c>/api/operations/requeue/confirm</c>.</summary>
    public static string RenderRequeued(int moved, string queueName)
    {
        var html = Begin("Re-queued", "Re-queued", null);
        html.Append("<p id=\"requeued\" role=\"status\">Re-queued ").Append(moved.ToString(CultureInfo.InvariantCulture)).Append(" message(s) to ")
            .Append(Encode(queueName)).Append(".</p>\n<p><a href=\"../../operations\">Back to operations</a></p>\n");
        return End(html);
    }

    private static void AppendPoison(StringBuilder html, PoisonOverview poison, string? requeueLink)
    {
        var listing = poison.Listing;
        html.Append("<section aria-labelledby=\"poison-heading\">\n<h2 id=\"poison-heading\">Poison and dead-letter</h2>\n<dl class=\"flags\">")
            .Append("<div><dt>").Append(Encode(poison.PoisonName)).Append("</dt><dd id=\"poison-count\" data-count=\"")
            .Append(listing.Total.ToString(CultureInfo.InvariantCulture)).Append("\">").Append(Count(listing)).Append(" message(s)</dd></div></dl>\n");
        if (listing.Messages.Count > 0)
        {
            Table(html, "poison", "The first poisoned messages (never their events)", ["Message", "Individual", "File", "Part", "Events", "Reason"],
                listing.Messages.Select(m => new object?[] { m.MessageId, m.IndividualId, m.SourceFile, m.Part, m.Events, m.Reason }), null);
        }

        if (requeueLink is not null && listing.Total > 0)
        {
            html.Append("<p><a id=\"requeue\" href=\"").Append(requeueLink).Append("\">Re-queue…</a></p>\n");
        }

        html.Append("</section>\n");
    }

    /// <summary>The AMS webhook's parked deliveries: id, size, last answer, reason, attempts (never the changes themselves).</summary>
    private static void AppendParkedDeliveries(StringBuilder html, IReadOnlyList<ParkedDelivery> parked)
    {
        html.Append("<section aria-labelledby=\"ams-heading\">\n<h2 id=\"ams-heading\">AMS webhook: parked deliveries</h2>\n");
        Table(html, "ams-parked", "Deliveries the AMS did not take within the retry budget, oldest first",
            ["Delivery", "Changes", "Status", "Reason", "Attempts", "First attempt", "Last attempt"],
            parked.Select(p => new object?[] { p.DeliveryId, p.Count, p.Status, p.Reason, p.Attempts, p.FirstAttemptAt, p.LastAttemptAt }),
            "None: every delivery reached the AMS.");
        if (parked.Count > 0)
        {
            html.Append("<p>After the AMS is fixed: <code>POST /api/operations/ams-deliveries/{delivery}/resend</code> (role Operations) ")
                .Append("sends one again, with the same id and changes.</p>\n");
        }

        html.Append("</section>\n");
    }

    /// <summary>Rows a run's page shows per table; the run's JSON (<c>GET /api/runs/{runId}</c>) has them all.</summary>
    public const int RowsShown = 500;

    private static string Capped(string caption, int count) => count > RowsShown
        ? string.Create(CultureInfo.InvariantCulture, $"{caption}: the first {RowsShown} of {count} (all in GET /api/runs/{{runId}})")
        : caption;

    private static string Count(PoisonListing listing) =>
        (listing.TotalIsLowerBound ? "at least " : string.Empty) + listing.Total.ToString(CultureInfo.InvariantCulture);

    private static void Table(
        StringBuilder html, string id, string caption, IReadOnlyList<string> headers, IEnumerable<object?[]> rows, string? empty)
    {
        var list = rows.ToList();
        if (list.Count == 0)
        {
            html.Append("<p class=\"empty\" id=\"").Append(id).Append("-empty\">").Append(Encode(empty ?? "None.")).Append("</p>\n");
            return;
        }

        html.Append("<div class=\"table-wrap\">\n<table id=\"").Append(id).Append("\">\n<caption>").Append(Encode(caption)).Append("</caption>\n<thead><tr>");
        foreach (var header in headers)
        {
            html.Append("<th scope=\"col\">").Append(Encode(header)).Append("</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in list)
        {
            html.Append("<tr>");
            for (var i = 0; i < headers.Count; i++)
            {
                var tag = i == 0 ? "th" : "td";
                html.Append('<').Append(tag).Append(i == 0 ? " scope=\"row\"" : string.Empty).Append(" data-label=\"").Append(Encode(headers[i])).Append("\">");
                if (row[i] is FetchStatus status)
                {
                    AppendStatus(html, status);
                }
                else
                {
                    AppendValue(html, row[i]);
                }

                html.Append("</").Append(tag).Append('>');
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n</div>\n");
    }

    private static void Cell(StringBuilder html, string label, object? value)
    {
        html.Append("<td data-label=\"").Append(Encode(label)).Append("\">");
        AppendValue(html, value);
        html.Append("</td>");
    }

    /// <summary>The status in words, with a class for its colour: the colour is never the only signal.</summary>
    private static void AppendStatus(StringBuilder html, FetchStatus status)
    {
        var css = status switch
        {
            FetchStatus.Completed or FetchStatus.UpToDate => "ok",
            FetchStatus.Failed => "failed",
            _ => "warn",
        };
        var text = status switch
        {
            FetchStatus.UpToDate => "Up to date",
            FetchStatus.Incomplete => "Incomplete",
            _ => status.ToString(),
        };
        html.Append("<span class=\"status ").Append(css).Append("\" data-status=\"").Append(status.ToString()).Append("\">").Append(text).Append("</span>");
    }

    private static void AppendValue(StringBuilder html, object? value) => PageHtml.AppendValue(html, value, TimeSuffix.None);

    private static StringBuilder Begin(string title, string heading, string? lead)
    {
        var html = new StringBuilder(16 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"referrer\" content=\"no-referrer\">\n")
            .Append("<title>E-Mail Integration – ").Append(Encode(title)).Append("</title>\n<style>").Append(BaseCss).Append(Css)
            .Append("</style>\n</head>\n<body>\n<header><h1>").Append(Encode(heading)).Append("</h1>");
        if (lead is not null)
        {
            html.Append("<p>").Append(Encode(lead)).Append("</p>");
        }

        return html.Append("</header>\n<main>\n");
    }

    private static string End(StringBuilder html) => html.Append("</main>\n</body>\n</html>\n").ToString();

    private const string Css = """
        th, td { overflow-wrap: break-word; }
        .status { font-weight: 600; padding: 0 .35rem; border-radius: .25rem; white-space: nowrap; }
        .status.ok { color: #0f5323; background: #dafbe1; }
        .status.warn { color: #6a4300; background: #fff1c2; }
        .status.failed { color: #82071e; background: #ffebe9; }
        button { font: inherit; padding: .4rem .9rem; border: 1px solid var(--accent); border-radius: .3rem; background: var(--accent); color: #fff; cursor: pointer; }
        button:focus-visible { outline: 3px solid var(--ink); outline-offset: 2px; }

        """;
}
