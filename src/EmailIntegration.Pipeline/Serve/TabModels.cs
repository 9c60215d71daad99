namespace EmailIntegration.Pipeline.Serve;

/// <summary>The E-Mail Integration tab as the profile screens read it: the first page of each child form.</summary>
public sealed record EmailIntegrationTab(
    string IndividualId,
    FormPage<TrackingItem> Tracking,
    FormPage<LinkTrackingItem> LinkTracking,
    FormPage<FaxTrackingItem> FaxTracking,
    FormPage<UnsubscribeItem> Unsubscribes);

/// <param name="ContinuationToken">Opaque; pass it back to get the next page. Null on the last page.</param>
public sealed record FormPage<T>(IReadOnlyList<T> Items, string? ContinuationToken);

public sealed record TrackingItem(
    string Vendor, string MailingId, string? MailingName, string? MailingType,
    DateTimeOffset? ReceivedAt, DateTimeOffset? OpenedAt, int OpenCount);

public sealed record LinkTrackingItem(
    string Vendor, string MailingId, string? MailingName, string Url, string? Label,
    DateTimeOffset? ClickedAt, int ClickCount);

public sealed record FaxTrackingItem(
    string Vendor, string MailingId, string? MailingName, string FaxNumber, DateTimeOffset? SentAt, string? Status);

public sealed record UnsubscribeItem(
    string Vendor, string MailingId, string? EmailGroup, DateTimeOffset? UnsubscribedAt);
