using System.Globalization;
using System.Text.RegularExpressions;
using EmailIntegration.Domain.Events;
using EmailIntegration.Vendors.HighRoad;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EmailIntegration.UnitTests.Vendors.HighRoad;

/// <summary>
/// The example layouts in <c>docs/highroad-layouts/</c> are read from the repository, their settings applied through the real
/// options binding and validation, their sample parsed, and the result compared with the events the page lists: the docs
/// cannot drift from the code.
/// </summary>
public partial class HighRoadLayoutDocsTests
{
    [Theory]
    [InlineData("default.md")]
    [InlineData("semicolon-local-times.md")]
    public async Task The_documented_layout_parses_its_sample_into_the_documented_events(string page)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "docs", "highroad-layouts", page));
        var settings = Block(text, "settings").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(" = ", 2))
            .ToDictionary(p => p[0].Replace("__", ":", StringComparison.Ordinal), p => (string?)p[1]);
        settings["Vendors:HighRoad:Enabled"] = "true";
        settings["Vendors:HighRoad:Source"] = "Drop";
        var options = Bind(settings);

        var records = await HighRoadTestSupport.ParseAsync(Block(text, "csv"), options);

        Assert.All(records, r => Assert.Null(r.Bad));
        var actual = records.Select(r => r.Event!)
            .Select(e => $"{e.Kind} {e.IndividualId} {e.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}");
        var expected = Block(text, "expected").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(expected, actual);
        Assert.All(records, r => Assert.Equal(TimeSpan.Zero, r.Event!.OccurredAt.Offset));
    }

    [Fact]
    public async Task The_default_page_lists_the_defaults()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "docs", "highroad-layouts", "default.md"));
        var documented = Bind(Block(text, "settings").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(" = ", 2))
            .ToDictionary(p => p[0].Replace("__", ":", StringComparison.Ordinal), p => (string?)p[1]));
        var defaults = new HighRoadOptions();

        Assert.Equal(defaults.Delimiter, documented.Delimiter);
        Assert.Equal(defaults.DateFormat, documented.DateFormat);
        Assert.Equal(defaults.TimeZone, documented.TimeZone);
        Assert.Equal(defaults.KindMap, documented.KindMap);
        Assert.Equal(defaults.Columns.Configured(), documented.Columns.Configured());
    }

    /// <summary>The settings as the host binds and validates them (<c>AddHighRoad</c>, start-up validation included).</summary>
    private static HighRoadOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHighRoad(configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<HighRoadOptions>>().Value;
    }

    /// <summary>The content of the page's one fenced block tagged <paramref name="tag"/>.</summary>
    private static string Block(string markdown, string tag)
    {
        var match = Assert.Single(Fence().Matches(markdown.Replace("\r\n", "\n", StringComparison.Ordinal)), m => m.Groups["tag"].Value == tag);
        return match.Groups["body"].Value;
    }

    [GeneratedRegex(@"^```(?<tag>[a-z]+)\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    private static string RepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EmailIntegration.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (EmailIntegration.sln) was not found above " + AppContext.BaseDirectory);
    }
}
