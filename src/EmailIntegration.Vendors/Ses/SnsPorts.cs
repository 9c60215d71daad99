using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace EmailIntegration.Vendors.Ses;

/// <summary>The certificate SNS signs with, by its <c>SigningCertURL</c> (already checked to be an SNS host over https).</summary>
public interface ISnsCertificateSource
{
    Task<X509Certificate2> GetAsync(Uri certificateUrl, CancellationToken cancellationToken);
}

/// <summary>Confirms a subscription by visiting its <c>SubscribeURL</c> (already checked to be an SNS host over https).</summary>
public interface ISnsSubscriptionConfirmer
{
    Task ConfirmAsync(Uri subscribeUrl, CancellationToken cancellationToken);
}

/// <summary>What makes a URL one of Amazon SNS's own: https on the default port, host <c>sns.{region}.amazonaws.com</c> (or <c>.com.cn</c>).</summary>
public static partial class SnsHosts
{
    public static bool IsSnsUrl(Uri? url) =>
        url is { IsAbsoluteUri: true, Scheme: "https", IsDefaultPort: true } && string.IsNullOrEmpty(url.UserInfo) && Host().IsMatch(url.Host);

    [GeneratedRegex(@"\Asns\.[a-z0-9-]{3,32}\.amazonaws\.com(\.cn)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Host();
}

/// <summary>
/// Fetches signing certificates over https (the TLS handshake with the SNS host is what vouches for them) and keeps each
/// until it expires: SNS signs every message with the same few certificates, so one fetch serves a region for months.
/// </summary>
public sealed class HttpSnsCertificateSource(IHttpClientFactory httpClients, TimeProvider time) : ISnsCertificateSource
{
    public const string HttpClientName = "sns";
    private const int MaxCached = 32;
    private const int MaxCertificateBytes = 64 * 1024;
    private readonly ConcurrentDictionary<string, X509Certificate2> cache = new(StringComparer.Ordinal);

    public async Task<X509Certificate2> GetAsync(Uri certificateUrl, CancellationToken cancellationToken)
    {
        if (!SnsHosts.IsSnsUrl(certificateUrl))
        {
            throw new ArgumentException("Not an Amazon SNS URL.", nameof(certificateUrl));
        }

        var key = certificateUrl.AbsoluteUri;
        if (cache.TryGetValue(key, out var cached) && cached.NotAfter.ToUniversalTime() > time.GetUtcNow().UtcDateTime)
        {
            return cached;
        }

        using var http = httpClients.CreateClient(HttpClientName);
        using var response = await http.GetAsync(certificateUrl, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        if (response.Content.Headers.ContentLength > MaxCertificateBytes)
        {
            throw new InvalidOperationException("The SNS signing certificate is larger than expected.");
        }

        var pem = await response.Content.ReadAsStringAsync(cancellationToken);
        var certificate = X509Certificate2.CreateFromPem(pem.Length <= MaxCertificateBytes ? pem : string.Empty);
        if (cache.Count >= MaxCached)
        {
            cache.Clear();
        }

        cache[key] = certificate;
        return certificate;
    }
}

/// <summary>GET of the SubscribeURL, as SNS documents for an https endpoint's confirmation.</summary>
public sealed class HttpSnsSubscriptionConfirmer(IHttpClientFactory httpClients) : ISnsSubscriptionConfirmer
{
    public async Task ConfirmAsync(Uri subscribeUrl, CancellationToken cancellationToken)
    {
        if (!SnsHosts.IsSnsUrl(subscribeUrl))
        {
            throw new ArgumentException("Not an Amazon SNS URL.", nameof(subscribeUrl));
        }

        using var http = httpClients.CreateClient(HttpSnsCertificateSource.HttpClientName);
        using var response = await http.GetAsync(subscribeUrl, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
