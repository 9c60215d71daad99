using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Outbound;

namespace EmailIntegration.Vendors;

/// <summary>
/// Translates a vendor client's failure into <see cref="VendorPushException"/> for the outbound adapters: a
/// <see cref="VendorFetchException"/> keeps its typed kind (permanent when the vendor refused the request: HTTP 4xx other than
/// 408/429, a refused login or SOAP client fault, an outbound target not configured; transient otherwise: 5xx, 408, 429 and
/// transport errors after the client's own retries, timeouts); anything else is transient.
/// </summary>
public static class VendorFailures
{
    public static VendorPushException From(string vendor, Exception exception) => exception switch
    {
        VendorPushException push => push,
        VendorFetchException fetch => new VendorPushException(vendor, fetch.Detail, fetch.IsPermanent, fetch),
        _ => new VendorPushException(vendor, $"failed: {exception.GetType().Name}", permanent: false, exception),
    };
}
