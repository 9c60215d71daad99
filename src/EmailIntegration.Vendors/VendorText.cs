using System.Text.RegularExpressions;

namespace EmailIntegration.Vendors;

/// <summary>Vendor text (fault strings, bounce reasons, parse errors) made fit to keep or report: no secret, no e-mail address.</summary>
public static partial class VendorText
{
    /// <summary>Masks anything that looks like an e-mail address in vendor text we keep or report.</summary>
    public static string RedactEmails(string text) => EmailLike().Replace(text, "[e-mail]");

    /// <summary>Removes the secrets and any e-mail address from vendor text before it goes into a message; at most 200 characters.</summary>
    public static string Redact(string? text, params string?[] secrets)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        foreach (var secret in secrets)
        {
            if (!string.IsNullOrEmpty(secret))
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        text = RedactEmails(text);
        return text.Length <= 200 ? text : text[..200] + "…";
    }

    [GeneratedRegex(@"[^\s<>""'@]+@[^\s<>""'@]+\.[^\s<>""'@]+", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex EmailLike();
}
