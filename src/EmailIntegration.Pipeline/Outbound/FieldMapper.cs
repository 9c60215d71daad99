using Microsoft.Extensions.Options;

namespace EmailIntegration.Pipeline.Outbound;

/// <summary>
/// Maps a blast recipient's AMS fields to a vendor's fields with <c>Outbound:FieldMaps:{vendor}</c> (AMS field → vendor
/// field; names compared case-insensitively). Only mapped fields are sent; <c>IndividualId</c> is always the recipient's
/// validated id. Values are trimmed; an empty value is sent as missing.
/// </summary>
public sealed class FieldMapper(IOptions<OutboundOptions> options)
{
    /// <summary>The vendor field names, in map order (a CSV header).</summary>
    public IReadOnlyList<string> Columns(string vendor) => options.Value.FieldMapOf(vendor).Select(p => p.Value).ToList();

    public MappedRecipient Map(string vendor, BlastRecipient recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        var individualId = recipient.IndividualId ?? string.Empty;
        var fields = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in recipient.Fields ?? new Dictionary<string, string?>())
        {
            fields[name.Trim()] = value;
        }

        // Always the validated id: a field of the same name never replaces it.
        fields[OutboundOptions.IndividualIdField] = individualId;

        var mapped = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (amsField, vendorField) in options.Value.FieldMapOf(vendor))
        {
            mapped[vendorField] = fields.TryGetValue(amsField, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        }

        return new MappedRecipient(individualId, mapped);
    }

    public BlastPush Map(string blastId, string vendor, string mailingType, IEnumerable<BlastRecipient> recipients) =>
        new(blastId, mailingType, recipients.Select(r => Map(vendor, r)).ToList(), Columns(vendor));
}
