using System.Net;
using EmailIntegration.Domain.Events;

namespace EmailIntegration.Domain.Rules;

/// <summary>
/// Tells opens and clicks that no person made (mail privacy proxies, link scanners) from a person's, from what the vendors
/// give us. Pure and order-independent: a classification is a function of the set of a mailing's recorded activity, never
/// of the order it arrived in. Defaults and their public sources: docs/machine-activity.md.
/// </summary>
/// <remarks>
/// Signals, in the order a reason is reported when several fire:
/// <list type="number">
/// <item><c>vendor-flag</c>: the vendor says so (e.g. SendGrid's <c>sg_machine_open</c>).</item>
/// <item><c>user-agent</c>: the user agent contains one of <see cref="UserAgentMarkers"/> (case-insensitive).</item>
/// <item><c>ip-range</c>: the address is in one of <see cref="IpRanges"/>.</item>
/// <item><c>link-burst</c>: a click that is one of at least <see cref="BurstDistinctLinks"/> distinct links of the mailing
/// clicked within <see cref="BurstWindow"/>.</item>
/// <item><c>soon-after-delivery</c>: less than <see cref="OpenWithinOfDelivery"/> / <see cref="ClickWithinOfDelivery"/>
/// from the earliest delivery, either side (delivery and activity are stamped by different vendor systems).</item>
/// </list>
/// Any one signal makes the activity a machine's.
/// </remarks>
public sealed class MachineActivityRules
{
    public const string VendorFlag = "vendor-flag";
    public const string UserAgent = "user-agent";
    public const string IpRange = "ip-range";
    public const string LinkBurst = "link-burst";
    public const string SoonAfterDelivery = "soon-after-delivery";

    /// <summary>
    /// Vendors that date opens at the mailing's send time rather than when they happened (Informz: opened is a flag dated
    /// at the send, see the README), so time from delivery says nothing there.
    /// </summary>
    public static readonly IReadOnlySet<string> VendorsWithoutActivityTimes =
        new HashSet<string>(["informz"], StringComparer.OrdinalIgnoreCase);

    public static readonly MachineActivityRules Default = new(
        openWithinOfDelivery: TimeSpan.FromSeconds(2),
        clickWithinOfDelivery: TimeSpan.FromSeconds(5),
        burstWindow: TimeSpan.FromSeconds(5),
        burstDistinctLinks: 3,
        trustVendorFlag: true,
        userAgentMarkers: [],
        ipRanges: []);

    /// <summary>Rules that classify everything as a person's (every signal off).</summary>
    public static readonly MachineActivityRules Off = new(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, 0, false, [], []);

