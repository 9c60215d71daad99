using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace EmailIntegration.Vendors.Informz;

/// <summary>
/// Settings of the Informz (now Higher Logic "Thrive Marketing Professional") AAPI web service, bound from
/// <c>Vendors:Informz</c>.
/// </summary>
/// <remarks>
/// <para>Endpoint per the vendor's setup page (http://informz.knowledgeowl.com/help/setup-api): US
/// <c>https://partner.informz.net/aapi/InformzService.svc</c>, Canada <c>https://partner.informz.ca/aapi/InformzService.svc</c>,
/// test <c>https://partnertest.informz.net/aapi/InformzService.svc</c>. Informz must allow-list the IP addresses the calls
/// come from (same page). Brand id, user and password are what "Informz furnishes ... to be used with your setup/calls"
/// (API Quick Start Guide, https://support.higherlogic.com/hc/en-us/articles/360033049051-API-Quick-Start-Guide); the
/// optional encryption key mode of "Making the Call" (http://informz.knowledgeowl.com/help/making-the-call) is not
/// supported: the brand must use a user name and password.</para>
/// <para><see cref="User"/> and <see cref="Password"/> are secrets: they are only written into the request documents, never
/// logged and never put in an exception message (the client also redacts them from any vendor fault text it reports).</para>
/// </remarks>
public sealed partial class InformzOptions : IValidatableObject, IVendorRetryOptions
{
    public const string SectionName = "Vendors:Informz";

    /// <summary>"Maximum of 1,000 rows can be returned in one request" (Grid Request Overview,
    /// https://support.higherlogic.com/hc/en-us/articles/360033049251-Grid-Request-Overview).</summary>
    public const int MaxPageSize = 1000;

    /// <summary>
    /// mailing_activity_subscriber_actions covers "mailings that were sent in the past 100 days" (GridRequests - Subscriber
    /// Mailing Activity, https://support.higherlogic.com/hc/en-us/articles/360032692492-GridRequests-Subscriber-Mailing-Activity).
    /// </summary>
    public const int ActivityRetentionDays = 100;

    /// <summary>"Start and End Date ... must be within one week of one another" (GridRequests - Subscriber Interests/Changes,
    /// https://support.higherlogic.com/hc/en-us/articles/360032692232-GridRequests-Subscriber-Interests-Changes-and-Deletions).</summary>
    public const int MaxInterestChangeDays = 7;

    public bool Enabled { get; set; }

    /// <summary>The InformzService endpoint, e.g. https://partner.informz.net/aapi/InformzService.svc ; required when enabled.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The <c>&lt;Brand id="…"&gt;</c> attribute: "The ID attribute must match the brand's ID" (Action Requests,
    /// https://support.higherlogic.com/hc/en-us/articles/360032692072-Action-Requests).</summary>
    public string? BrandId { get; set; }

    /// <summary>The text of the Brand element (the brand name); optional, the examples send it.</summary>
    public string? BrandName { get; set; }

    /// <summary>Secret. A valid Informz user of the brand. Required when enabled.</summary>
    public string? User { get; set; }

    /// <summary>Secret. Required when enabled.</summary>
    public string? Password { get; set; }

    /// <summary>NumberOfRows of each grid page.</summary>
    [Range(1, MaxPageSize)]
    public int PageSize { get; set; } = MaxPageSize;

    /// <summary>StartRow of the first row. The guide calls it "the ordinal placement of the first row" and does not say whether
    /// it counts from 0 or 1; the source checks every query's rows against its Count, so a wrong base fails loudly.</summary>
    [Range(0, 1)]
    public int StartRowBase { get; set; } = 1;

    /// <summary>First run (no watermark): fetch this many days before today.</summary>
    [Range(1, ActivityRetentionDays - 1)]
    public int InitialLookbackDays { get; set; } = 7;

    /// <summary>A single run fetches at most this many days; a backlog is caught up over several runs.</summary>
    [Range(1, 366)]
    public int MaxWindowDays { get; set; } = 31;

    /// <summary>Mailing instances sent up to this many days before the window still have their activity fetched (opens
    /// accrue after the send); never further back than the vendor's 100 days.</summary>
    [Range(0, ActivityRetentionDays - 1)]
    public int MailingLookbackDays { get; set; } = 30;

