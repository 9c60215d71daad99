using System.Diagnostics.Metrics;
using EmailIntegration.Pipeline.Fetch;
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

/// <summary>Keeps what a source lands and what it reports unreadable, in order, as the fetcher would receive them.</summary>
internal sealed class CollectingPageSink(Func<FetchedPage, Task>? onPage = null) : EmailIntegration.Pipeline.Fetch.IFetchedPageSink
{
    public List<FetchedPage> Pages { get; } = [];

    public List<(FetchedPage Page, string Where, string Reason)> Unreadable { get; } = [];

    public async Task LandAsync(FetchedPage page, CancellationToken cancellationToken)
    {
        if (onPage is not null)
        {
            await onPage(page);
        }

        Pages.Add(page);
    }

    public Task UnreadableAsync(FetchedPage page, string where, string reason, CancellationToken cancellationToken)
    {
        Unreadable.Add((page, where, reason));
        return Task.CompletedTask;
    }

    /// <summary>Every page the source lands for the window, with nothing reported unreadable.</summary>
    public static async Task<List<FetchedPage>> FetchAllAsync(
        EmailIntegration.Pipeline.Fetch.IVendorTrackingSource source, EmailIntegration.Pipeline.Fetch.TrackingWindow window,
        Func<FetchedPage, Task>? onPage = null)
    {
        var sink = new CollectingPageSink(onPage);
        await source.FetchAsync(window, sink, CancellationToken.None);
        if (sink.Unreadable.Count > 0)
        {
            throw new Xunit.Sdk.XunitException(
                "unexpected unreadable pages: " + string.Join("; ", sink.Unreadable.Select(u => $"{u.Where}: {u.Reason}")));
        }

        return sink.Pages;
    }
}
