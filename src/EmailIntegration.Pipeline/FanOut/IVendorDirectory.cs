namespace EmailIntegration.Pipeline.FanOut;

/// <summary>
/// What a vendor's tracking rows refer to but do not carry: which AMS individual a vendor
/// recipient id is, and a mailing's name and type. Sources fill it while fetching (before they
/// land the pages that need it); parsers read it.
/// </summary>
public interface IVendorDirectory
{
    Task SaveRecipientsAsync(string vendor, IReadOnlyCollection<VendorRecipient> recipients, CancellationToken cancellationToken);

    Task SaveMailingsAsync(string vendor, IReadOnlyCollection<MailingInfo> mailings, CancellationToken cancellationToken);

    /// <summary>The AMS individual id of a vendor recipient; null when unknown.</summary>
    Task<string?> FindIndividualAsync(string vendor, string recipientId, CancellationToken cancellationToken);

    Task<MailingInfo?> FindMailingAsync(string vendor, string mailingId, CancellationToken cancellationToken);
}

public sealed record VendorRecipient(string RecipientId, string IndividualId);

/// <param name="MailingType">The AMS mailing type; vendors call it the e-mail group or category.</param>
public sealed record MailingInfo(string MailingId, string? Name, string? MailingType);
