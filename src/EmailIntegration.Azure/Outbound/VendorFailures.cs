using System.Collections;
using System.Net;
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
        VendorFetchException fetch => new VendorPushException(vendor, WithoutVendor(fetch), IsPermanent(fetch), fetch),
        HighRoadTransferException transfer => new VendorPushException(vendor, transfer.Message,
            IsPermanent(transfer.StatusCode) || transfer.Message.Contains("not configured", StringComparison.Ordinal), transfer),
        _ => new VendorPushException(vendor, $"failed: {exception.GetType().Name}", permanent: false, exception),
    };

    public static bool IsPermanent(HttpStatusCode? status) =>
        status is { } s && (int)s is >= 400 and < 500 && s is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests);

    private static bool IsPermanent(VendorFetchException fetch) =>
        IsPermanent(((IDictionary)fetch.Data).Values.OfType<HttpStatusCode>().Cast<HttpStatusCode?>().FirstOrDefault())
        || fetch.Message.Contains(" was refused", StringComparison.Ordinal);

    private static string WithoutVendor(VendorFetchException fetch) =>
        fetch.Message.StartsWith(fetch.Vendor + ": ", StringComparison.Ordinal) ? fetch.Message[(fetch.Vendor.Length + 2)..] : fetch.Message;
}
