using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace EmailIntegration.LocalRunner.Hosting;

/// <summary>Reads local.settings(.sample).json "Values" the way the Functions host does: '__' nests.</summary>
public static class LocalSettings
{
    public static IConfigurationBuilder AddLocalSettings(this IConfigurationBuilder builder, string path)
    {
        if (!File.Exists(path))
        {
            return builder;
        }

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var values = json.RootElement.GetProperty("Values").EnumerateObject()
            .ToDictionary(p => p.Name.Replace("__", ":", StringComparison.Ordinal), p => p.Value.GetString());
        return builder.AddInMemoryCollection(values);
    }

    /// <summary>host.json's queue retry limit, so local poison handling matches Azure.</summary>
    public static int MaxDequeueCount(string hostJsonPath)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(hostJsonPath));
        return json.RootElement.GetProperty("extensions").GetProperty("queues").GetProperty("maxDequeueCount").GetInt32();
    }
}
