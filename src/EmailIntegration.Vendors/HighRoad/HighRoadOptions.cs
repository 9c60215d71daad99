using System.ComponentModel.DataAnnotations;

namespace EmailIntegration.Vendors.HighRoad;

/// <summary>Where the nightly fetch gets HighRoad's tracking export from.</summary>
public enum HighRoadSource
{
    /// <summary>GET <see cref="HighRoadOptions.HttpsUrl"/> for the window: one CSV file.</summary>
    Https,

    /// <summary>Every file in <see cref="HighRoadSftpOptions.RemoteDirectory"/> written in the window.</summary>
    Sftp,

    /// <summary>No fetch: operators upload the export straight into the landing container (see the README).</summary>
    Drop,
}

/// <summary>How outbound files (opt-outs, blast recipients) are pushed to HighRoad.</summary>
public enum HighRoadUploadTarget
{
    Https,
    Sftp,
}

/// <summary>
/// Settings of the HighRoad adapter, bound from <c>Vendors:HighRoad</c>. HighRoad publishes no API specification, so the
/// adapter reads a CSV export whose layout is configured here: the delimiter, the column map (which header names hold which
/// field), the kind map (the file's event values → our event kinds), the date format and the time zone of the dates.
/// </summary>
/// <remarks>
/// Secrets (<see cref="HttpsPassword"/>, <see cref="HighRoadSftpOptions.Password"/>, <see cref="HighRoadSftpOptions.PrivateKey"/>,
/// <see cref="HighRoadSftpOptions.PrivateKeyPassphrase"/>) are only handed to the HTTP Authorization header or the SSH
/// client; they are never logged or put into an exception message. The layout settings are validated at start-up by
/// <see cref="HighRoadOptionsValidator"/>.
/// </remarks>
public sealed class HighRoadOptions : IValidatableObject, IVendorRetryOptions
{
    public const string SectionName = "Vendors:HighRoad";

    /// <summary>The default kind map: HighRoad's usual activity names (compared case-insensitively).</summary>
    public const string DefaultKindMap =
        "sent=Delivered; open=Opened; click=LinkClicked; fax=FaxSent; unsubscribe=Unsubscribed; "
        + "hard bounce=Bounced:Hard; soft bounce=Bounced:Soft; spam=SpamComplaint";

    /// <summary>Bounce reasons that mean "the address does not exist" (case-insensitive substrings, ';'-separated).</summary>
    public const string DefaultUserUnknownMarkers = "user unknown; unknown user; no such user; 5.1.1; does not exist; invalid recipient";

    public bool Enabled { get; set; }

    public HighRoadSource Source { get; set; } = HighRoadSource.Https;

    /// <summary>
    /// Export URL for <see cref="HighRoadSource.Https"/>. May contain <c>{from}</c>, <c>{to}</c> (the window's start and end
    /// dates, yyyy-MM-dd, end exclusive) and <c>{toInclusive}</c> (the window's last day). Keep credentials out of it: use
    /// <see cref="HttpsUserName"/>/<see cref="HttpsPassword"/>.
    /// </summary>
    public string? HttpsUrl { get; set; }

    /// <summary>HTTP Basic user for the export and the uploads; optional.</summary>
    public string? HttpsUserName { get; set; }

    /// <summary>Secret. HTTP Basic password; required with <see cref="HttpsUserName"/>.</summary>
    public string? HttpsPassword { get; set; }

    public HighRoadSftpOptions Sftp { get; set; } = new();

    /// <summary>One character; <c>tab</c> or <c>\t</c> for a tab. Used for reading the export and writing uploads.</summary>
    public string Delimiter { get; set; } = ",";

    /// <summary>Which header name holds which field (compared case-insensitively).</summary>
    public HighRoadColumnMap Columns { get; set; } = new();

    /// <summary>
    /// <c>value=Kind</c> pairs separated by ';': the file's event values (case-insensitive) → Delivered, Opened, LinkClicked,
    /// FaxSent, Unsubscribed, Bounced (optionally <c>Bounced:Hard</c> / <c>Bounced:Soft</c>), SpamComplaint, Suppressed.
    /// A single string so that it is one app setting in Azure (setting names cannot hold the file's values).
    /// </summary>
    [Required]
    public string KindMap { get; set; } = DefaultKindMap;

    /// <summary>A .NET custom date format of the date column; with <c>zzz</c>/<c>K</c> the value's own offset is used.</summary>
    [Required]
    public string DateFormat { get; set; } = "yyyy-MM-dd HH:mm:ss";

    /// <summary>IANA time zone id of dates without an offset (e.g. <c>America/New_York</c>); default UTC.</summary>
    [Required]
    public string TimeZone { get; set; } = "UTC";

    /// <summary>';'-separated, case-insensitive substrings of a bounce's reason/status that mean "user unknown".</summary>
    public string UserUnknownMarkers { get; set; } = DefaultUserUnknownMarkers;

    /// <summary>First run (no watermark): fetch this many days before today.</summary>
    [Range(1, 366)]
    public int InitialLookbackDays { get; set; } = 7;

    /// <summary>A single run fetches at most this many days; a backlog is caught up over several runs.</summary>
    [Range(1, 366)]
    public int MaxWindowDays { get; set; } = 31;

    /// <summary>A larger export file fails the fetch (each file is held in memory once while it is landed).</summary>
    [Range(1, 1024)]
    public int MaxFileMegabytes { get; set; } = 256;

