using System.Text.RegularExpressions;
using EmailIntegration.Domain.Events;

namespace EmailIntegration.Domain.Rules;

/// <summary>
/// Document ids inside an individual's partition. They are derived from the business key, so the
/// same row is always the same document and a re-run can only update it, never duplicate it.
/// </summary>
public static partial class DocumentKeys
{
    /// <summary>The stored item that holds every row of one vendor's mailing (see <see cref="Documents.MailingFold"/>).</summary>
    public static string Mailing(string vendor, string mailingId) =>
        $"{Documents.MailingFold.StoredType}|{Safe(vendor)}|{Safe(mailingId)}";

    public static string Tracking(string vendor, string mailingId) =>
        $"tracking|{Safe(vendor)}|{Safe(mailingId)}";

    public static string LinkTracking(string vendor, string mailingId, string url) =>
        $"link|{Safe(vendor)}|{Safe(mailingId)}|{EventIdentity.Hash(url)}";

    public static string FaxTracking(string vendor, string mailingId, string faxNumber) =>
        $"fax|{Safe(vendor)}|{Safe(mailingId)}|{EventIdentity.Hash(faxNumber)}";

    public static string Unsubscribe(string vendor, string mailingId, string? emailGroup) =>
        $"unsub|{Safe(vendor)}|{Safe(mailingId)}|{EventIdentity.Hash(Normalize.GroupName(emailGroup ?? string.Empty))}";

    public static string Bounce(string vendor, string mailingId, string eventId) =>
        $"bounce|{Safe(vendor)}|{Safe(mailingId)}|{Safe(eventId)}";

    public static string CustomerAction(string vendor, string mailingId, string url) =>
        $"action|{Safe(vendor)}|{Safe(mailingId)}|{EventIdentity.Hash(url)}";

    public static string InterestActivity(string vendor, string mailingId, string url, string interestCode) =>
        $"interest|{Safe(vendor)}|{Safe(mailingId)}|{EventIdentity.Hash(url)}|{Safe(interestCode)}";

    /// <summary>Cosmos ids may not contain '/', '\', '?' or '#', and vendor ids are not ours to trust.</summary>
    private static string Safe(string value) =>
        value.Length <= 64 && SafeKey().IsMatch(value) ? value : "h-" + EventIdentity.Hash(value);

    [GeneratedRegex(@"\A[A-Za-z0-9_.-]+\z")]
    private static partial Regex SafeKey();
}
