using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.Pipeline.Outbound;

/// <summary>Deterministic ids: the same blast content or the same opt-out always gets the same id, so a re-post is a no-op.</summary>
public static class OutboundIds
{
    /// <summary><c>b-</c> + 32 hex of SHA-256 over the vendor, mailing type, kind and the recipients in order.</summary>
    public static string BlastId(BlastRequest blast)
    {
        ArgumentNullException.ThrowIfNull(blast);
        var canonical = JsonSerializer.SerializeToUtf8Bytes(new
        {
            vendor = blast.Vendor,
            mailingType = blast.MailingType,
            kind = (blast.Kind ?? BlastKind.Marketing).ToString(),
            recipients = (blast.Recipients ?? []).Select(r => new
            {
                r.IndividualId,
                fields = (r.Fields ?? new Dictionary<string, string?>()).OrderBy(f => f.Key, StringComparer.Ordinal).ToList(),
            }),
        });
        return "b-" + Convert.ToHexStringLower(SHA256.HashData(canonical))[..32];
    }

    /// <summary><c>o-</c> + 32 hex of SHA-256 over the individual, the normalized mailing type and the time (UTC ticks).</summary>
    public static string OptOutId(string individualId, string mailingType, DateTimeOffset optedOutAt) =>
        "o-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n',
            individualId, Normalize.GroupName(mailingType), optedOutAt.UtcTicks.ToString(CultureInfo.InvariantCulture)))))[..32];
}
