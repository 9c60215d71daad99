using EmailIntegration.Pipeline.Outbound;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.HighRoad;

/// <summary>
/// HighRoad outbound: a blast is one recipients CSV (header = the field map's HighRoad column names, in order) pushed by
/// <see cref="HighRoadRecipientExporter"/>; an opt-out is one opt-out CSV row (id, address, category =
/// <c>Outbound:HighRoad:Categories:{mailingType}</c>, default the mailing type) pushed by <see cref="HighRoadOptOutPublisher"/>.
/// Enabled when the adapter is, or when an outbound target is configured (HighRoad may take files without a fetch).
/// </summary>
public sealed class HighRoadOutbound(
    HighRoadRecipientExporter exporter,
    HighRoadOptOutPublisher publisher,
    IOptions<HighRoadOptions> vendorOptions,
    IOptions<OutboundOptions> options) : IOutboundVendor
{
    public string Vendor => OutboundVendors.HighRoad;

    public bool IsEnabled
    {
        get
        {
            var o = vendorOptions.Value;
            return o.Enabled || (o.Outbound?.Target == HighRoadUploadTarget.Sftp
                ? !string.IsNullOrWhiteSpace(o.Sftp.Host)
                : o.Outbound?.OptOutUrl is not null || o.Outbound?.RecipientUrl is not null);
        }
    }

    public async Task<BlastPushOutcome> PushBlastAsync(BlastPush blast, CancellationToken cancellationToken)
    {
        try
        {
            var result = await exporter.ExportAsync(blast.BlastId, blast.Recipients.Select(r => r.Fields).ToList(), cancellationToken, blast.Columns);
            return new BlastPushOutcome(result.Rows, 0);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw VendorFailures.From(Vendor, ex);
        }
    }

    public async Task<OptOutPushOutcome> PushOptOutAsync(OptOutPush optOut, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(optOut.Email))
        {
            throw new VendorPushException(Vendor, "the profile has no e-mail address to opt out.", permanent: true);
        }

        var category = OutboundOptions.ForMailingType(options.Value.HighRoad.Categories, optOut.MailingType) ?? optOut.MailingType;
        try
        {
            await publisher.PublishAsync([new HighRoadOptOut(optOut.IndividualId, optOut.Email, category)], cancellationToken);
            return new OptOutPushOutcome(VendorPushState.Pushed);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw VendorFailures.From(Vendor, ex);
        }
    }
}
