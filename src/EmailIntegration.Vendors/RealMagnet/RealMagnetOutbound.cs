using System.Collections.Concurrent;
using System.Globalization;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Outbound;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.RealMagnet;

/// <summary>
/// Real Magnet outbound: a blast is one <c>UpsertRecipient</c> per recipient (RecipientDetails from the field map; a vendor
/// field <c>CustomField:N</c> becomes <c>CustomFields [{Key: N, Value}]</c>) with <c>UpsertType</c> <c>update</c> and the
/// recipient's <c>ID</c> when Real Magnet already knows the individual (recipient index, else SearchRecipient by Custom ID), else
/// <c>add</c> (as public client FMASites/higher-logic-api src/RealMagnet.php does, and support.higherlogic.com "UpsertRecipient"
/// 360032691712); each returned recipient id is recorded in the
/// vendor directory (recipient → individual) and the recipient index (individual → recipient). An opt-out is
/// <c>UnsubscribeRecipient {ID, IsAll: false, CategoryID | Group}</c> with the ids of <c>Outbound:RealMagnet:Categories</c> /
/// <c>Groups</c> for the mailing type; the recipient id comes from the recipient index, else from <c>SearchRecipient</c> by
/// Custom ID (the AMS id); an individual Real Magnet does not know is skipped (nothing to unsubscribe).
/// </summary>
public sealed class RealMagnetOutbound(
    RealMagnetClient client,
    IVendorDirectory directory,
    IVendorRecipientIndex index,
    IOptions<RealMagnetOptions> vendorOptions,
    IOptions<OutboundOptions> options,
    ILogger<RealMagnetOutbound> logger) : IOutboundVendor
{
    public string Vendor => OutboundVendors.RealMagnet;

    public bool IsEnabled => vendorOptions.Value.Enabled;

    public async Task<BlastPushOutcome> PushBlastAsync(BlastPush blast, CancellationToken cancellationToken)
    {
        var o = options.Value.RealMagnet;
        var session = await AuthenticateAsync(cancellationToken);
        int pushed = 0, refused = 0;
        string? reason = null;
        var ids = new ConcurrentBag<(string IndividualId, string RecipientId)>();
        try
        {
            await Parallel.ForEachAsync(blast.Recipients,
                new ParallelOptions { MaxDegreeOfParallelism = o.Parallelism, CancellationToken = cancellationToken },
                async (recipient, ct) =>
                {
                    RealMagnetSaveResult result;
                    try
                    {
                        // "update" names the recipient by its ID, "add" creates one (UpsertType as public clients send it).
                        var details = Details(recipient.Fields);
                        var known = await ExistingRecipientAsync(session, recipient.IndividualId, ct);
                        if (known is { } existing)
                        {
                            details = new Dictionary<string, object?>(details) { ["ID"] = existing };
                        }

                        result = await client.UpsertRecipientAsync(session, details,
                            known is null ? RealMagnetUpsertTypes.Add : RealMagnetUpsertTypes.Update, o.ValidateEmail, ct);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException && VendorFailures.From(Vendor, ex) is { Permanent: true } refusal)
                    {
                        Interlocked.Increment(ref refused);
                        Interlocked.CompareExchange(ref reason, refusal.Message, null);
                        return;
                    }

                    if (!result.Success)
                    {
                        Interlocked.Increment(ref refused);
                        Interlocked.CompareExchange(ref reason, $"UpsertRecipient error {result.ErrorCode}: {result.Message}", null);
                        return;
                    }

                    Interlocked.Increment(ref pushed);
                    if (result.RecipientId is { } id)
                    {
                        ids.Add((recipient.IndividualId, id.ToString(CultureInfo.InvariantCulture)));
                    }
                });
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw VendorFailures.From(Vendor, ex);
        }
        finally
        {
            // What the vendor already took is recorded even when the rest of the blast is retried.
            if (!ids.IsEmpty)
            {
                var entries = ids.ToList();
                await directory.SaveRecipientsAsync(Vendor, entries.Select(e => new VendorRecipient(e.RecipientId, e.IndividualId)).ToList(), CancellationToken.None);
                await index.SaveAsync(Vendor, entries, CancellationToken.None);
            }
        }

        return new BlastPushOutcome(pushed, refused, reason);
    }

    public async Task<OptOutPushOutcome> PushOptOutAsync(OptOutPush optOut, CancellationToken cancellationToken)
    {
        var o = options.Value.RealMagnet;
        var category = OutboundOptions.ForMailingType(o.Categories, optOut.MailingType);
        var group = OutboundOptions.ForMailingType(o.Groups, optOut.MailingType);
        if (category is null && group is null)
        {
            throw new VendorPushException(Vendor,
                $"no Outbound:RealMagnet:Categories or Outbound:RealMagnet:Groups entry for mailing type '{optOut.MailingType}'.", permanent: true);
        }

        var session = await AuthenticateAsync(cancellationToken);
        try
        {
            var recipientId = await index.FindRecipientAsync(Vendor, optOut.IndividualId, cancellationToken) is { } known
                && long.TryParse(known, NumberStyles.Integer, CultureInfo.InvariantCulture, out var knownId)
                ? knownId
                : await client.SearchRecipientByCustomIdAsync(session, optOut.IndividualId, cancellationToken);
            if (recipientId is null)
            {
                logger.LogInformation("Opt-out {OptOutId}: individual {IndividualId} is not a Real Magnet recipient", optOut.OptOutId, optOut.IndividualId);
                return new OptOutPushOutcome(VendorPushState.Skipped, "The individual is not a Real Magnet recipient.");
            }

            var result = await client.UnsubscribeRecipientAsync(session, recipientId.Value,
                category is null ? null : int.Parse(category, CultureInfo.InvariantCulture),
                group is null ? null : int.Parse(group, CultureInfo.InvariantCulture), cancellationToken);
            return result.Success
                ? new OptOutPushOutcome(VendorPushState.Pushed)
                : throw new VendorPushException(Vendor, $"UnsubscribeRecipient refused (status {result.Status}): {result.Message}", permanent: true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw VendorFailures.From(Vendor, ex);
        }
    }

    /// <summary>The Real Magnet id of an individual: the recipient index first, else SearchRecipient by Custom ID (the AMS id).</summary>
    private async Task<long?> ExistingRecipientAsync(RealMagnetSession session, string individualId, CancellationToken cancellationToken) =>
        await index.FindRecipientAsync(Vendor, individualId, cancellationToken) is { } known
        && long.TryParse(known, NumberStyles.Integer, CultureInfo.InvariantCulture, out var knownId)
            ? knownId
            : await client.SearchRecipientByCustomIdAsync(session, individualId, cancellationToken);

    /// <summary>RecipientDetails: each mapped field as a string; <c>CustomField:N</c> and <c>EnhancedPersonalizedField:N</c> as Key/Value lists.</summary>
    public static IReadOnlyDictionary<string, object?> Details(IReadOnlyDictionary<string, string?> fields)
    {
        var details = new Dictionary<string, object?>(StringComparer.Ordinal);
        var lists = new Dictionary<string, List<object>>(StringComparer.Ordinal);
        foreach (var (name, value) in fields)
        {
            if (value is null)
            {
                continue;
            }

            var colon = name.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && int.TryParse(name[(colon + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var key))
            {
                var list = name[..colon] switch
                {
                    "CustomField" or "CustomFields" => "CustomFields",
                    "EnhancedPersonalizedField" or "EnhancedPersonalizedFields" => "EnhancedPersonalizedFields",
                    _ => null,
                };
                if (list is not null)
                {
                    (lists.TryGetValue(list, out var items) ? items : lists[list] = []).Add(new { Key = key, Value = value });
                    continue;
                }
            }

            details[name] = value;
        }

        foreach (var (list, items) in lists)
        {
            details[list] = items;
        }

        return details;
    }

    private async Task<RealMagnetSession> AuthenticateAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await client.AuthenticateAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw VendorFailures.From(Vendor, ex);
        }
    }
}
