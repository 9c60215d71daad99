using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Pipeline.Operations;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Azure.Landing;

/// <summary>
/// The quarantine container. Layout: <c>files/{landed name}</c> (a copy of an unreadable file) with
/// <c>files/{landed name}.reason.json</c>; <c>bad-records/{landed name}.json</c>;
/// <c>unmatched/{landed name}.json</c>; <c>messages/{message id}.json</c>.
/// </summary>
public sealed class BlobQuarantine(BlobServiceClient blobs, IOptions<EmailIntegrationOptions> options) : IQuarantine, IQuarantineReader
{
    private readonly BlobContainerClient landing = blobs.GetBlobContainerClient(options.Value.LandingContainer);
    private readonly BlobContainerClient quarantine = blobs.GetBlobContainerClient(options.Value.QuarantineContainer);

    public async Task QuarantineFileAsync(string landedFileName, string reason, CancellationToken cancellationToken)
    {
        var source = landing.GetBlobClient(landedFileName);
        await using (var content = await source.OpenReadAsync(cancellationToken: cancellationToken))
        {
            await quarantine.GetBlobClient($"files/{landedFileName}").UploadAsync(content, overwrite: true, cancellationToken);
        }

        await WriteJsonAsync($"files/{landedFileName}.reason.json",
            new { landedFile = landedFileName, reason, quarantinedAt = DateTimeOffset.UtcNow }, cancellationToken);
    }

    public Task ReportBadRecordsAsync(string landedFileName, IReadOnlyList<BadRecord> badRecords, CancellationToken cancellationToken) =>
        WriteJsonAsync($"bad-records/{landedFileName}.json", new { landedFile = landedFileName, badRecords }, cancellationToken);

    public Task HoldUnmatchedAsync(string landedFileName, IReadOnlyList<TrackingEvent> events, CancellationToken cancellationToken) =>
        WriteJsonAsync($"unmatched/{landedFileName}.json", new { landedFile = landedFileName, events }, cancellationToken);

    public Task RejectMessageAsync(string messageId, ReadOnlyMemory<byte> body, string reason, CancellationToken cancellationToken) =>
        WriteJsonAsync($"messages/{messageId}.json",
            new { messageId, reason, rejectedAt = DateTimeOffset.UtcNow, body = Convert.ToBase64String(body.Span) }, cancellationToken);

    public async Task<IReadOnlyList<BadRecord>> ReadBadRecordsAsync(string landedFileName, int limit, CancellationToken cancellationToken)
    {
        var blob = quarantine.GetBlobClient($"bad-records/{landedFileName}.json");
        try
        {
            var content = (await blob.DownloadContentAsync(cancellationToken)).Value.Content;
            var report = JsonSerializer.Deserialize<BadRecordsReport>(content.ToMemory().Span, TrackingMessage.Json);
            return report?.BadRecords?.Take(limit).ToList() ?? [];
        }
        catch (global::Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            return [];
        }
    }

    private sealed record BadRecordsReport(string? LandedFile, IReadOnlyList<BadRecord>? BadRecords);

    private async Task WriteJsonAsync(string name, object value, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, TrackingMessage.Json);
        await quarantine.GetBlobClient(name).UploadAsync(new BinaryData(bytes), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
        }, cancellationToken);
    }
}
