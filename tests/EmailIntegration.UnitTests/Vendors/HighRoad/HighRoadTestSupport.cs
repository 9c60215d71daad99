using System.Text;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Vendors.HighRoad;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EmailIntegration.UnitTests.Vendors.HighRoad;

internal static class HighRoadTestSupport
{
    public static readonly LandedFileName ExportFile =
        new("highroad", new DateOnly(2026, 11, 30), "20261130T021500Z-1a2b3c4d", "export", 1, "csv");

    public static HighRoadOptions Options(Action<HighRoadOptions>? configure = null)
    {
        var o = new HighRoadOptions { Enabled = true, HttpsUrl = "https://export.example.test/export.csv?from={from}&to={to}" };
        configure?.Invoke(o);
        return o;
    }

    public static HighRoadCsvParser Parser(HighRoadOptions? options = null) =>
        new(Microsoft.Extensions.Options.Options.Create(options ?? Options()), NullLogger<HighRoadCsvParser>.Instance);

    public static async Task<List<ParsedRecord>> ParseAsync(string csv, HighRoadOptions? options = null, bool bom = false)
    {
        var bytes = new UTF8Encoding(bom).GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray();
        return await ParseAsync(bytes, options);
    }

    public static async Task<List<ParsedRecord>> ParseAsync(byte[] bytes, HighRoadOptions? options = null)
    {
        var list = new List<ParsedRecord>();
        await foreach (var r in Parser(options).ParseAsync(new MemoryStream(bytes), ExportFile, CancellationToken.None))
        {
            list.Add(r);
        }

        return list;
    }

    /// <summary>Collects what was yielded before the parser threw.</summary>
    public static async Task<(List<ParsedRecord> Records, Exception? Error)> ParseUntilErrorAsync(string csv, HighRoadOptions? options = null)
    {
        var list = new List<ParsedRecord>();
        try
        {
            await foreach (var r in Parser(options).ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), ExportFile, CancellationToken.None))
            {
                list.Add(r);
            }
        }
        catch (Exception ex)
        {
            return (list, ex);
        }

        return (list, null);
    }
}
