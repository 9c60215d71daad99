using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.HighRoad;

/// <summary>
/// Start-up validation of what DataAnnotations cannot see: the layout (delimiter, column map, kind map, date format,
/// time zone: always, since dropped files are parsed even when the fetch is off) and, when enabled, the chosen source's
/// settings. Messages name settings, never their secret values.
/// </summary>
public sealed class HighRoadOptionsValidator : IValidateOptions<HighRoadOptions>
{
    public ValidateOptionsResult Validate(string? name, HighRoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        HighRoadFormat.TryCreate(options, out _, out var layoutErrors);
        failures.AddRange(layoutErrors);

        if (options.Enabled && options.Source == HighRoadSource.Https)
        {
            if (!TryExpandedUrl(options.HttpsUrl, out _))
            {
                failures.Add($"{nameof(HighRoadOptions.HttpsUrl)} must be an absolute https URL (http only to a loopback host) when HighRoad's source is Https.");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.HttpsUserName) && string.IsNullOrEmpty(options.HttpsPassword))
        {
            failures.Add($"{nameof(HighRoadOptions.HttpsPassword)} is required with {nameof(HighRoadOptions.HttpsUserName)}.");
        }

        if (options.Enabled && options.Source == HighRoadSource.Sftp)
        {
            ValidateSftp(options.Sftp, failures);
            if (string.IsNullOrWhiteSpace(options.Sftp?.RemoteDirectory))
            {
                failures.Add("Sftp:RemoteDirectory is required when HighRoad's source is Sftp.");
            }
        }

        var outbound = options.Outbound ?? new HighRoadOutboundOptions();
        foreach (var (setting, url) in (ReadOnlySpan<(string, Uri?)>)
                 [("Outbound:OptOutUrl", outbound.OptOutUrl), ("Outbound:RecipientUrl", outbound.RecipientUrl)])
        {
            if (url is not null && !VendorEndpoints.IsAllowedBaseUrl(url))
            {
                failures.Add($"{setting} must be an absolute https URL (http only to a loopback host).");
            }
        }

        if (options.Enabled && outbound.Target == HighRoadUploadTarget.Sftp && options.Source != HighRoadSource.Sftp
            && !string.IsNullOrWhiteSpace(options.Sftp?.Host))
        {
            ValidateSftp(options.Sftp, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The URL with its placeholders filled with a sample window, checked for being absolute http(s).</summary>
    internal static bool TryExpandedUrl(string? template, out Uri? url)
    {
        url = null;
        if (string.IsNullOrWhiteSpace(template))
        {
            return false;
        }

        var text = HighRoadTrackingSource.ExpandUrl(template, new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 2));
        return Uri.TryCreate(text, UriKind.Absolute, out url) && VendorEndpoints.IsAllowedBaseUrl(url);
    }

    private static void ValidateSftp(HighRoadSftpOptions? sftp, List<string> failures)
    {
        if (sftp is null || string.IsNullOrWhiteSpace(sftp.Host))
        {
            failures.Add("Sftp:Host is required for SFTP.");
            return;
        }

        if (string.IsNullOrWhiteSpace(sftp.UserName))
        {
            failures.Add("Sftp:UserName is required for SFTP.");
        }

        if (string.IsNullOrEmpty(sftp.Password) && string.IsNullOrWhiteSpace(sftp.PrivateKey))
        {
            failures.Add("Sftp:Password or Sftp:PrivateKey is required for SFTP.");
        }

        if (string.IsNullOrWhiteSpace(sftp.HostKeySha256) && !sftp.AllowAnyHostKey)
        {
            failures.Add("Sftp:HostKeySha256 is required for SFTP (or Sftp:AllowAnyHostKey=true, for local testing only).");
        }

        if (sftp.AllowAnyHostKey && !VendorEndpoints.IsLoopback(sftp.Host))
        {
            failures.Add("Sftp:AllowAnyHostKey is only for a loopback host (local testing); pin Sftp:HostKeySha256 for a real server.");
        }

        if (string.IsNullOrWhiteSpace(sftp.FilePattern))
        {
            failures.Add("Sftp:FilePattern is required for SFTP.");
        }
    }
}
