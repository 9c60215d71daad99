using EmailIntegration.Domain.Documents;
using EmailIntegration.Pipeline.Apply;
using Microsoft.Extensions.Configuration;

namespace EmailIntegration.Pipeline.Serve;

/// <summary>
/// Stage 4: the tab's data, read from the individual's partition, newest first. The tab's first page is one read: one
/// single-partition query of the individual's newest documents (the profile sorts first, then the rows of every form),
/// from which each form's first page is taken when they determine it exactly (<see cref="FirstRows"/>); a form they
/// cannot answer, a filtered tab and every further page are
/// one single-partition query of one child form (see <see cref="ChildForms"/>), paged by the last row's key, which is
/// signed on the way out (see <see cref="PageTokenProtector"/>).
/// </summary>
public sealed class EmailIntegrationTabReader(IIndividualDocumentStore store, IConfiguration configuration)
{
    public const int DefaultPageSize = PageRequest.DefaultPageSize;

    // Read on first use, so a missing key fails the request (500, logged) rather than the host's start.
    private readonly Lazy<PageTokenProtector> tokens = new(() => PageTokenProtector.FromConfiguration(configuration));

    /// <summary>
    /// How many stored items the tab's read takes: the profile and two pages of mailings, so a page of one form still fits
    /// beside as many newer mailings with rows of the others. Most individuals have fewer and are read whole, which
    /// answers every form.
    /// </summary>
    public static int NewestDocumentsRead(int pageSize) => 2 + (2 * pageSize);

    /// <summary>
    /// The flags and the first page of every child form (or, for the page, the page each form's token
    /// in <paramref name="tokensBySegment"/> points at); null when the individual is unknown.
    /// </summary>
    public async Task<EmailIntegrationTab?> GetTabAsync(
        string individualId, PageRequest request, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? tokensBySegment = null)
    {
        EnsureValidIndividualId(individualId);
        var newest = await store.QueryAsync(
            individualId, new FormQuery(FormQuery.NewestDocuments, NewestDocumentsRead(request.PageSize)), cancellationToken);
        var requests = ChildForms.All
            .Select(form => request with { ContinuationToken = tokensBySegment?.GetValueOrDefault(form.Segment) }).ToList();
        var answered = ChildForms.All.Select((form, i) => FromNewest(newest, form, individualId, requests[i])).ToList();

        // The forms whose rows are older than what the read held (an individual with more mailings than it takes; often a
        // rare type, or one the individual has none of): one more read, of the newest mailings holding rows of those types.
        var open = ChildForms.All.Where((form, i) => answered[i] is null && IsFirstPage(requests[i]))
            .Select(form => form.DocumentType).Distinct(StringComparer.Ordinal).ToList();
        if (open.Count > 0 && newest.More)
        {
            var older = await store.QueryAsync(individualId,
                new FormQuery(FormQuery.NewestDocuments, NewestDocumentsRead(request.PageSize), RowTypes: open), cancellationToken);
            answered = answered.Select((page, i) => page ?? FromNewest(older, ChildForms.All[i], individualId, requests[i])).ToList();
        }

        var pages = ChildForms.All.Select((form, i) => answered[i] is { } page
            ? Task.FromResult(page)
            : ReadPageAsync(individualId, form, requests[i], cancellationToken)).ToList();
        await Task.WhenAll(pages);

        var forms = ChildForms.All.Zip(pages, (form, page) => (form, page.Result)).ToList();
        var paging = tokensBySegment?.Values.Any(t => !string.IsNullOrEmpty(t)) ?? false;
        if (!paging && newest.Documents.Count == 0 && forms.All(f => f.Result.Items.Count == 0)
            && !await ExistsAsync(individualId, cancellationToken))
        {
            return null;
        }

        return new EmailIntegrationTab(individualId, FlagsOf(newest.Documents.OfType<ProfileDocument>().FirstOrDefault()), forms);
    }

    /// <summary>One page of one child form; null when the individual is unknown.</summary>
    public async Task<FormPage?> GetPageAsync(string individualId, ChildForm form, PageRequest request, CancellationToken cancellationToken)
    {
        EnsureValidIndividualId(individualId);
        var page = await ReadPageAsync(individualId, form, request, cancellationToken);
        if (request.ContinuationToken is null && page.Items.Count == 0 && !await ExistsAsync(individualId, cancellationToken))
        {
            return null;
        }

        return page;
    }

    public static void EnsureValidIndividualId(string individualId)
    {
        if (!Identifiers.IsIndividualId(individualId))
        {
            throw new InvalidRequestException("individualId", $"The individual id must be {Identifiers.IndividualIdRule}.");
        }
    }

    /// <summary>The unfiltered first page, from the newest documents when they determine it exactly; otherwise null.</summary>
    private FormPage? FromNewest(DocumentPage newest, ChildForm form, string individualId, PageRequest request)
    {
        if (!IsFirstPage(request))
        {
            return null;
        }

        var rows = FirstRows.Of(newest.Documents, !newest.More, form.DocumentType, request.PageSize, form.Takes, out var more);
        return rows is null ? null : PageOf(form, individualId, request, rows, more);
    }

    private static bool IsFirstPage(PageRequest request) => request is { ContinuationToken: null, From: null, To: null, Vendor: null };

    private async Task<FormPage> ReadPageAsync(string individualId, ChildForm form, PageRequest request, CancellationToken cancellationToken)
    {
        var context = PageContext.For(form, individualId, request);
        var after = PageCursor.Parse(tokens.Value.Unprotect(context, request.ContinuationToken));
        var page = await store.QueryAsync(
            individualId,
            new FormQuery(form.DocumentType, request.PageSize, after, request.From, request.To, request.Vendor, form.RequiredTime),
            cancellationToken);
        return PageOf(form, individualId, request, page.Documents, page.More);
    }

    /// <summary>The API page; its token (when rows may follow) is the last row's key, signed for this list and filters.</summary>
    private FormPage PageOf(ChildForm form, string individualId, PageRequest request, IReadOnlyList<IndividualDocument> rows, bool more)
    {
        var next = more && rows.Count > 0 ? PageCursor.Format(RowKey.Of(rows[^1])) : null;
        return new FormPage(rows.Select(form.ToItem).ToList(), tokens.Value.Protect(PageContext.For(form, individualId, request), next));
    }

    /// <summary>Whether the partition holds any document: one single-partition query of one item.</summary>
    private async Task<bool> ExistsAsync(string individualId, CancellationToken cancellationToken) =>
        (await store.QueryAsync(individualId, new FormQuery(FormQuery.AnyDocumentType, 1), cancellationToken)).Documents.Count > 0;

    /// <summary>The profile's flags; unknown while no profile exists.</summary>
    private static ProfileFlags FlagsOf(ProfileDocument? profile) =>
        profile is not null ? new ProfileFlags(!profile.EmailValid, profile.DoNotEmail) : ProfileFlags.Unknown;
}