    /// <summary>
    /// The grid column that holds the AMS individual id (Informz's "remote ID", the <c>&lt;ID&gt;</c> we push with
    /// Subscribe/BulkUpload). Default <c>user_id</c>: "Unique remote ID" in the subscriber_interests grid. Empty = read no
    /// column and resolve individuals only through the directory (e-mail hash → AMS id).
    /// </summary>
    public string? IndividualIdField { get; set; } = "user_id";

    /// <summary>Optional mailing_instance column whose value becomes the AMS mailing type (none is documented); empty = none.</summary>
    public string? MailingTypeField { get; set; }

    /// <summary>Zone of the vendor's date-times that carry no offset, and of the dates sent in conditions (IANA id).
    /// UNVERIFIED: the guide does not say; Informz is a US (Eastern) service.</summary>
    public string VendorTimeZone { get; set; } = "America/New_York";

    /// <summary>Also fetch interest (e-mail group) cancellations from subscriber_interests, in ≤ 7-day chunks.</summary>
    public bool FetchInterestCancellations { get; set; } = true;

    /// <summary>The SOAPAction of PostInformzMessage. UNVERIFIED: read it from
    /// https://partner.informz.net/aapi/InformzService.svc?WSDL before going live.</summary>
    public string SoapAction { get; set; } = "http://partner.informz.net/aapi/2009/08/IInformzService/PostInformzMessage";

    /// <summary>Total time for one API call, retries included.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Time for one attempt of an API call; must be shorter than <see cref="Timeout"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Retries after the first attempt on 408/429/5xx (except SOAP client faults) and transport errors.</summary>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>Base of the exponential back-off (with jitter); a Retry-After header takes precedence.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:05:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    internal TimeZoneInfo TimeZone => TimeZoneInfo.FindSystemTimeZoneById(VendorTimeZone);

    internal string? IndividualField => string.IsNullOrWhiteSpace(IndividualIdField) ? null : IndividualIdField.Trim();

    internal string? MailingTypeColumn => string.IsNullOrWhiteSpace(MailingTypeField) ? null : MailingTypeField.Trim();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AttemptTimeout >= Timeout)
        {
            yield return new ValidationResult(
                $"{nameof(AttemptTimeout)} must be shorter than {nameof(Timeout)}.", [nameof(AttemptTimeout), nameof(Timeout)]);
        }

        foreach (var (name, value) in new[] { (nameof(IndividualIdField), IndividualIdField), (nameof(MailingTypeField), MailingTypeField) })
        {
            if (!string.IsNullOrWhiteSpace(value) && !ColumnName().IsMatch(value.Trim()))
            {
                yield return new ValidationResult($"{name} must be a grid column name (letters, digits, '_').", [name]);
            }
        }

        var zoneOk = true;
        try
        {
            _ = TimeZone;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            zoneOk = false;
        }

        if (!zoneOk)
        {
            yield return new ValidationResult($"{nameof(VendorTimeZone)} is not a known time zone id.", [nameof(VendorTimeZone)]);
        }

        if (!Enabled)
        {
            yield break;
        }

        if (BaseUrl is null || !BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttps && BaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult(
                $"{nameof(BaseUrl)} must be an absolute http(s) URL when Informz is enabled.", [nameof(BaseUrl)]);
        }

        if (string.IsNullOrWhiteSpace(BrandId) || !BrandId.Trim().All(char.IsAsciiDigit))
        {
            yield return new ValidationResult($"{nameof(BrandId)} must be the brand's numeric id when Informz is enabled.", [nameof(BrandId)]);
        }

        // The messages name the setting, never its value.
        if (string.IsNullOrWhiteSpace(User))
        {
            yield return new ValidationResult($"{nameof(User)} is required when Informz is enabled.", [nameof(User)]);
        }

        if (string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult($"{nameof(Password)} is required when Informz is enabled.", [nameof(Password)]);
        }
    }

    [GeneratedRegex(@"\A[A-Za-z_][A-Za-z0-9_]{0,63}\z")]
    private static partial Regex ColumnName();
}
