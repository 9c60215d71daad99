using Microsoft.Playwright;

namespace EmailIntegration.BrowserTests;

/// <summary>Debian's chromium under Playwright (Playwright cannot download its own browser here), and where screenshots go.</summary>
internal static class DebianChromium
{
    /// <summary>Headless, without the background networking that this machine's closed network refuses.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });

    /// <summary>A path under the test results (<c>TEST_RESULTS_DIR</c>, else <c>.local/test-results</c>), in <c>screenshots/</c>.</summary>
    public static string Screenshot(string name)
    {
        var results = Environment.GetEnvironmentVariable("TEST_RESULTS_DIR") ?? Path.Combine(RepositoryRoot(), ".local", "test-results");
        var directory = Directory.CreateDirectory(Path.Combine(results, "screenshots"));
        return Path.Combine(directory.FullName, name);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EmailIntegration.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
