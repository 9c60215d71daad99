using System.Net;
using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;
using static EmailIntegration.UnitTests.Domain.TrackingEvents;

namespace EmailIntegration.UnitTests.Domain;

/// <summary>Each signal of <see cref="MachineActivityRules"/> on its own, at and around its threshold.</summary>
public sealed class MachineActivityRulesTests
{
    private static readonly MachineActivityRules Rules = new(
        openWithinOfDelivery: TimeSpan.FromSeconds(2),
        clickWithinOfDelivery: TimeSpan.FromSeconds(5),
        burstWindow: TimeSpan.FromSeconds(5),
        burstDistinctLinks: 3,
        trustVendorFlag: true,
        userAgentMarkers: ["Barracuda", "Edge/12.246"],
        ipRanges: [IPNetwork.Parse("192.0.2.0/24"), IPNetwork.Parse("2001:db8::/32")]);

    private static readonly DateTimeOffset Delivery = T0;

    [Theory]
    [InlineData(0, "soon-after-delivery")]
    [InlineData(1_999, "soon-after-delivery")]
    [InlineData(2_000, null)] // the threshold itself is a person's
    [InlineData(-1_999, "soon-after-delivery")] // stamped a moment before the delivery by another vendor system
    [InlineData(-2_000, null)]
    [InlineData(3_600_000, null)]
    public void AnOpen_LessThanTheThresholdFromTheDelivery_IsAMachines(int millisecondsAfterDelivery, string? expected) =>
        Assert.Equal(expected, Rules.MachineReasonOfOpen(Open(millisecondsAfterDelivery), Delivery, Vendor));

    [Theory]
    [InlineData(4_999, "soon-after-delivery")]
    [InlineData(5_000, null)]
    [InlineData(-4_999, "soon-after-delivery")]
    [InlineData(60_000, null)]
    public void AClick_LessThanTheThresholdFromTheDelivery_IsAMachines(int millisecondsAfterDelivery, string? expected) =>
        Assert.Equal([expected], Rules.MachineReasonsOfClicks([("https://example.org/a", Open(millisecondsAfterDelivery))], Delivery, Vendor));

    [Fact]
    public void WithoutADelivery_OrForAVendorThatDatesOpensAtTheSend_TimeSaysNothing()
    {
        Assert.Null(Rules.MachineReasonOfOpen(Open(500), deliveredAt: null, Vendor));
        Assert.Null(Rules.MachineReasonOfOpen(Open(0), Delivery, "informz"));
        Assert.Equal([null], Rules.MachineReasonsOfClicks([("https://example.org/a", Open(0))], Delivery, "Informz"));
    }

    [Fact]
    public void AZeroThreshold_TurnsTheTimingRuleOff()
    {
        var off = new MachineActivityRules(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(5), 3, true, [], []);

        Assert.Null(off.MachineReasonOfOpen(Open(0), Delivery, Vendor));
        Assert.Equal([null], off.MachineReasonsOfClicks([("https://example.org/a", Open(0))], Delivery, Vendor));
    }

    public static TheoryData<string, (string Url, int Ms)[], string?[]> Bursts => new()
    {
        { "three links within the window, its end included", [("a", 0), ("b", 2_000), ("c", 5_000)], ["link-burst", "link-burst", "link-burst"] },
        { "three links just wider than the window", [("a", 0), ("b", 2_000), ("c", 5_001)], [null, null, null] },
        { "two distinct links are no burst", [("a", 0), ("b", 100), ("a", 200)], [null, null, null] },
        { "one link clicked again and again", [("a", 0), ("a", 1), ("a", 2), ("a", 3)], [null, null, null, null] },
        {
            "the burst, and a person's click a minute later",
            [("a", 0), ("b", 1_000), ("c", 1_500), ("d", 61_000)], ["link-burst", "link-burst", "link-burst", null]
        },
        { "same instant, three links", [("c", 7), ("a", 7), ("b", 7)], ["link-burst", "link-burst", "link-burst"] },
    };

