using System.Text.RegularExpressions;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Pipeline.Apply;
using Microsoft.Extensions.Configuration;

namespace EmailIntegration.Pipeline.Serve;

/// <summary>
/// Stage 4: the tab's data, read from the individual's partition, newest first. Every page is one
/// single-partition query of one child form (see <see cref="ChildForms"/>) with the store's
/// continuation token, signed on the way out (see <see cref="PageTokenProtector"/>).
/// </summary>
public sealed partial class EmailIntegrationTabReader(IIndividualDocumentStore store, IConfiguration configuration)
{
    public const int DefaultPageSize = PageRequest.DefaultPageSize;

    // Read on first use, so a missing key fails the request (500, logged) rather than the host's start.
    private readonly Lazy<PageTokenProtector> tokens = new(() => PageTokenProtector.FromBase64(configuration[PageTokenProtector.KeySetting]));

    /// <summary>
    /// The flags and the first page of every child form (or, for the page, the page each form's token
    /// in <paramref name="tokens"/> points at); null when the individual is unknown.
    /// </summary>
    public async Task<EmailIntegrationTab?> GetTabAsync(
        string individualId, PageRequest request, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? tokensBySegment = null)
    {
        EnsureValidIndividualId(individualId);
        var pages = ChildForms.All
            .Select(form => ReadPageAsync(individualId, form, request with { ContinuationToken = tokensBySegment?.GetValueOrDefault(form.Segment) }, cancellationToken))
            .ToList();
        var flags = ReadFlagsAsync(individualId, cancellationToken);
        await Task.WhenAll(pages.Cast<Task>().Append(flags));

        var forms = ChildForms.All.Zip(pages, (form, page) => (form, page.Result)).ToList();
        var paging = tokensBySegment?.Values.Any(t => !string.IsNullOrEmpty(t)) ?? false;
        if (!paging && forms.All(f => f.Result.Items.Count == 0) && !await ExistsAsync(individualId, cancellationToken))
        {
            return null;
        }

        return new EmailIntegrationTab(individualId, flags.Result, forms);
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
        if (!IndividualIdPattern().IsMatch(individualId))
        {
            throw new InvalidRequestException("individualId",
                "The individual id must be 1 to 64 letters, digits, '-', '_' or '.'.");
        }
    }

    private async Task<FormPage> ReadPageAsync(string individualId, ChildForm form, PageRequest request, CancellationToken cancellationToken)
    {
        var context = PageContext.For(form, individualId, request);
        var storeToken = tokens.Value.Unprotect(context, request.ContinuationToken);
        var page = await store.QueryAsync(
            individualId,
            new FormQuery(form.DocumentType, request.PageSize, storeToken, request.From, request.To, request.Vendor),
            cancellationToken);
        return new FormPage(page.Documents.Select(form.ToItem).ToList(), tokens.Value.Protect(context, page.ContinuationToken));
    }

    /// <summary>Whether the partition holds any document: one single-partition query of one item.</summary>
    private async Task<bool> ExistsAsync(string individualId, CancellationToken cancellationToken) =>
        (await store.QueryAsync(individualId, new FormQuery(FormQuery.AnyDocumentType, 1), cancellationToken)).Documents.Count > 0;

    /// <summary>The profile's flags (one point read); unknown while no profile exists.</summary>
    private async Task<ProfileFlags> ReadFlagsAsync(string individualId, CancellationToken cancellationToken)
    {
        var snapshot = await store.ReadAsync(individualId, [ProfileDocument.DocumentId], cancellationToken);
        return snapshot.Documents.GetValueOrDefault(ProfileDocument.DocumentId) is ProfileDocument profile
            ? new ProfileFlags(!profile.EmailValid, profile.DoNotEmail)
            : ProfileFlags.Unknown;
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex IndividualIdPattern();
}
