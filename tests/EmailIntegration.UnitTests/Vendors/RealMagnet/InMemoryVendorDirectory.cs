using System.Collections.Concurrent;
using EmailIntegration.Pipeline.FanOut;

namespace EmailIntegration.UnitTests.Vendors.RealMagnet;

/// <summary>An in-memory <see cref="IVendorDirectory"/> that also counts look-ups.</summary>
internal sealed class InMemoryVendorDirectory : IVendorDirectory
{
    private readonly ConcurrentDictionary<(string Vendor, string Id), string> recipients = new();
    private readonly ConcurrentDictionary<(string Vendor, string Id), MailingInfo> mailings = new();

    public int IndividualLookups;
    public int MailingLookups;

    public int RecipientCount => recipients.Count;

    public int MailingCount => mailings.Count;

    public Task SaveRecipientsAsync(string vendor, IReadOnlyCollection<VendorRecipient> recipients, CancellationToken cancellationToken)
    {
        foreach (var r in recipients)
        {
            this.recipients[(vendor, r.RecipientId)] = r.IndividualId;
        }

        return Task.CompletedTask;
    }

    public Task SaveMailingsAsync(string vendor, IReadOnlyCollection<MailingInfo> mailings, CancellationToken cancellationToken)
    {
        foreach (var m in mailings)
        {
            this.mailings[(vendor, m.MailingId)] = m;
        }

        return Task.CompletedTask;
    }

    public Task<string?> FindIndividualAsync(string vendor, string recipientId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref IndividualLookups);
        return Task.FromResult(recipients.TryGetValue((vendor, recipientId), out var id) ? id : null);
    }

    public Task<MailingInfo?> FindMailingAsync(string vendor, string mailingId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref MailingLookups);
        return Task.FromResult(mailings.TryGetValue((vendor, mailingId), out var m) ? m : null);
    }
}
