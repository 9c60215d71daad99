using System.Text;
using EmailIntegration.Domain.Events;
using EmailIntegration.Vendors.Parsing;
using EmailIntegration.Vendors.RealMagnet;

namespace EmailIntegration.UnitTests.Vendors.Parsing;

public class ParseCachesTests
{
    [Fact]
    public void The_string_cache_returns_equal_strings_and_one_instance_per_value()
    {
        var cache = new StringCache();
        var first = cache.Get("Spring Newsletter, part 1".AsSpan());
        var again = cache.Get("xxSpring Newsletter, part 1xx".AsSpan(2, 25));

        Assert.Equal("Spring Newsletter, part 1", first);
        Assert.Same(first, again);
        Assert.Same(first, cache.GetUtf8("Spring Newsletter, part 1"u8));
        Assert.NotSame(first, cache.Get("spring newsletter, part 1".AsSpan())); // ordinal, case kept
        Assert.Equal(string.Empty, cache.Get(default));
        Assert.Equal("é😀", cache.GetUtf8(Encoding.UTF8.GetBytes("é😀")));
    }

    [Fact]
    public void The_string_cache_is_bounded_but_always_returns_the_value()
    {
        var cache = new StringCache(maxEntries: 2, maxLength: 8);

        Assert.Equal("a", cache.Get("a"));
        Assert.Equal("b", cache.Get("b"));
        Assert.Equal("c", cache.Get("c"));
        Assert.Equal(2, cache.Count);
        Assert.Equal("123456789", cache.Get("123456789"));
        Assert.Equal(2, cache.Count);
    }

    [Theory]
    [InlineData("Member1@Example.org")]
    [InlineData("  member1@example.org ")]
    [InlineData("")]
    [InlineData("Ünïcode@Example.org")]
    public void The_email_hash_cache_gives_EmailHash_Of(string address)
    {
        var cache = new EmailHashCache();

        Assert.Equal(EmailHash.Of(address), cache.Of(address));
        Assert.Equal(EmailHash.Of(address), cache.Of(address)); // cached
        Assert.Equal(EmailHash.Of(address), cache.OfUtf8(Encoding.UTF8.GetBytes(address)));
    }

    [Theory]
    [InlineData(@"\/Date(928164000000-0400)\/")]
    [InlineData("/Date(928164000000-0400)/")]
    [InlineData("/Date(928164000000)/")]
    [InlineData(@"\/Date(928164000000+1400)/")]
    [InlineData("/Date(-86399500-0500)/")]
    [InlineData("/Date(0)/")]
    public void The_fast_WCF_date_path_agrees_with_Parse(string value)
    {
        Assert.True(WcfDate.TryParseFast(value, out var fast));
        Assert.Equal(WcfDate.Parse(value), fast);
    }

    [Theory]
    [InlineData("/Date(928164000000+1500)/")] // invalid offset: Parse's error, not the fast path
    [InlineData("/Date(928164000000-0460)/")]
    [InlineData("/Date(99999999999999999999)/")]
    [InlineData("/Date(-62135596800001)/")]
    [InlineData("/Date(١٢٣)/")]
    [InlineData("/Date(123)/\n")]
    [InlineData("/Date(123+01)/")]
    [InlineData("Date(123)/")]
    [InlineData("/Date()/")]
    [InlineData("")]
    public void The_fast_WCF_date_path_leaves_anything_unusual_to_Parse(string value) =>
        Assert.False(WcfDate.TryParseFast(value, out _));
}

public class HighRoadDateFastPathTests
{
    [Theory]
    [InlineData("2026-01-14 12:43:02")]
    [InlineData("2024-02-29 23:59:59")]
    [InlineData("0001-01-01 00:00:00")]
    [InlineData("9999-12-31 23:59:59")]
    [InlineData("2026-02-29 10:00:00")]
    [InlineData("2026-13-01 10:00:00")]
    [InlineData("2026-12-01 24:00:00")]
    [InlineData("2026-12-01 10:60:00")]
    [InlineData("0000-01-01 00:00:00")]
    [InlineData("2026-1-01 10:00:00")]
    [InlineData(" 2026-01-14 12:43:02 ")]
    [InlineData("２０２６-01-14 12:43:02")]
    [InlineData("2026-01-14T12:43:02")]
    [InlineData("")]
    public void The_default_format_reads_as_DateTime_TryParseExact_does(string value)
    {
        var format = EmailIntegration.Vendors.HighRoad.HighRoadFormat.Create(new EmailIntegration.Vendors.HighRoad.HighRoadOptions());
        var expectedOk = DateTime.TryParseExact(value, "yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AllowWhiteSpaces, out var expected);

        var ok = format.TryParseDate(value.AsSpan(), out var utc, out var error);

        Assert.Equal(expectedOk, ok);
        if (ok)
        {
            Assert.Equal(new DateTimeOffset(DateTime.SpecifyKind(expected, DateTimeKind.Unspecified), TimeSpan.Zero), utc);
        }
        else
        {
            Assert.Contains("does not match the format", error, StringComparison.Ordinal);
        }
    }
}