    public MachineActivityRules(
        TimeSpan openWithinOfDelivery,
        TimeSpan clickWithinOfDelivery,
        TimeSpan burstWindow,
        int burstDistinctLinks,
        bool trustVendorFlag,
        IEnumerable<string> userAgentMarkers,
        IEnumerable<IPNetwork> ipRanges)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(openWithinOfDelivery, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(clickWithinOfDelivery, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(burstWindow, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(burstDistinctLinks);
        ArgumentOutOfRangeException.ThrowIfEqual(burstDistinctLinks, 1);
        OpenWithinOfDelivery = openWithinOfDelivery;
        ClickWithinOfDelivery = clickWithinOfDelivery;
        BurstWindow = burstWindow;
        BurstDistinctLinks = burstDistinctLinks;
        TrustVendorFlag = trustVendorFlag;
        UserAgentMarkers = userAgentMarkers.Select(m => m.Trim()).Where(m => m.Length > 0).ToList();
        IpRanges = ipRanges.ToList();
    }

    /// <summary>An open less than this from the delivery is a machine's; zero turns the rule off.</summary>
    public TimeSpan OpenWithinOfDelivery { get; }

    /// <summary>A click less than this from the delivery is a machine's; zero turns the rule off.</summary>
    public TimeSpan ClickWithinOfDelivery { get; }

    /// <summary>Width of the window in which <see cref="BurstDistinctLinks"/> distinct links make a burst (inclusive).</summary>
    public TimeSpan BurstWindow { get; }

    /// <summary>How many distinct links of one mailing clicked within <see cref="BurstWindow"/> make a burst; 0 turns the rule off.</summary>
    public int BurstDistinctLinks { get; }

    public bool TrustVendorFlag { get; }

    public IReadOnlyList<string> UserAgentMarkers { get; }

    public IReadOnlyList<IPNetwork> IpRanges { get; }

    /// <summary>
    /// What the event says about itself (vendor flag, user agent, address), or null: recorded with the activity when it is
    /// applied, so the user agent and the address themselves are never stored.
    /// </summary>
    public string? OwnSignalOf(TrackingEvent trackingEvent)
    {
        if (TrustVendorFlag && trackingEvent.VendorFlaggedMachine)
        {
            return VendorFlag;
        }

        if (trackingEvent.UserAgent is { Length: > 0 } userAgent
            && UserAgentMarkers.Any(m => userAgent.Contains(m, StringComparison.OrdinalIgnoreCase)))
        {
            return UserAgent;
        }

        if (trackingEvent.IpAddress is { Length: > 0 } ip && IPAddress.TryParse(ip, out var address))
        {
            var mapped = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            if (IpRanges.Any(r => r.Contains(mapped)))
            {
                return IpRange;
            }
        }

        return null;
    }

    /// <summary>An open: its own signal, else its time from the delivery.</summary>
    public string? MachineReasonOfOpen(RecordedActivity open, DateTimeOffset? deliveredAt, string vendor) =>
        open.Signal ?? (Near(open.At, deliveredAt, OpenWithinOfDelivery, vendor) ? SoonAfterDelivery : null);

    /// <summary>
    /// Every click of one mailing, in the order given: the machine reason of each, or null for a person's. A click is in a
    /// burst when some window of <see cref="BurstWindow"/> holds it and clicks on at least <see cref="BurstDistinctLinks"/>
    /// distinct links.
    /// </summary>
    public IReadOnlyList<string?> MachineReasonsOfClicks(
        IReadOnlyList<(string Url, RecordedActivity Click)> clicks, DateTimeOffset? deliveredAt, string vendor)
    {
        var inBurst = new bool[clicks.Count];
        if (BurstDistinctLinks >= 2 && clicks.Count >= BurstDistinctLinks)
        {
            var byTime = Enumerable.Range(0, clicks.Count).OrderBy(i => clicks[i].Click.At).ToArray();
            // Every window that could matter starts at a click: [start, start + window].
            for (var first = 0; first < byTime.Length; first++)
            {
                var start = clicks[byTime[first]].Click.At;
                var last = first;
                while (last + 1 < byTime.Length && clicks[byTime[last + 1]].Click.At - start <= BurstWindow)
                {
                    last++;
                }

                var links = new HashSet<string>(StringComparer.Ordinal);
                for (var i = first; i <= last; i++)
                {
                    links.Add(clicks[byTime[i]].Url);
                }

                if (links.Count >= BurstDistinctLinks)
                {
                    for (var i = first; i <= last; i++)
                    {
                        inBurst[byTime[i]] = true;
                    }
                }
            }
        }

        return clicks.Select((c, i) =>
            c.Click.Signal
            ?? (inBurst[i] ? LinkBurst : null)
            ?? (Near(c.Click.At, deliveredAt, ClickWithinOfDelivery, vendor) ? SoonAfterDelivery : null)).ToList();
    }

    public const string Person = "person";
    public const string Machine = "machine";

    /// <summary>The row's marker: <c>person</c> when any of its activity is a person's, <c>machine</c> when all is, null when it has none.</summary>
    public static string? MarkerOf(int personCount, int machineCount) =>
        personCount > 0 ? Person : machineCount > 0 ? Machine : null;

    private static bool Near(DateTimeOffset at, DateTimeOffset? deliveredAt, TimeSpan within, string vendor) =>
        within > TimeSpan.Zero && deliveredAt is { } delivered && !VendorsWithoutActivityTimes.Contains(vendor)
        && (at - delivered).Duration() < within;
}

/// <summary>One open or click as the classification needs it: when, and what it said about itself (a machine reason or null).</summary>
public sealed record RecordedActivity(
    DateTimeOffset At,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    string? Signal = null)
{
    /// <summary>Time, then signal: the canonical order of a ledger, whatever order the events came in.</summary>
    public static readonly IComparer<RecordedActivity> Order = Comparer<RecordedActivity>.Create((a, b) =>
    {
        var byTime = a.At.UtcTicks.CompareTo(b.At.UtcTicks);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Signal, b.Signal);
    });
}