    [Theory]
    [MemberData(nameof(Bursts))]
    public void DistinctLinksOfAMailing_ClickedWithinTheBurstWindow_AreAMachines(string because, (string Url, int Ms)[] clicks, string?[] expected)
    {
        // An hour after the delivery: only the burst rule can fire.
        var recorded = clicks.Select(c => ("https://example.org/" + c.Url, Open(3_600_000 + c.Ms))).ToList();

        Assert.True(expected.SequenceEqual(Rules.MachineReasonsOfClicks(recorded, Delivery, Vendor)), because);
    }

    [Fact]
    public void BurstDistinctLinksZero_TurnsTheBurstRuleOff()
    {
        var off = new MachineActivityRules(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(5), 0, true, [], []);

        Assert.Equal([null, null, null],
            off.MachineReasonsOfClicks([("https://example.org/a", Open(0)), ("https://example.org/b", Open(0)), ("https://example.org/c", Open(0))], null, Vendor));
    }

    public static TheoryData<TrackingEvent, string?> OwnSignals => new()
    {
        { Event() with { VendorFlaggedMachine = true }, "vendor-flag" },
        { Event() with { UserAgent = "Mozilla/5.0 (compatible; barracuda link protection)" }, "user-agent" },
        { Event() with { UserAgent = "Mozilla/5.0 AppleWebKit/537.36 Chrome/42.0.2311.135 Safari/537.36 Edge/12.246" }, "user-agent" },
        { Event() with { UserAgent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)" }, null },
        { Event() with { IpAddress = "192.0.2.77" }, "ip-range" },
        { Event() with { IpAddress = "192.0.3.1" }, null },
        { Event() with { IpAddress = "2001:db8::1" }, "ip-range" },
        { Event() with { IpAddress = "::ffff:192.0.2.9" }, "ip-range" },
        { Event() with { IpAddress = "not an address" }, null },
        { Event() with { VendorFlaggedMachine = true, UserAgent = "Barracuda", IpAddress = "192.0.2.1" }, "vendor-flag" },
        { Event() with { UserAgent = "Barracuda", IpAddress = "192.0.2.1" }, "user-agent" },
        { Event(), null },
    };

    [Theory]
    [MemberData(nameof(OwnSignals))]
    public void WhatAnEventSaysAboutItself_IsItsOwnSignal_InOrderOfPrecedence(TrackingEvent trackingEvent, string? expected) =>
        Assert.Equal(expected, Rules.OwnSignalOf(trackingEvent));

    [Fact]
    public void AVendorFlag_IsIgnored_WhenTheAssociationDoesNotTrustIt()
    {
        var distrusting = new MachineActivityRules(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, 0, trustVendorFlag: false, [], []);

        Assert.Null(distrusting.OwnSignalOf(Event() with { VendorFlaggedMachine = true }));
    }

    [Fact]
    public void AnOwnSignal_WinsOverBurstAndTiming()
    {
        var flagged = new RecordedActivity(Delivery, MachineActivityRules.VendorFlag);

        Assert.Equal("vendor-flag", Rules.MachineReasonOfOpen(flagged, Delivery, Vendor));
        Assert.Equal(["vendor-flag", "link-burst", "link-burst"],
            Rules.MachineReasonsOfClicks([("https://example.org/a", flagged), ("https://example.org/b", Open(0)), ("https://example.org/c", Open(0))], Delivery, Vendor));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    public void ABurstOfOneLink_OrANegativeCount_IsRefused(int links) =>
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new MachineActivityRules(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, links, true, [], []));

    private static RecordedActivity Open(int millisecondsAfterDelivery) => new(Delivery.AddMilliseconds(millisecondsAfterDelivery));

    private static TrackingEvent Event() => Clicked("ind-1", "m-1", "https://example.org/a", Delivery.AddHours(1));
}
