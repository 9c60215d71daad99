using System.Globalization;
using EmailIntegration.Domain.Rules;
using EmailIntegration.Pipeline.Serve;
using Microsoft.Extensions.Configuration;

namespace EmailIntegration.Pipeline.Outbound;

/// <summary>
/// GET /api/blasts/{blastId}/suppressed: who the push held back and why, in the blast's order, paged like the forms
/// (a signed continuation token bound to the blast; at most <see cref="PageRequest.MaxPageSize"/> a page). Ids and
/// reasons only: the decisions never hold an address.
/// </summary>
public sealed class BlastSuppressionReport(IBlastStatusStore statuses, ISuppressionLedger ledger, IConfiguration configuration)
{
    private const string ListName = "blast-suppressed";
    private readonly Lazy<PageTokenProtector> tokens = new(() => PageTokenProtector.FromBase64(configuration[PageTokenProtector.KeySetting]));

    /// <returns>Null when there is no such blast.</returns>
    /// <exception cref="InvalidRequestException">A malformed id, page size or token.</exception>
    public async Task<SuppressedPage?> GetPageAsync(string blastId, PageRequest request, CancellationToken cancellationToken)
    {
        BlastRequestValidator.EnsureValidBlastId(blastId);
        ArgumentNullException.ThrowIfNull(request);
        var context = new PageContext(ListName, blastId, null, null, null);
        var start = Position(tokens.Value.Unprotect(context, request.ContinuationToken));
        if (await statuses.GetAsync(blastId, cancellationToken) is null)
        {
            return null;
        }

        var decisions = await ledger.ReadAsync(blastId, cancellationToken);
        if (decisions is null)
        {
            return new SuppressedPage(blastId, null, [], null);
        }

        var suppressed = decisions.Recipients
            .Where(d => d is { Verdict: RecipientVerdict.Suppress, Reason: not null })
            .Skip(start).Take(request.PageSize + 1)
            .Select(d => new SuppressedRecipient(d.IndividualId, d.Reason!.Value)).ToList();
        var more = suppressed.Count > request.PageSize;
        var items = suppressed.Take(request.PageSize).ToList();
        var next = more ? tokens.Value.Protect(context, (start + items.Count).ToString(CultureInfo.InvariantCulture)) : null;
        return new SuppressedPage(blastId, decisions.DecidedAt, items, next);
    }

    private static int Position(string? cursor) =>
        cursor is null ? 0
        : int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var position) ? position
        : throw new InvalidRequestException("continuationToken", "The continuation token is not valid for this list.");
}
