using EmailIntegration.Pipeline.Outbound;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.Informz;

/// <summary>
/// Informz outbound: a blast is <c>Subscribe</c> (AddOrUpdateSubscribers, ≤ 1,000 subscribers a call) to the interest of
/// the mailing type (<c>Outbound:Informz:Interests:{mailingType}</c>, default the mailing type itself); the mapped
/// <c>Email</c> and <c>ID</c> fields are the subscriber's address and remote id, the others its personal-info fields. An
/// opt-out is <c>Optout {InterestNames: [interest], Subscribers: [address, AMS id]}</c>.
/// </summary>
public sealed class InformzOutbound(InformzClient client, IOptions<InformzOptions> vendorOptions, IOptions<OutboundOptions> options) : IOutboundVendor
{
    private const string EmailField = "Email";
    private const string IdField = "ID";

    public string Vendor => OutboundVendors.Informz;

    public bool IsEnabled => vendorOptions.Value.Enabled;

    public async Task<BlastPushOutcome> PushBlastAsync(BlastPush blast, CancellationToken cancellationToken)
    {
        var interest = Interest(blast.MailingType);
        var subscribers = blast.Recipients
            .Where(r => r.Fields.GetValueOrDefault(EmailField) is { Length: > 0 })
            .Select(r => new InformzSubscriber(
                r.Fields[EmailField]!,
                r.Fields.GetValueOrDefault(IdField),
                r.Fields.Where(f => f.Key is not (EmailField or IdField) && f.Value is not null).ToDictionary(f => f.Key, f => f.Value)))
            .ToList();
        var refused = blast.Recipients.Count - subscribers.Count;
        try
        {
            foreach (var chunk in subscribers.Chunk(InformzDocuments.MaxSubscribeRecords))
            {
                var result = await client.SubscribeAsync([interest], InformzInterestAction.AddOrUpdateSubscribers, chunk, cancellationToken);
                if (!result.Success)
                {
                    throw new VendorPushException(Vendor, $"Subscribe refused ({result.Status}): {result.Message}", permanent: true);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw VendorFailures.From(Vendor, ex);
        }

        return new BlastPushOutcome(subscribers.Count, refused, refused > 0 ? "no mapped Email field." : null);
    }

    public async Task<OptOutPushOutcome> PushOptOutAsync(OptOutPush optOut, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(optOut.Email))
        {
            throw new VendorPushException(Vendor, "the profile has no e-mail address to opt out.", permanent: true);
        }

        try
        {
            var result = await client.OptOutAsync([Interest(optOut.MailingType)], [new InformzSubscriber(optOut.Email, optOut.IndividualId)], cancellationToken);
            return result.Success
                ? new OptOutPushOutcome(VendorPushState.Pushed)
                : throw new VendorPushException(Vendor, $"Optout refused ({result.Status}): {result.Message}", permanent: true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw VendorFailures.From(Vendor, ex);
        }
    }

    private string Interest(string mailingType) =>
        OutboundOptions.ForMailingType(options.Value.Informz.Interests, mailingType) ?? mailingType;
}
