using System.Globalization;
using EmailIntegration.Pipeline.Fetch;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.HighRoad;

/// <summary>One opt-out to tell HighRoad about.</summary>
/// <param name="IndividualId">The AMS individual id; may be null when only the address is known.</param>
/// <param name="Email">The address; written into the file only, never logged.</param>
/// <param name="Category">The opt-out category (the e-mail group, or e.g. "All").</param>
public sealed record HighRoadOptOut(string? IndividualId, string Email, string Category)
{
    // The address stays out of logs and exception messages that print the record.
    public override string ToString() => $"HighRoadOptOut {{ IndividualId = {IndividualId}, Category = {Category} }}";
}

/// <summary>
/// Writes opt-outs as a CSV (header: the column map's IndividualId and Email names and Outbound:OptOutCategoryColumn;
/// the configured delimiter) named <c>optouts-yyyyMMddTHHmmssZ.csv</c>, and pushes it with <see cref="HighRoadFilePusher"/>
/// (HTTPS POST to Outbound:OptOutUrl or SFTP to Outbound:OptOutRemoteDirectory).
/// </summary>
public sealed class HighRoadOptOutPublisher(HighRoadFilePusher pusher, IOptions<HighRoadOptions> options, TimeProvider time)
{
    /// <exception cref="VendorFetchException">Not configured, refused or failed.</exception>
    public Task<HighRoadUploadResult> PublishAsync(IReadOnlyCollection<HighRoadOptOut> optOuts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(optOuts);
        var content = WriteCsv(optOuts);
        var fileName = string.Create(CultureInfo.InvariantCulture, $"optouts-{time.GetUtcNow().UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.csv");
        return pusher.PushAsync(HighRoadUploadKind.OptOuts, fileName, content, optOuts.Count, cancellationToken);
    }

    /// <summary>The file's bytes.</summary>
    public byte[] WriteCsv(IEnumerable<HighRoadOptOut> optOuts)
    {
        ArgumentNullException.ThrowIfNull(optOuts);
        var o = options.Value;
        var format = HighRoadFormat.Create(o);
        var header = new[]
        {
            Or(o.Columns.IndividualId, "Individual ID"),
            Or(o.Columns.Email, "Email"),
            Or(o.Outbound.OptOutCategoryColumn, "Opt-Out Category"),
        };
        return HighRoadCsvWriter.Write(format.Delimiter, header,
            optOuts.Select(x => (IReadOnlyList<string?>)[x.IndividualId, x.Email.Trim(), x.Category]), o.Outbound.Utf8Bom);
    }

    private static string Or(string? value, string fallback) => string.IsNullOrWhiteSpace(value) ? fallback : value.Trim();
}
