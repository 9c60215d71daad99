using EmailIntegration.Functions.Http.Pages;
using EmailIntegration.Pipeline.Operations;
using EmailIntegration.Pipeline.Serve;
using Xunit;

namespace EmailIntegration.UnitTests.Functions;

/// <summary>Both pages render a value cell with one helper; the tab names the zone in each time, the operations pages in their lead.</summary>
public sealed class PageValueCellTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 4, 30, 0, TimeSpan.FromHours(2));

    [Fact]
    public void TheTabPage_ShowsATimeInUtcWithItsZone_AndNoneAsALabelledDash()
    {
        var form = ChildForms.All.Single(f => f.Segment == "unsubscribes");
        var tab = new EmailIntegrationTab("IND-1", new ProfileFlags(null, null),
            [(form, new FormPage([new UnsubscribeItem("informz", "m-1", null, At)], null))]);

        var html = EmailIntegrationTabPage.Render(tab, []);

        Assert.Contains(
            "<th scope=\"row\" data-label=\"E-mail group\"><span aria-label=\"none\">—</span></th>"
            + "<td data-label=\"Unsubscribed\"><time datetime=\"2026-11-30T02:30:00Z\">2026-11-30 02:30 UTC</time></td>",
            html, StringComparison.Ordinal);
    }

    [Fact]
    public void TheOperationsPage_ShowsATimeInUtcWithoutAZone_AndNumbersInvariant()
    {
        var run = new RunSummary("r-1", At, [], 1234, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        var html = OperationsPage.RenderOverview(
            new RunListPage([run], null), new PoisonOverview("tracking", "tracking-poison", new PoisonListing(0, [])), laterPage: false);

        Assert.Contains(
            "<td data-label=\"Started\"><time datetime=\"2026-11-30T02:30:00Z\">2026-11-30 02:30</time></td><td data-label=\"Files\">1234</td>",
            html, StringComparison.Ordinal);
    }
}
