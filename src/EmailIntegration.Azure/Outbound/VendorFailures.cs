using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Outbound;
using EmailIntegration.Vendors.HighRoad;

namespace EmailIntegration.Azure.Outbound;

/// <summary>
/// Translates a vendor client's failure into <see cref="VendorPushException"/>: permanent when the vendor refused the
/// request (HTTP 4xx other than 408/429, a refused login or SOAP client fault, an outbound target not configured),
/// transient otherwise (5xx, 408, 429 and transport errors after the client's own retries, timeouts).
/// </summary>
public static class VendorFailures
{
    public static VendorPushException From(string vendor, Exception exception) => exception switch
    {
        VendorPushException push => push,
        VendorFetchException fetch => new VendorPushException(vendor, fetch.Detail, fetch.IsPermanent, fetch),
        HighRoadTransferException transfer => new VendorPushException(vendor, transfer.Message,
            transfer.Kind == VendorFailureKind.Permanent, transfer),
        _ => new VendorPushException(vendor, $"failed: {exception.GetType().Name}", permanent: false, exception),
    };
}
