using System.Net;
using EmailIntegration.Vendors.HighRoad;
using EmailIntegration.Vendors.Informz;
using EmailIntegration.Vendors.RealMagnet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors;

/// <summary>
/// The transport rules every vendor shares, applied once for all of them rather than per client: base URLs are https
/// (plain http only to a loopback host: the sandboxes and the emulators), shortcuts around certificate or host-key checks
/// only for loopback hosts, and no vendor HTTP client follows a redirect (a redirect would carry our credentials, or our
/// members' data, to wherever the vendor's response points).
/// </summary>
public static class VendorEndpoints
{
    /// <summary><c>localhost</c> or a loopback address (127.0.0.0/8, ::1).</summary>
    public static bool IsLoopback(string? host) =>
        !string.IsNullOrWhiteSpace(host)
        && (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address)));

    /// <summary>An absolute https URL, or http to a loopback host.</summary>
    public static bool IsAllowedBaseUrl(Uri? url) =>
        url is { IsAbsoluteUri: true }
        && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && IsLoopback(url.Host)));

    /// <summary>
    /// Every vendor HTTP client (all <c>IHttpClientFactory</c> clients of the app are vendor clients) without automatic
    /// redirects, and the base-URL rule for the vendors whose options hold one.
    /// </summary>
    public static IServiceCollection AddVendorEndpointRules(this IServiceCollection services)
    {
        services.ConfigureHttpClientDefaults(client => client.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false }));
        services.AddSingleton<IValidateOptions<RealMagnetOptions>>(
            new BaseUrlValidator<RealMagnetOptions>("Vendors:RealMagnet:BaseUrl", o => o.Enabled, o => o.BaseUrl));
        services.AddSingleton<IValidateOptions<InformzOptions>>(
            new BaseUrlValidator<InformzOptions>("Vendors:Informz:BaseUrl", o => o.Enabled, o => o.BaseUrl));
        return services;
    }

    private sealed class BaseUrlValidator<TOptions>(string setting, Func<TOptions, bool> enabled, Func<TOptions, Uri?> baseUrl)
        : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options) =>
            !enabled(options) || IsAllowedBaseUrl(baseUrl(options))
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"{setting} must be an https URL (plain http only to a loopback host).");
    }
}
