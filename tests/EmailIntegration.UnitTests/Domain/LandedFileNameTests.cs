using EmailIntegration.Pipeline.Landing;
using Xunit;

namespace EmailIntegration.UnitTests.Domain;

public sealed class LandedFileNameTests
{
    private static readonly LandedFileName Sample =
        new("realmagnet", new DateOnly(2026, 11, 29), "20261129T021500Z-1a2b3c4d", "links", 7, "json");

    [Fact]
    public void ToString_IsTheDatedRunScopedPath() =>
        Assert.Equal("realmagnet/2026/11/29/20261129T021500Z-1a2b3c4d/links-00007.json", Sample.ToString());

    [Theory]
    [InlineData("realmagnet", 2026, 1, 2, "run", "delivery", 1, "json")]
    [InlineData("vendor-2", 1999, 12, 31, "20261129T021500Z-ffffffff", "unsubscribes", 123456, "csv")]
    [InlineData("x", 2024, 2, 29, "R-1", "Fax", 0, "xml")]
    public void AName_RoundTripsThroughItsString(string vendor, int y, int m, int d, string run, string kind, int page, string ext)
    {
        var name = new LandedFileName(vendor, new DateOnly(y, m, d), run, kind, page, ext);

        Assert.True(LandedFileName.TryParse(name.ToString(), out var parsed));
        Assert.Equal(name, parsed);
        Assert.Equal(name.ToString(), parsed!.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("links-00001.json")]
    [InlineData("landing/realmagnet/2026/11/29/run/links-00001.json")]
    [InlineData("RealMagnet/2026/11/29/run/links-00001.json")]
    [InlineData("realmagnet/2026/13/01/run/links-00001.json")]
    [InlineData("realmagnet/2026/02/30/run/links-00001.json")]
    [InlineData("realmagnet/26/11/29/run/links-00001.json")]
    [InlineData("realmagnet/2026/11/29/run/links.json")]
    [InlineData("realmagnet/2026/11/29/run/links-00001")]
    [InlineData("realmagnet/2026/11/29/run/links-00001.JSON")]
    [InlineData("realmagnet/2026/11/29/run/links-1234567890.json")]
    [InlineData("realmagnet/2026/11/29/run_1/links-00001.json")]
    [InlineData("realmagnet/2026/11/29/../links-00001.json")]
    [InlineData("realmagnet/2026/11/29/run/sub/links-00001.json")]
    [InlineData("realmagnet/2026/11/29/run/link_clicks-00001.json")]
    [InlineData("/realmagnet/2026/11/29/run/links-00001.json")]
    [InlineData("realmagnet\\2026\\11\\29\\run\\links-00001.json")]
    public void ABadName_IsRejected(string name)
    {
        Assert.False(LandedFileName.TryParse(name, out var parsed));
        Assert.Null(parsed);
        Assert.False(LandedFileName.BelongsToRun(name, "run"));
    }

    [Fact]
    public void BelongsToRun_MatchesOnlyTheRunSegment()
    {
        var name = Sample.ToString();

        Assert.True(LandedFileName.BelongsToRun(name, "20261129T021500Z-1a2b3c4d"));
        Assert.False(LandedFileName.BelongsToRun(name, "20261129T021500Z-1a2b3c4"));
        Assert.False(LandedFileName.BelongsToRun(name, "realmagnet"));
    }
}
