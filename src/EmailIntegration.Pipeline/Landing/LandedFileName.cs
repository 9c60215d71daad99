using System.Globalization;
using System.Text.RegularExpressions;

namespace EmailIntegration.Pipeline.Landing;

/// <summary>
/// A landed file's name: <c>{vendor}/{yyyy}/{MM}/{dd}/{runId}/{kind}-{page:D5}.{extension}</c>.
/// Dated and run-scoped so an operator can find a night and replay exactly one run.
/// </summary>
public sealed partial record LandedFileName(
    string Vendor, DateOnly RunDate, string RunId, string Kind, int Page, string Extension)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Vendor}/{RunDate:yyyy}/{RunDate:MM}/{RunDate:dd}/{RunId}/{Kind}-{Page:D5}.{Extension}");

    public static bool TryParse(string name, out LandedFileName? parsed)
    {
        var match = Pattern().Match(name);
        if (!match.Success || !DateOnly.TryParseExact(
                $"{match.Groups["y"].Value}-{match.Groups["m"].Value}-{match.Groups["d"].Value}",
                "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            parsed = null;
            return false;
        }

        parsed = new LandedFileName(
            match.Groups["vendor"].Value, date, match.Groups["run"].Value, match.Groups["kind"].Value,
            int.Parse(match.Groups["page"].Value, CultureInfo.InvariantCulture), match.Groups["ext"].Value);
        return true;
    }

    /// <summary>The prefix-free segment that identifies a run inside any vendor's folder.</summary>
    public static bool BelongsToRun(string name, string runId) =>
        TryParse(name, out var parsed) && string.Equals(parsed!.RunId, runId, StringComparison.Ordinal);

    [GeneratedRegex(@"\A(?<vendor>[a-z0-9-]+)/(?<y>\d{4})/(?<m>\d{2})/(?<d>\d{2})/(?<run>[A-Za-z0-9-]+)/(?<kind>[A-Za-z0-9]+)-(?<page>\d{1,9})\.(?<ext>[a-z]+)\z")]
    private static partial Regex Pattern();
}
