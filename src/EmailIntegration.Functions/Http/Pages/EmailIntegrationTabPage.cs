using System.Text;
using EmailIntegration.Pipeline.Serve;
using static EmailIntegration.Functions.Http.Pages.PageHtml;

namespace EmailIntegration.Functions.Http.Pages;

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
            .Append("<title>E-Mail Integration – ").Append(id).Append("</title>\n<style>").Append(BaseCss).Append("</style>\n</head>\n<body>\n")
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
        if (value is not ActivityMarker marker)
        {
            PageHtml.AppendValue(html, value, TimeSuffix.Utc);
            return;
        }

        // Marked in text, not by colour alone; a person's row with machine activity too says so in its count.
        html.Append("<span class=\"activity activity-").Append(Encode(marker.Actor)).Append("\" data-activity=\"")
            .Append(Encode(marker.Actor)).Append("\">").Append(Encode(marker.Actor));
        if (marker.Actor == "machine" && marker.Reason is not null)
        {
            html.Append(" <small>(").Append(Encode(marker.Reason)).Append(")</small>");
        }

        html.Append("</span>");
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
}
