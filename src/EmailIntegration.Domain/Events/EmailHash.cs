using System.Security.Cryptography;
using System.Text;

namespace EmailIntegration.Domain.Events;

/// <summary>
/// A one-way, case-insensitive fingerprint of an e-mail address. Events carry this instead of the
/// address, so queues, quarantine and logs never hold one.
/// </summary>
public static class EmailHash
{
    public static string? Of(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }

        var normalized = email.Trim().ToLowerInvariant();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));
    }
}
