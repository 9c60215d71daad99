using System.Globalization;
using EmailIntegration.Domain.Changes;
using EmailIntegration.Pipeline.Serve;
using Microsoft.Extensions.Configuration;

namespace EmailIntegration.Pipeline.Changes;

/// <summary>
/// GET /api/changes?after=&lt;cursor&gt;&amp;pageSize=1..1000: every change to what the AMS keeps for an individual, in the
/// store's commit order (so in commit order per individual), at least once. The cursor is the last change's position,
/// signed like the page tokens (<see cref="PageTokenProtector"/>, bound to this feed) and opaque; reading again from an
/// older cursor gives the same changes with the same ids. Changes committed in the last <see cref="SettleSetting"/>
/// seconds are held back until then, so a write that commits while a page is read is never skipped by the next cursor.
/// </summary>
public sealed class ChangeFeed(IChangeLog log, IConfiguration configuration, TimeProvider time)
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    /// <summary>Seconds a committed change waits before it is served (default 5): the store's commit times are whole seconds.</summary>
    public const string SettleSetting = "Changes:SettleSeconds";

    /// <summary>
    /// How long a cursor stays good. An AMS keeps its cursor between polls (nightly, or after an outage of weeks), unlike
    /// a tab page's token; the cursor only names a position, and rotating the page-token key is what retires old ones.
    /// </summary>
    public static readonly TimeSpan CursorLifetime = TimeSpan.FromDays(400);

    private const string FeedName = "changes";
    private static readonly PageContext Context = new(FeedName, "*", null, null, null);
    private readonly Lazy<PageTokenProtector> tokens = new(() => PageTokenProtector.FromConfiguration(configuration, time));

    /// <exception cref="InvalidRequestException">A malformed page size or a cursor that is not ours.</exception>
    public async Task<ChangeFeedPage> ReadAsync(string? after, string? pageSize, CancellationToken cancellationToken)
    {
        var size = DefaultPageSize;
        if (!string.IsNullOrEmpty(pageSize)
            && (!int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPageSize))
        {
            throw new InvalidRequestException("pageSize", $"The page size must be a whole number from 1 to {MaxPageSize}.");
        }

        return (await ReadBatchAsync(Parse(after), size, cancellationToken)).Page;
    }

    /// <summary>
    /// Up to <paramref name="size"/> settled changes after a position (null: from the start) as the page GET serves it, and
    /// the position of its last change: the AMS webhook push keeps that position, never the signed cursor, which expires.
    /// </summary>
    public async Task<ChangeFeedBatch> ReadBatchAsync(ChangePosition? position, int size, CancellationToken cancellationToken)
    {
        var settle = int.TryParse(configuration[SettleSetting], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : 5;
        var page = await log.ReadAsync(position, size, time.GetUtcNow().AddSeconds(-settle), cancellationToken);
        var last = page.Items.Count > 0 ? page.Items[^1].Position : position;
        return new ChangeFeedBatch(new ChangeFeedPage(
            page.Items.Select(i => new ChangeFeedItem(i.Change.ChangeId, i.Change.IndividualId, i.Change.Kind, i.Change.Value, i.Change.ChangedAt)).ToList(),
            last is null ? null : tokens.Value.Protect(Context.Canonical(), Format(last), CursorLifetime),
            page.More), last);
    }

    private ChangePosition? Parse(string? after)
    {
        string? cursor;
        try
        {
            cursor = tokens.Value.Unprotect(Context, after);
        }
        catch (InvalidRequestException)
        {
            throw Invalid();
        }

        if (cursor is null)
        {
            return null;
        }

        var separator = cursor.IndexOf(' ', StringComparison.Ordinal);
        return separator > 0 && long.TryParse(cursor.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var second)
            && separator < cursor.Length - 1
            ? new ChangePosition(second, cursor[(separator + 1)..])
            : throw Invalid();
    }

    private static string Format(ChangePosition position) =>
        position.CommitSecond.ToString(CultureInfo.InvariantCulture) + " " + position.SortKey;

    private static InvalidRequestException Invalid() =>
        new("after", "The cursor is not one this feed handed out: pass back the cursor of a previous page unchanged, or none to start from the beginning.");
}

/// <param name="Last">The position of the page's last change (the position read after, for an empty page).</param>
public sealed record ChangeFeedBatch(ChangeFeedPage Page, ChangePosition? Last);

/// <param name="Cursor">Pass it back as <c>after</c> for the next page (also when this one was empty); null only before the first change.</param>
/// <param name="More">Whether more changes were waiting when this page was read.</param>
public sealed record ChangeFeedPage(IReadOnlyList<ChangeFeedItem> Items, string? Cursor, bool More);

/// <param name="ChangedAt">When the change was committed (UTC).</param>
public sealed record ChangeFeedItem(string ChangeId, string IndividualId, ChangeKind Kind, ChangeValue Value, DateTimeOffset ChangedAt);
