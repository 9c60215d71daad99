using System.Globalization;
using System.Text.RegularExpressions;

namespace EmailIntegration.Pipeline.Serve;

/// <summary>
/// The paging and filter values of a request, validated. Messages name the parameter and the rule,
/// never echo the value (it could be anything, an e-mail address included).
/// </summary>
/// <param name="To">Exclusive upper bound.</param>
public sealed partial record PageRequest(
    int PageSize = PageRequest.DefaultPageSize,
    string? ContinuationToken = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? Vendor = null)
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;

    public static PageRequest FirstPage { get; } = new();

    /// <summary>Parses the raw query values; throws <see cref="InvalidRequestException"/> for any that is malformed.</summary>
    public static PageRequest Parse(string? pageSize, string? continuationToken, string? from, string? to, string? vendor)
    {
        var size = DefaultPageSize;
        if (!string.IsNullOrEmpty(pageSize)
            && (!int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPageSize))
        {
            throw new InvalidRequestException("pageSize", $"The page size must be a whole number from 1 to {MaxPageSize}.");
        }

        var fromTime = ParseTime("from", from);
        var toTime = ParseTime("to", to);
        if (fromTime is { } f && toTime is { } t && f >= t)
        {
            throw new InvalidRequestException("to", "'to' must be later than 'from'.");
        }

        if (!string.IsNullOrEmpty(vendor) && !VendorPattern().IsMatch(vendor))
        {
            throw new InvalidRequestException("vendor", "The vendor must be 1 to 32 letters, digits or '-'.");
        }

        return new PageRequest(
            size, string.IsNullOrEmpty(continuationToken) ? null : continuationToken, fromTime, toTime,
            string.IsNullOrEmpty(vendor) ? null : vendor.ToLowerInvariant());
    }

    /// <summary>ISO-8601: a date (midnight UTC) or a date and time, with 'Z' or an offset (UTC when it has neither).</summary>
    private static DateTimeOffset? ParseTime(string parameter, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (IsoPattern().IsMatch(value) && DateTimeOffset.TryParse(
            value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time.ToUniversalTime();
        }

        throw new InvalidRequestException(parameter, $"'{parameter}' must be an ISO-8601 date or date-time, e.g. 2026-01-31 or 2026-01-31T14:00:00Z.");
    }

    [GeneratedRegex(@"\A\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex IsoPattern();

    [GeneratedRegex(@"\A[A-Za-z0-9-]{1,32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex VendorPattern();
}

/// <summary>A request the client must fix (HTTP 400).</summary>
public sealed class InvalidRequestException(string parameter, string message) : Exception(message)
{
    public string Parameter { get; } = parameter;
}
