using System.Globalization;
using System.Text.RegularExpressions;
using EmailIntegration.Pipeline.Fetch;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.HighRoad;

/// <summary>
/// Writes a blast's recipients (each an already-mapped field dictionary: column name → value) as a CSV with the
/// configured delimiter, named <c>recipients-{blastId}-yyyyMMddTHHmmssZ.csv</c>, and pushes it with
/// <see cref="HighRoadFilePusher"/> (HTTPS POST to Outbound:RecipientUrl or SFTP to Outbound:RecipientRemoteDirectory).
/// </summary>
public sealed partial class HighRoadRecipientExporter(HighRoadFilePusher pusher, IOptions<HighRoadOptions> options, TimeProvider time)
{
    /// <param name="columns">The header, in order; default: every field name in first-seen order.</param>
    /// <exception cref="VendorFetchException">Not configured, refused or failed.</exception>
    public Task<HighRoadUploadResult> ExportAsync(
        string blastId,
        IReadOnlyList<IReadOnlyDictionary<string, string?>> recipients,
        CancellationToken cancellationToken,
        IReadOnlyList<string>? columns = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(blastId);
        ArgumentNullException.ThrowIfNull(recipients);
        var content = WriteCsv(recipients, columns);
        var fileName = string.Create(CultureInfo.InvariantCulture,
            $"recipients-{Unsafe().Replace(blastId.Trim(), "_")}-{time.GetUtcNow().UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.csv");
        return pusher.PushAsync(HighRoadUploadKind.Recipients, fileName, content, recipients.Count, cancellationToken);
    }

    /// <summary>The file's bytes; a field missing from a recipient is empty.</summary>
    public byte[] WriteCsv(IReadOnlyList<IReadOnlyDictionary<string, string?>> recipients, IReadOnlyList<string>? columns = null)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        var header = columns ?? recipients.SelectMany(r => r.Keys).Distinct(StringComparer.Ordinal).ToList();
        if (header.Count == 0)
        {
            throw new ArgumentException("The recipients have no fields and no columns were given.", nameof(recipients));
        }

        var o = options.Value;
        var delimiter = HighRoadFormat.Create(o).Delimiter;
        return HighRoadCsvWriter.Write(delimiter, header,
            recipients.Select(r => (IReadOnlyList<string?>)header.Select(h => r.TryGetValue(h, out var v) ? v : null).ToList()),
            o.Outbound.Utf8Bom);
    }

    [GeneratedRegex("[^A-Za-z0-9_-]", RegexOptions.CultureInvariant)]
    private static partial Regex Unsafe();
}
