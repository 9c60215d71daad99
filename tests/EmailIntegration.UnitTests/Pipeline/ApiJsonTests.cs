using System.Text.Json;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Serve;
using Xunit;

namespace EmailIntegration.UnitTests.Pipeline;

public sealed class ApiJsonTests
{
    [Theory]
    [InlineData(0, "2026-11-29T08:30:15.123Z")]
    [InlineData(2, "2026-11-29T06:30:15.123Z")]
    [InlineData(-5, "2026-11-29T13:30:15.123Z")]
    public void Times_AreWrittenAsUtcWithAZ(int offsetHours, string expected)
    {
        var local = new DateTimeOffset(2026, 11, 29, 8, 30, 15, 123, TimeSpan.FromHours(offsetHours));

        Assert.Equal($"\"{expected}\"", JsonSerializer.Serialize(local, ApiJson.Options));
    }

    [Fact]
    public void TabItems_UseCamelCase_AndUtcTimes_AndNullsForMissingTimes()
    {
        var item = new TrackingItem("realmagnet", "m-1", "Winter appeal", "Newsletter",
            new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.FromHours(1)), null, 0, 0, 0, null, null);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(item, ApiJson.Options));

        Assert.Equal("2026-11-29T09:00:00.000Z", json.RootElement.GetProperty("receivedAt").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("openedAt").ValueKind);
        Assert.Equal("m-1", json.RootElement.GetProperty("mailingId").GetString());
    }

    [Fact]
    public void Enums_AreWrittenAsCamelCaseStrings() =>
        Assert.Equal("\"upToDate\"", JsonSerializer.Serialize(FetchStatus.UpToDate, ApiJson.Options));

    [Fact]
    public void WrittenTimes_ReadBackAsTheSameInstant()
    {
        var at = new DateTimeOffset(2026, 11, 29, 8, 30, 15, 123, TimeSpan.FromHours(3));

        var read = JsonSerializer.Deserialize<DateTimeOffset>(JsonSerializer.Serialize(at, ApiJson.Options), ApiJson.Options);

        Assert.Equal(at, read);
        Assert.Equal(TimeSpan.Zero, read.Offset);
    }
}
