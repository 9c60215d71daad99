using EmailIntegration.Domain.Rules;
using EmailIntegration.Pipeline.Serve;

namespace EmailIntegration.Pipeline.Outbound;

/// <summary>
/// Checks a blast before anything is landed: a known, enabled vendor, a mailing type, 1..MaxRecipients recipients with
/// valid, distinct ids and a plausible address each, and bounded fields. Messages say where, never what (no address).
/// </summary>
public static class BlastRequestValidator
{
    public const int MaxMailingTypeLength = 100;
    public const int MaxFieldsPerRecipient = 100;
    public const int MaxFieldNameLength = 100;
    public const int MaxFieldValueLength = 1000;

    /// <returns>The request with its vendor in lower case and names trimmed.</returns>
    /// <exception cref="InvalidRequestException">What to fix.</exception>
    public static BlastRequest Validate(BlastRequest? request, IEnumerable<IOutboundVendor> vendors, int maxRecipients)
    {
        if (request is null)
        {
            throw new InvalidRequestException("body", "The body is empty.");
        }

        if (request.BlastId is not null && !Identifiers.IsBlastId(request.BlastId))
        {
            throw new InvalidRequestException("blastId", "The blast id must be 1 to 64 letters, digits, '-' or '_'.");
        }

        var known = vendors.ToList();
        var vendorName = request.Vendor?.Trim().ToLowerInvariant();
        var vendor = known.FirstOrDefault(v => v.Vendor == vendorName);
        if (vendor is null)
        {
            throw new InvalidRequestException("vendor", $"The vendor must be one of {string.Join(", ", known.Select(v => v.Vendor))}.");
        }

        if (!vendor.IsEnabled)
        {
            throw new InvalidRequestException("vendor", $"The vendor {vendor.Vendor} is not enabled or configured here.");
        }

        var mailingType = request.MailingType?.Trim();
        if (string.IsNullOrEmpty(mailingType) || mailingType.Length > MaxMailingTypeLength || mailingType.Any(char.IsControl))
        {
            throw new InvalidRequestException("mailingType", $"The mailing type is required (at most {MaxMailingTypeLength} characters).");
        }

        if (request.Kind is { } kind && !Enum.IsDefined(kind))
        {
            throw new InvalidRequestException("kind", "The kind must be marketing or transactional.");
        }

        var recipients = request.Recipients;
        if (recipients is null || recipients.Count == 0)
        {
            throw new InvalidRequestException("recipients", "At least one recipient is required.");
        }

        if (recipients.Count > maxRecipients)
        {
            throw new InvalidRequestException("recipients", $"At most {maxRecipients} recipients per blast; split the list.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < recipients.Count; i++)
        {
            var recipient = recipients[i];
            var where = $"recipients[{i}]";
            if (recipient?.IndividualId is not { } id || !Identifiers.IsIndividualId(id))
            {
                throw new InvalidRequestException(where + ".individualId", "The individual id must be 1 to 64 letters, digits, '-', '_' or '.'.");
            }

            if (!seen.Add(id))
            {
                throw new InvalidRequestException(where + ".individualId", "The individual is in the list twice.");
            }

            var fields = recipient.Fields ?? new Dictionary<string, string?>();
            if (fields.Count > MaxFieldsPerRecipient)
            {
                throw new InvalidRequestException(where + ".fields", $"At most {MaxFieldsPerRecipient} fields per recipient.");
            }

            // Names as the mapper reads them (trimmed, case-insensitive), so what is checked here is what is sent.
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in fields)
            {
                if (string.IsNullOrWhiteSpace(name) || name.Length > MaxFieldNameLength || name.Any(char.IsControl))
                {
                    throw new InvalidRequestException(where + ".fields", $"Field names must be 1 to {MaxFieldNameLength} printable characters.");
                }

                if (!names.Add(name.Trim()))
                {
                    throw new InvalidRequestException(where + ".fields", "A field is named twice (names ignore case and surrounding spaces).");
                }

                if (string.Equals(name.Trim(), OutboundOptions.IndividualIdField, StringComparison.OrdinalIgnoreCase)
                    && !string.Equals(value?.Trim(), id, StringComparison.Ordinal))
                {
                    throw new InvalidRequestException($"{where}.fields.{OutboundOptions.IndividualIdField}",
                        "An IndividualId field must equal the recipient's individualId (or be left out).");
                }

                if (value is { Length: > MaxFieldValueLength })
                {
                    throw new InvalidRequestException($"{where}.fields.{name}", $"A value may have at most {MaxFieldValueLength} characters.");
                }
            }

            var email = fields.FirstOrDefault(f => string.Equals(f.Key.Trim(), OutboundOptions.EmailField, StringComparison.OrdinalIgnoreCase)).Value?.Trim();
            if (!IsPlausibleEmail(email))
            {
                throw new InvalidRequestException($"{where}.fields.{OutboundOptions.EmailField}", "Every recipient needs a valid e-mail address.");
            }
        }

        return request with { Vendor = vendor.Vendor, MailingType = mailingType, Kind = request.Kind ?? BlastKind.Marketing };
    }

    /// <exception cref="InvalidRequestException">Not 1 to 64 letters, digits, '-' or '_'.</exception>
    public static string EnsureValidBlastId(string blastId) =>
        Identifiers.IsBlastId(blastId)
            ? blastId
            : throw new InvalidRequestException("blastId", "The blast id must be 1 to 64 letters, digits, '-' or '_'.");

    public static bool IsPlausibleEmail(string? email) =>
        email is { Length: > 2 and <= 254 } && email.Count(c => c == '@') == 1 && email[0] != '@' && email[^1] != '@'
        && !email.Any(char.IsWhiteSpace) && !email.Any(char.IsControl);
}
