using System.Globalization;
using System.Net;
using System.Text;

namespace EmailIntegration.Pipeline.Serve;

/// <summary>
/// The tab as one server-rendered HTML page: the profile flags, then every child form of
/// <see cref="ChildForms.All"/> as an accessible table with its own paging links. Every value is
/// HTML-encoded; no script, no external asset (the CSS is inline), readable from phone to desktop.
/// </summary>
public static class EmailIntegrationTabPage
{
    /// <param name="query">The request's query values (a view link's viewToken included), kept in every paging link.</param>
    public static string Render(EmailIntegrationTab tab, IReadOnlyList<KeyValuePair<string, string>> query)
    {
        var html = new StringBuilder(16 * 1024);
        var id = Encode(tab.IndividualId);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"referrer\" content=\"no-referrer\">\n")
            .Append("<title>E-Mail Integration – ").Append(id).Append("</title>\n<style>").Append(Css).Append("</style>\n</head>\n<body>\n")
            .Append("<header><h1>E-Mail Integration</h1><p>Individual <strong id=\"individual\">").Append(id).Append("</strong></p></header>\n<main>\n");

        html.Append("<section aria-labelledby=\"flags-heading\">\n<h2 id=\"flags-heading\">Profile</h2>\n<dl class=\"flags\">\n");
        AppendFlag(html, "emailInvalid", "E-mail invalid", tab.Flags.EmailInvalid);
        AppendFlag(html, "doNotEmail", "Do not e-mail", tab.Flags.DoNotEmail);
        html.Append("</dl>\n</section>\n");

        foreach (var (form, page) in tab.Forms)
        {
            AppendForm(html, tab.IndividualId, form, page, query);
        }

        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendFlag(StringBuilder html, string name, string label, bool? value) =>
        html.Append("<div><dt>").Append(label).Append("</dt><dd data-flag=\"").Append(name).Append("\">")
            .Append(value switch { true => "yes", false => "no", null => "unknown" }).Append("</dd></div>\n");

    private static void AppendForm(
        StringBuilder html, string individualId, ChildForm form, FormPage page, IReadOnlyList<KeyValuePair<string, string>> query)
    {
        var segment = Encode(form.Segment);
        var title = Encode(form.Title);
        var paged = query.Any(q => q.Key == form.ViewTokenParameter && q.Value.Length > 0);
        html.Append("<section id=\"").Append(segment).Append("\" data-form=\"").Append(segment).Append("\" aria-labelledby=\"")
            .Append(segment).Append("-heading\">\n<h2 id=\"").Append(segment).Append("-heading\">").Append(title).Append("</h2>\n");

        if (page.Items.Count == 0)
        {
            html.Append("<p class=\"empty\">").Append(paged ? "No more rows." : "No rows.").Append("</p>\n");
        }
        else
        {
            html.Append("<div class=\"table-wrap\">\n<table>\n<caption>").Append(title).Append(" of individual ").Append(Encode(individualId))
                .Append(", newest first").Append(paged ? " (a later page)" : string.Empty).Append("</caption>\n<thead><tr>");
            foreach (var column in form.Columns)
            {
                html.Append("<th scope=\"col\">").Append(Encode(column.Header)).Append("</th>");
            }

            html.Append("</tr></thead>\n<tbody>\n");
            foreach (var item in page.Items)
            {
                html.Append("<tr>");
                for (var i = 0; i < form.Columns.Count; i++)
                {
                    var column = form.Columns[i];
                    var tag = i == 0 ? "th scope=\"row\"" : "td";
                    html.Append('<').Append(tag).Append(" data-label=\"").Append(Encode(column.Header)).Append("\">");
                    AppendValue(html, column.Value(item));
                    html.Append("</").Append(i == 0 ? "th" : "td").Append('>');
                }

                html.Append("</tr>\n");
            }

            html.Append("</tbody>\n</table>\n</div>\n");
        }

        if (paged || page.ContinuationToken is not null)
        {
            html.Append("<nav class=\"pager\" aria-label=\"").Append(title).Append(" pages\">");
            if (paged)
            {
                html.Append("<a href=\"").Append(Encode(Link(query, form, null))).Append("#").Append(segment).Append("\">First page</a>");
            }

            if (page.ContinuationToken is not null)
            {
                html.Append("<a rel=\"next\" href=\"").Append(Encode(Link(query, form, page.ContinuationToken))).Append("#").Append(segment)
                    .Append("\">Next page<span class=\"visually-hidden\"> of ").Append(title).Append("</span></a>");
            }

            html.Append("</nav>\n");
        }

        html.Append("</section>\n");
    }

