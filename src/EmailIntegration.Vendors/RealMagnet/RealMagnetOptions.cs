using System.ComponentModel.DataAnnotations;

namespace EmailIntegration.Vendors.RealMagnet;

/// <summary>
/// Settings of the Real Magnet (MagnetMail, now Higher Logic Thrive Marketing Enterprise) REST ApiAdapter,
/// bound from <c>Vendors:RealMagnet</c>.
/// </summary>
/// <remarks>
/// Base URL per the Higher Logic REST API article
/// (https://support.higherlogic.com/hc/en-us/articles/360032691632-REST-API):
/// <c>https://dna.magnetmail.net/ApiAdapter/Rest/</c>. <see cref="UserName"/> and <see cref="Password"/> are
/// secrets: they are only ever written into the Authorization header and the Authenticate body, never logged
/// and never put in an exception message. This class deliberately has no ToString override that prints them.
/// </remarks>
public sealed class RealMagnetOptions : IValidatableObject, IVendorRetryOptions
{
    public const string SectionName = "Vendors:RealMagnet";

    /// <summary>The vendor allows at most this many records per page (GetDetailedTracking RecordsPerPage, GetMessageLinkTracking PageSize).</summary>
    public const int MaxPageSize = 2000;

    public bool Enabled { get; set; }

    /// <summary>e.g. https://dna.magnetmail.net/ApiAdapter/Rest/ ; required when <see cref="Enabled"/>.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>
    /// The MagnetMail SOAP service, for the one feed the REST adapter lacks (spam complaints, <c>getSpamComplaints</c>). Default:
    /// the endpoint of the published WSDL, https://hlma-apie1.magnetmail.net/mmapi.asmx?WSDL.
    /// </summary>
    public Uri? SoapUrl { get; set; } = new("https://hlma-apie1.magnetmail.net/mmapi.asmx");

    /// <summary>Secret. Required when <see cref="Enabled"/>.</summary>
    public string? UserName { get; set; }

    /// <summary>Secret. Required when <see cref="Enabled"/>.</summary>
    public string? Password { get; set; }

    [Range(1, MaxPageSize)]
    public int PageSize { get; set; } = MaxPageSize;

    /// <summary>First run (no watermark): fetch this many days before today.</summary>
    [Range(1, 366)]
    public int InitialLookbackDays { get; set; } = 7;

    /// <summary>A single run fetches at most this many days; a backlog is caught up over several runs.</summary>
    [Range(1, 366)]
    public int MaxWindowDays { get; set; } = 31;

    /// <summary>Messages sent up to this many days before the window still collect opens and clicks in it.</summary>
    [Range(0, 366)]
    public int MessageLookbackDays { get; set; } = 30;

    /// <summary>Total time for one API call, retries included.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Time for one attempt of an API call; must be shorter than <see cref="Timeout"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Retries after the first attempt on 408/429/5xx and transport errors.</summary>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>Base of the exponential back-off (with jitter); a Retry-After header takes precedence.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:05:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AttemptTimeout >= Timeout)
        {
            yield return new ValidationResult(
                $"{nameof(AttemptTimeout)} must be shorter than {nameof(Timeout)}.", [nameof(AttemptTimeout), nameof(Timeout)]);
        }

        if (!Enabled)
        {
            yield break;
        }

        if (BaseUrl is null || !BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttps && BaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult(
                $"{nameof(BaseUrl)} must be an absolute http(s) URL when Real Magnet is enabled.", [nameof(BaseUrl)]);
        }

        if (SoapUrl is null || !SoapUrl.IsAbsoluteUri || (SoapUrl.Scheme != Uri.UriSchemeHttps && SoapUrl.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult(
                $"{nameof(SoapUrl)} must be an absolute http(s) URL when Real Magnet is enabled.", [nameof(SoapUrl)]);
        }

        // The messages name the setting, never its value.
        if (string.IsNullOrWhiteSpace(UserName))
        {
            yield return new ValidationResult($"{nameof(UserName)} is required when Real Magnet is enabled.", [nameof(UserName)]);
        }

        if (string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult($"{nameof(Password)} is required when Real Magnet is enabled.", [nameof(Password)]);
        }
    }
}
