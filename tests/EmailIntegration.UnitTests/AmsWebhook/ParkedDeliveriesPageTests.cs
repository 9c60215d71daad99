using EmailIntegration.Functions.Http.Pages;
using EmailIntegration.Pipeline.AmsWebhook;
using EmailIntegration.Pipeline.Operations;

namespace EmailIntegration.UnitTests.AmsWebhook;

/// <summary>The operations page's section of parked AMS webhook deliveries.</summary>
public sealed class ParkedDeliveriesPageTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);
    private static readonly RunListPage NoRuns = new([], null);
    private static readonly PoisonOverview NoPoison = new("tracking", "tracking-poison", PoisonListing.Empty);

    [Fact]
    public void AParkedDelivery_IsListedWithItsReasonAndAttempts_AndHowToResendIt()
    {
        var parked = new ParkedDelivery("msg_0123456789abcdef0123456789abcdef", null, 25, ParkedState.Parked, 500,
            "retry budget spent: HTTP 500 after 6 attempt(s) <b>", 6, At, At.AddMinutes(3));

        var html = OperationsPage.RenderOverview(NoRuns, NoPoison, laterPage: false, [parked]);

        Assert.Contains("id=\"ams-parked\"", html, StringComparison.Ordinal);
        Assert.Contains("msg_0123456789abcdef0123456789abcdef", html, StringComparison.Ordinal);
        Assert.Contains("retry budget spent: HTTP 500 after 6 attempt(s) &lt;b&gt;", html, StringComparison.Ordinal);
        Assert.Contains("/api/operations/ams-deliveries/{delivery}/resend", html, StringComparison.Ordinal);
    }

    [Fact]
    public void WithNothingParked_ThePageSaysSo_AndWithThePushOff_ItHasNoSection()
    {
        Assert.Contains("None: every delivery reached the AMS.", OperationsPage.RenderOverview(NoRuns, NoPoison, laterPage: false, []), StringComparison.Ordinal);
        Assert.DoesNotContain("ams-heading", OperationsPage.RenderOverview(NoRuns, NoPoison, laterPage: false), StringComparison.Ordinal);
    }
}