    private static void AppendValue(StringBuilder html, object? value)
    {
        switch (value)
        {
            case null:
                html.Append("<span aria-label=\"none\">—</span>");
                break;
            case ActivityMarker marker:
                // Marked in text, not by colour alone; a person's row with machine activity too says so in its count.
                html.Append("<span class=\"activity activity-").Append(Encode(marker.Actor)).Append("\" data-activity=\"")
                    .Append(Encode(marker.Actor)).Append("\">").Append(Encode(marker.Actor));
                if (marker.Actor == "machine" && marker.Reason is not null)
                {
                    html.Append(" <small>(").Append(Encode(marker.Reason)).Append(")</small>");
                }

                html.Append("</span>");
                break;
            case DateTimeOffset time:
                var utc = time.UtcDateTime;
                html.Append("<time datetime=\"").Append(utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append("\">")
                    .Append(utc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)).Append(" UTC</time>");
                break;
            case IFormattable formattable:
                html.Append(Encode(formattable.ToString(null, CultureInfo.InvariantCulture)));
                break;
            default:
                html.Append(Encode(value.ToString() ?? string.Empty));
                break;
        }
    }

    /// <summary>The same view with this form's token replaced (or removed, for the first page); every other value kept.</summary>
    private static string Link(IReadOnlyList<KeyValuePair<string, string>> query, ChildForm form, string? token)
    {
        var values = query.Where(q => q.Key != form.ViewTokenParameter).ToList();
        if (token is not null)
        {
            values.Add(new(form.ViewTokenParameter, token));
        }

        return "?" + string.Join("&", values.Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value)));
    }

    private static string Encode(string value) => WebUtility.HtmlEncode(value);

    internal const string Css = """

        :root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --head: #f3f5f8; --accent: #0b5cad; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", Arial, sans-serif; color: var(--ink); background: #fff; }
        header, main { max-width: 75rem; margin: 0 auto; padding: 0 1rem; }
        header { border-bottom: 2px solid var(--accent); padding-top: 1rem; }
        h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
        h2 { font-size: 1.2rem; margin: 1.75rem 0 .5rem; }
        header p { margin: 0 0 .75rem; color: var(--muted); }
        .flags { display: flex; flex-wrap: wrap; gap: .5rem 2rem; margin: 0; }
        .flags div { display: flex; gap: .5rem; }
        .flags dt { font-weight: 600; }
        .flags dd { margin: 0; }
        .table-wrap { overflow-x: auto; }
        table { width: 100%; border-collapse: collapse; }
        caption { text-align: left; color: var(--muted); font-size: .9rem; padding-bottom: .25rem; }
        th, td { text-align: left; vertical-align: top; padding: .4rem .6rem; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
        thead th { background: var(--head); border-bottom: 2px solid var(--line); overflow-wrap: normal; }
        tbody th { font-weight: normal; }
        .empty { color: var(--muted); margin: .25rem 0; }
        .activity-machine { display: inline-block; padding: 0 .4rem; border: 1px solid #9a6700; border-radius: .3rem; background: #fff8c5; color: #4d2d00; }
        .pager { display: flex; gap: 1rem; margin: .5rem 0 0; }
        a { color: var(--accent); }
        a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
        @media (max-width: 40rem) {
          body { font-size: 15px; }
          thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
          table, caption, tbody, tr, th, td { display: block; width: 100%; }
          tr { border: 1px solid var(--line); border-radius: .4rem; margin-bottom: .6rem; padding: .25rem 0; }
          tbody th, td { border: 0; padding: .2rem .6rem; }
          tbody th::before, td::before { content: attr(data-label) ": "; font-weight: 600; }
        }

        """;
}
