using System.Globalization;
using System.Net;
using System.Text;

namespace EmailIntegration.Functions.Http.Pages;

/// <summary>
/// What the server-rendered pages share: the base style sheet, HTML encoding and the rendering of one table value.
/// </summary>
internal static class PageHtml
{
    /// <summary>Whether a time's visible text names its zone (the tab page does; the operations pages say so once in their lead).</summary>
    public enum TimeSuffix
    {
        None,
        Utc,
    }

    /// <summary>The style sheet of every page (inline: the pages load no external asset), readable from phone to desktop.</summary>
    public const string BaseCss = """

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

    public static string Encode(string value) => WebUtility.HtmlEncode(value);

    /// <summary>One table value: none as a labelled dash, a time as a UTC <c>&lt;time&gt;</c>, anything else as encoded invariant text.</summary>
    public static void AppendValue(StringBuilder html, object? value, TimeSuffix timeSuffix)
    {
        switch (value)
        {
            case null:
                html.Append("<span aria-label=\"none\">—</span>");
                break;
            case DateTimeOffset time:
                var utc = time.UtcDateTime;
                html.Append("<time datetime=\"").Append(utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append("\">")
                    .Append(utc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))
                    .Append(timeSuffix == TimeSuffix.Utc ? " UTC" : string.Empty).Append("</time>");
                break;
            case IFormattable formattable:
                html.Append(Encode(formattable.ToString(null, CultureInfo.InvariantCulture)));
                break;
            default:
                html.Append(Encode(value.ToString() ?? string.Empty));
                break;
        }
    }
}
