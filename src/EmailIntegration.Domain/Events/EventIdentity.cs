using System.Security.Cryptography;
using System.Text;

namespace EmailIntegration.Domain.Events;

/// <summary>
/// Deterministic ids, so that replaying the same vendor data produces the same events and messages.
/// </summary>
public static class EventIdentity
{
    /// <summary>
    /// Id of a vendor record that has no id of its own: a hash of what makes it unique
    /// (vendor, mailing, recipient, kind, time and, for clicks, the link).
    /// </summary>
    public static string For(
        string vendor,
        string mailingId,
        string recipientKey,
        TrackingEventKind kind,
        DateTimeOffset occurredAt,
        string? discriminator = null) =>
        Hash(string.Join('\u001f',
            vendor, mailingId, recipientKey, kind.ToString(),
            occurredAt.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture),
            discriminator ?? string.Empty));

    /// <summary>A short, URL- and key-safe hash (128 bits of SHA-256, base64url).</summary>
    public static string Hash(string value)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(value), digest);
        return Convert.ToBase64String(digest[..16]).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
