using System.ComponentModel.DataAnnotations;

namespace EmailIntegration.Azure.Configuration;

/// <summary>
/// Names and switches read from app settings (root level, so the trigger attributes can use them
/// as <c>%LandingContainer%</c> and the like). infra/ sets each one in Azure.
/// </summary>
public sealed class EmailIntegrationOptions
{
    [Required, RegularExpression(@"\A[a-z0-9-]{3,63}\z")]
    public string LandingContainer { get; set; } = "landing";

    [Required, RegularExpression(@"\A[a-z0-9-]{3,63}\z")]
    public string QuarantineContainer { get; set; } = "quarantine";

    [Required, RegularExpression(@"\A[a-z0-9-]{3,63}\z")]
    public string TrackingQueue { get; set; } = "tracking";

    [Required, RegularExpression(@"\A[A-Za-z][A-Za-z0-9]{2,62}\z")]
    public string WatermarkTable { get; set; } = "Watermarks";

    [Required, RegularExpression(@"\A[A-Za-z][A-Za-z0-9]{2,62}\z")]
    public string RunLogTable { get; set; } = "RunLog";

    [Required, RegularExpression(@"\A[A-Za-z][A-Za-z0-9]{2,62}\z")]
    public string VendorDirectoryTable { get; set; } = "VendorDirectory";

    /// <summary>StorageQueue locally and in CI; ServiceBus in Azure.</summary>
    public TrackingTransport TrackingTransport { get; set; } = TrackingTransport.StorageQueue;

    /// <summary>Service Bus Standard allows 256 KB a message; leave room for headers and properties.</summary>
    [Range(16 * 1024, 256 * 1024)]
    public int ServiceBusMaxBodyBytes { get; set; } = 192 * 1024;
}

public enum TrackingTransport { StorageQueue, ServiceBus }

/// <summary>The Cosmos account (section "Cosmos").</summary>
public sealed class CosmosOptions : IValidatableObject
{
    [Required]
    public Uri? Endpoint { get; set; }

    /// <summary>Only for the local emulator; in Azure the managed identity is used and this stays empty.</summary>
    public string? Key { get; set; }

    [Required]
    public string Database { get; set; } = "emailintegration";

    [Required]
    public string Container { get; set; } = "individuals";

    /// <summary>The local emulator serves a self-signed certificate. Never set in Azure.</summary>
    public bool AcceptSelfSignedCertificate { get; set; }

    /// <summary>Any certificate is accepted only from a loopback endpoint (the local emulator), never from a real account.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AcceptSelfSignedCertificate && !EmailIntegration.Vendors.VendorEndpoints.IsLoopback(Endpoint?.Host))
        {
            yield return new ValidationResult(
                "Cosmos:AcceptSelfSignedCertificate is only for a loopback endpoint (the local emulator).", [nameof(AcceptSelfSignedCertificate)]);
        }
    }
}