    /// <summary>Total time for one HTTP call, retries and body included.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "02:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Time for one attempt to get the response headers; must be shorter than <see cref="Timeout"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Retries after the first attempt on 408/429/5xx and transport errors.</summary>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>Base of the exponential back-off (with jitter); a Retry-After header takes precedence.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:05:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public HighRoadOutboundOptions Outbound { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AttemptTimeout >= Timeout)
        {
            yield return new ValidationResult(
                $"{nameof(AttemptTimeout)} must be shorter than {nameof(Timeout)}.", [nameof(AttemptTimeout), nameof(Timeout)]);
        }
    }
}

/// <summary>The header names of the export's columns. Empty = the file has no such column.</summary>
public sealed class HighRoadColumnMap
{
    /// <summary>The AMS individual id (HighRoad's member / custom id). This or <see cref="Email"/> is required.</summary>
    public string? IndividualId { get; set; } = "Individual ID";

    /// <summary>The recipient's address: only ever hashed (<c>EmailHash.Of</c>) into events.</summary>
    public string? Email { get; set; } = "Email";

    /// <summary>Required.</summary>
    public string? MailingId { get; set; } = "Mailing ID";

    public string? MailingName { get; set; } = "Mailing Name";

    /// <summary>Required: the value the <see cref="HighRoadOptions.KindMap"/> translates.</summary>
    public string? EventKind { get; set; } = "Event";

    /// <summary>Required: read with <see cref="HighRoadOptions.DateFormat"/> in <see cref="HighRoadOptions.TimeZone"/>.</summary>
    public string? Date { get; set; } = "Date";

    public string? Url { get; set; } = "URL";

    /// <summary>The e-mail group (the AMS mailing type); the group an unsubscribe applies to.</summary>
    public string? EmailGroup { get; set; } = "Email Group";

    public string? FaxNumber { get; set; } = "Fax Number";

    /// <summary>The send / fax status, verbatim.</summary>
    public string? Status { get; set; } = "Status";

    /// <summary>The bounce or failure reason, verbatim; when empty a bounce's reason is its status.</summary>
    public string? Reason { get; set; } = "Reason";

    /// <summary>(setting name, header name) of every configured column.</summary>
    public IEnumerable<(string Field, string Header)> Configured()
    {
        foreach (var (field, header) in new (string, string?)[]
                 {
                     (nameof(IndividualId), IndividualId), (nameof(Email), Email), (nameof(MailingId), MailingId),
                     (nameof(MailingName), MailingName), (nameof(EventKind), EventKind), (nameof(Date), Date), (nameof(Url), Url),
                     (nameof(EmailGroup), EmailGroup), (nameof(FaxNumber), FaxNumber), (nameof(Status), Status), (nameof(Reason), Reason),
                 })
        {
            if (!string.IsNullOrWhiteSpace(header))
            {
                yield return (field, header.Trim());
            }
        }
    }
}

/// <summary>SFTP settings, for the fetch (<see cref="HighRoadSource.Sftp"/>) and for uploads.</summary>
public sealed class HighRoadSftpOptions
{
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 22;

    public string? UserName { get; set; }

    /// <summary>Secret. This or <see cref="PrivateKey"/>.</summary>
    public string? Password { get; set; }

    /// <summary>Secret. The private key's text (OpenSSH / PEM), e.g. a Key Vault reference.</summary>
    public string? PrivateKey { get; set; }

    /// <summary>Secret. The private key's passphrase, if it has one.</summary>
    public string? PrivateKeyPassphrase { get; set; }

    /// <summary>The server's host key SHA-256 fingerprint as <c>ssh-keygen -lf</c> prints it (with or without <c>SHA256:</c>).</summary>
    public string? HostKeySha256 { get; set; }

    /// <summary>Skip the host key check (local testing only); otherwise <see cref="HostKeySha256"/> is required.</summary>
    public bool AllowAnyHostKey { get; set; }

    /// <summary>Where the exports are; the fetch takes every file matching <see cref="FilePattern"/> written in the window.</summary>
    public string RemoteDirectory { get; set; } = "/";

    /// <summary>File-name pattern with <c>*</c> and <c>?</c> (case-insensitive).</summary>
    public string FilePattern { get; set; } = "*.csv";

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Outbound files: opt-outs and blast recipients.</summary>
public sealed class HighRoadOutboundOptions
{
    public HighRoadUploadTarget Target { get; set; } = HighRoadUploadTarget.Https;

    /// <summary>HTTPS POST endpoint for opt-out files (<see cref="HighRoadUploadTarget.Https"/>).</summary>
    public Uri? OptOutUrl { get; set; }

    /// <summary>HTTPS POST endpoint for recipient files (<see cref="HighRoadUploadTarget.Https"/>).</summary>
    public Uri? RecipientUrl { get; set; }

    /// <summary>SFTP directory for opt-out files (<see cref="HighRoadUploadTarget.Sftp"/>).</summary>
    public string OptOutRemoteDirectory { get; set; } = "/optouts";

    /// <summary>SFTP directory for recipient files (<see cref="HighRoadUploadTarget.Sftp"/>).</summary>
    public string RecipientRemoteDirectory { get; set; } = "/recipients";

    /// <summary>Header of the opt-out category column; the id and e-mail columns use the column map's names.</summary>
    public string OptOutCategoryColumn { get; set; } = "Opt-Out Category";

    /// <summary>Start uploaded files with a UTF-8 byte order mark (some spreadsheet-minded importers want one).</summary>
    public bool Utf8Bom { get; set; }
}
