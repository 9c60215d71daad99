using EmailIntegration.LocalRunner.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace EmailIntegration.IntegrationTests.Infrastructure;

/// <summary>The runner is quiet by default, and the documented setting turns the pipeline's own lines on.</summary>
public sealed class LocalRunnerLoggingTests
{
    private const string PipelineCategory = "EmailIntegration.Pipeline.Fetch.VendorTrackingFetcher";

    [Fact]
    public async Task ThePipelinesInformationLines_AreOffByDefault()
    {
        var (information, warning) = await LevelsAsync(setting: null);

        Assert.False(information);
        Assert.True(warning);
    }

    [Fact]
    public async Task LoggingLogLevelEmailIntegration_TurnsThemOn()
    {
        var (information, _) = await LevelsAsync(setting: "Information");

        Assert.True(information);
    }

    private static async Task<(bool Information, bool Warning)> LevelsAsync(string? setting)
    {
        var settings = IsolatedResources.Settings(Guid.NewGuid().ToString("N")[..10]);
        if (setting is not null)
        {
            settings["Logging:LogLevel:EmailIntegration"] = setting;
        }

        await using var runner = await LocalRunnerApp.CreateAsync([], settings);
        try
        {
            var logger = runner.Services.GetRequiredService<ILoggerFactory>().CreateLogger(PipelineCategory);
            return (logger.IsEnabled(LogLevel.Information), logger.IsEnabled(LogLevel.Warning));
        }
        finally
        {
            Assert.Null(await IsolatedResources.DeleteAsync(runner.Services));
        }
    }
}
