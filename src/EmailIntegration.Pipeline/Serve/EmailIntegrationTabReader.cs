using System.Text.RegularExpressions;
using EmailIntegration.Domain.Documents;
using EmailIntegration.Pipeline.Apply;

namespace EmailIntegration.Pipeline.Serve;

/// <summary>Stage 4: the tab's data, read from the individual's partition, newest first.</summary>
public sealed partial class EmailIntegrationTabReader(IIndividualDocumentStore store)
{
    public const int DefaultPageSize = 25;

    /// <summary>The first page of every child form; null when the individual has no data at all.</summary>
    public async Task<EmailIntegrationTab?> GetTabAsync(string individualId, CancellationToken cancellationToken)
    {
        EnsureValidIndividualId(individualId);
        var tracking = GetPageAsync(individualId, DocumentTypes.Tracking, ToTrackingItem, DefaultPageSize, null, cancellationToken);
        var links = GetPageAsync(individualId, DocumentTypes.LinkTracking, ToLinkItem, DefaultPageSize, null, cancellationToken);
        var faxes = GetPageAsync(individualId, DocumentTypes.FaxTracking, ToFaxItem, DefaultPageSize, null, cancellationToken);
        var unsubscribes = GetPageAsync(individualId, DocumentTypes.Unsubscribe, ToUnsubscribeItem, DefaultPageSize, null, cancellationToken);
        await Task.WhenAll(tracking, links, faxes, unsubscribes);

        var tab = new EmailIntegrationTab(individualId, tracking.Result, links.Result, faxes.Result, unsubscribes.Result);
        var empty = tab.Tracking.Items.Count + tab.LinkTracking.Items.Count + tab.FaxTracking.Items.Count
            + tab.Unsubscribes.Items.Count == 0;
        return empty ? null : tab;
    }

    public static void EnsureValidIndividualId(string individualId)
    {
        if (!IndividualIdPattern().IsMatch(individualId))
        {
            throw new InvalidRequestException("individualId",
                "The individual id must be 1 to 64 letters, digits, '-', '_' or '.'.");
        }
    }

    private async Task<FormPage<T>> GetPageAsync<T>(
        string individualId, string form, Func<IndividualDocument, T> map, int pageSize, string? token,
        CancellationToken cancellationToken)
    {
        var page = await store.QueryAsync(
            individualId, new FormQuery(form, pageSize, PageToken.Decode(form, token)), cancellationToken);
        return new FormPage<T>(page.Documents.Select(map).ToList(), PageToken.Encode(form, page.ContinuationToken));
    }

    private static TrackingItem ToTrackingItem(IndividualDocument document)
    {
        var d = (MailingTrackingDocument)document;
        return new TrackingItem(d.Vendor, d.MailingId, d.MailingName, d.MailingType, d.ReceivedAt, d.OpenedAt, d.OpenCount);
    }

    private static LinkTrackingItem ToLinkItem(IndividualDocument document)
    {
        var d = (LinkTrackingDocument)document;
        return new LinkTrackingItem(d.Vendor, d.MailingId, d.MailingName, d.Url, d.Label, d.ClickedAt, d.ClickCount);
    }

    private static FaxTrackingItem ToFaxItem(IndividualDocument document)
    {
        var d = (FaxTrackingDocument)document;
        return new FaxTrackingItem(d.Vendor, d.MailingId, d.MailingName, d.FaxNumber, d.SentAt, d.Status);
    }

    private static UnsubscribeItem ToUnsubscribeItem(IndividualDocument document)
    {
        var d = (UnsubscribeDocument)document;
        return new UnsubscribeItem(d.Vendor, d.MailingId, d.EmailGroup, d.UnsubscribedAt);
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex IndividualIdPattern();
}
