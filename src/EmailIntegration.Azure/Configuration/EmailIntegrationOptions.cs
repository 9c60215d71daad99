using System.ComponentModel.DataAnnotations;

namespace EmailIntegration.Azure.Configuration;

/// <summary>
/// Names and switches read from app settings (root level, so the trigger attributes can use them
/// as <c>%LandingContainer%</c> and the like). infra/ sets each one in Azure.
/// </summary>
public sealed class EmailIntegrationOptions
{
    [Required, RegularExpression("^[a-z0-9-]{3,63}$")]
    public string LandingContainer { get; set; } = "landing";

    [Required, RegularExpression("^[a-z0-9-]{3,63}$")]
    public string QuarantineContainer { get; set; } = "quarantine";

    [Required, RegularExpression("^[a-z0-9-]{3,63}$")]
    public string TrackingQueue { get; set; } = "tracking";

    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    public string WatermarkTable { get; set; } = "Watermarks";

    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    public string RunLogTable { get; set; } = "RunLog";

    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    public string VendorDirectoryTable { get; set; } = "VendorDirectory";

    /// <summary>StorageQueue locally and in CI; ServiceBus in Azure.</summary>
    public TrackingTransport TrackingTransport { get; set; } = TrackingTransport.StorageQueue;

    /// <summary>Service Bus Standard allows 256 KB a message; leave room for headers and properties.</summary>
    [Range(16 * 1024, 256 * 1024)]
    public int ServiceBusMaxBodyBytes { get; set; } = 192 * 1024;
}

public enum TrackingTransport { StorageQueue, ServiceBus }

/// <summary>The Cosmos account (section "Cosmos").</summary>
public sealed class CosmosOptions
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
}
