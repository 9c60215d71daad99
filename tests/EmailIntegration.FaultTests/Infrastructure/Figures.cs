using Xunit.Abstractions;

namespace EmailIntegration.FaultTests.Infrastructure;

/// <summary>Measured figures: to the test output and to .local/fault-figures.txt (docs/reliability.md is filled from them).</summary>
public static class Figures
{
    private static readonly object Gate = new();

    public static void Report(ITestOutputHelper output, string test, string figures)
    {
        var line = $"{DateTimeOffset.UtcNow:o} {test}: {figures}";
        output.WriteLine(line);
        lock (Gate)
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "EmailIntegration.sln")))
                {
                    Directory.CreateDirectory(Path.Combine(dir.FullName, ".local"));
                    File.AppendAllText(Path.Combine(dir.FullName, ".local", "fault-figures.txt"), line + Environment.NewLine);
                    return;
                }
            }
        }
    }
}
