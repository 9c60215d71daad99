using System.Diagnostics.Metrics;
using EmailIntegration.Pipeline.Observability;
using Microsoft.Extensions.DependencyInjection;

namespace EmailIntegration.UnitTests.Pipeline;

/// <summary>A clock that reads what the test sets.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

internal static class TestMetrics
{
    public static PipelineMetrics Create() => new(
        new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
}

internal static class AsyncSequence
{
    /// <summary>Yields the items asynchronously, then throws <paramref name="thenThrow"/> if given.</summary>
    public static async IAsyncEnumerable<T> Of<T>(IEnumerable<T> items, Exception? thenThrow = null)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return item;
        }

        if (thenThrow is not null)
        {
            throw thenThrow;
        }
    }
}
