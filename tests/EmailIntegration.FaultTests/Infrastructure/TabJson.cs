using System.Text.Json;

namespace EmailIntegration.FaultTests.Infrastructure;

public static class TabJson
{
    /// <summary>Gross opens and clicks a tab shows (its tracking and link-tracking rows).</summary>
    public static (int Opens, int Clicks) Counts(string tab)
    {
        var json = tab[(tab.IndexOf(' ', StringComparison.Ordinal) + 1)..];
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var opens = root.GetProperty("tracking").GetProperty("items").EnumerateArray().Sum(r => r.GetProperty("openCount").GetInt32());
        var clicks = root.GetProperty("linkTracking").GetProperty("items").EnumerateArray().Sum(r => r.GetProperty("clickCount").GetInt32());
        return (opens, clicks);
    }
}
