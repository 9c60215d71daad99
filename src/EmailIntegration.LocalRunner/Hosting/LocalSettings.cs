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

    /// <summary>host.json's queue trigger rules (retry limit and batching), so local queue handling matches Azure.</summary>
    public static QueueTriggerRules QueueRules(string hostJsonPath)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(hostJsonPath));
        var queues = json.RootElement.GetProperty("extensions").GetProperty("queues");
        return new QueueTriggerRules(
            queues.GetProperty("maxDequeueCount").GetInt32(), queues.GetProperty("batchSize").GetInt32(), queues.GetProperty("newBatchThreshold").GetInt32());
    }
}

/// <summary>
/// host.json's <c>extensions.queues</c>: a message failing <paramref name="MaxDequeueCount"/> times is poisoned; messages are
/// fetched <paramref name="BatchSize"/> at a time and run concurrently, and the next batch is fetched once the messages in
/// flight drop to <paramref name="NewBatchThreshold"/> (so at most their sum run at once).
/// </summary>
public sealed record QueueTriggerRules(int MaxDequeueCount, int BatchSize, int NewBatchThreshold)
{
    public int MaxInFlight => BatchSize + NewBatchThreshold;
}
