using EmailIntegration.Vendors.RealMagnet;

namespace EmailIntegration.UnitTests.Vendors.RealMagnet;

public class WcfDateTests
{
    [Theory]
    [InlineData(@"\/Date(928164000000-0400)\/")] // raw JSON text, as on the help page
    [InlineData("/Date(928164000000-0400)/")] // JSON-decoded
    [InlineData("/Date(928164000000)/")] // no offset
    [InlineData("/Date(928164000000+0530)/")] // the offset never moves the instant
    [InlineData("/Date(928164000000-0000)/")]
    public void The_number_is_the_UTC_instant_whatever_the_offset(string value)
    {
        var parsed = WcfDate.Parse(value);

        // The help page's XML shows 1999-05-31T11:20:00 for the same field: 11:20 at -04:00.
        Assert.Equal(new DateTimeOffset(1999, 5, 31, 15, 20, 0, TimeSpan.Zero), parsed);
        Assert.Equal(TimeSpan.Zero, parsed.Offset);
    }

    [Fact]
    public void Negative_milliseconds_are_before_the_epoch() =>
        Assert.Equal(new DateTimeOffset(1969, 12, 31, 0, 0, 0, 500, TimeSpan.Zero), WcfDate.Parse("/Date(-86399500-0500)/"));

    [Fact]
    public void Eastern_daylight_and_standard_offsets_give_the_right_instants_across_the_DST_change()
    {
        // 2024-11-03 01:30 happens twice in New York: first at EDT (-04:00) = 05:30Z, then at EST (-05:00) = 06:30Z.
        var firstEdt = new DateTimeOffset(2024, 11, 3, 1, 30, 0, TimeSpan.FromHours(-4));
        var thenEst = new DateTimeOffset(2024, 11, 3, 1, 30, 0, TimeSpan.FromHours(-5));

        var a = WcfDate.Parse($"/Date({firstEdt.ToUnixTimeMilliseconds()}-0400)/");
        var b = WcfDate.Parse($"/Date({thenEst.ToUnixTimeMilliseconds()}-0500)/");

        Assert.Equal(new DateTimeOffset(2024, 11, 3, 5, 30, 0, TimeSpan.Zero), a);
        Assert.Equal(new DateTimeOffset(2024, 11, 3, 6, 30, 0, TimeSpan.Zero), b);
        Assert.Equal(TimeSpan.FromHours(1), b - a);

        // Summer (-0400) and winter (-0500) noon: 16:00Z and 17:00Z.
        Assert.Equal(new DateTimeOffset(2024, 7, 1, 16, 0, 0, TimeSpan.Zero),
            WcfDate.Parse($"/Date({new DateTimeOffset(2024, 7, 1, 12, 0, 0, TimeSpan.FromHours(-4)).ToUnixTimeMilliseconds()}-0400)/"));
        Assert.Equal(new DateTimeOffset(2024, 1, 15, 17, 0, 0, TimeSpan.Zero),
            WcfDate.Parse($"/Date({new DateTimeOffset(2024, 1, 15, 12, 0, 0, TimeSpan.FromHours(-5)).ToUnixTimeMilliseconds()}-0500)/"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("2024-01-01T00:00:00Z")]
    [InlineData("Date(928164000000)")]
    [InlineData("/Date(abc)/")]
    [InlineData("/Date(928164000000-04)/")]
    [InlineData("/Date(928164000000-0499)/")]
    [InlineData("/Date()/")]
    [InlineData("/Date(99999999999999999999)/")]
    [InlineData("/Date(928164000000-0400)/ trailing")]
    public void Garbage_is_a_FormatException_with_a_clear_message(string value)
    {
        var ex = Assert.Throws<FormatException>(() => WcfDate.Parse(value));
        Assert.Contains("WCF JSON date", ex.Message, StringComparison.Ordinal);
        Assert.False(WcfDate.TryParse(value, out _));
    }

    [Fact]
    public void Format_round_trips()
    {
        var instant = new DateTimeOffset(2026, 11, 29, 13, 45, 12, 345, TimeSpan.Zero);
        var text = WcfDate.Format(instant, TimeSpan.FromHours(-5));

        Assert.Equal($"/Date({instant.ToUnixTimeMilliseconds()}-0500)/", text);
        Assert.Equal(instant, WcfDate.Parse(text));
    }
}
