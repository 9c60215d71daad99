using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Pipeline.Outbound;

/// <summary>
/// Accepts blasts (POST /api/blasts): validate, land the request in Blob, write the status Accepted, queue the blast id.
/// A re-post of the same blast (same id and content) changes nothing and answers the current status (the same id with other
/// content is a conflict); if it is still Accepted the
/// message is queued again, which covers a crash between the status and the queue (pushing is idempotent on the status).
/// </summary>
public sealed class BlastService(
    IBlastStore blasts,
    IBlastStatusStore statuses,
    IOutboundQueue queue,
    IEnumerable<IOutboundVendor> vendors,
    IOptions<OutboundOptions> options,
    TimeProvider time,
    ILogger<BlastService> logger)
{
    /// <exception cref="Serve.InvalidRequestException">The request is not valid.</exception>
    public async Task<BlastStatus> AcceptAsync(BlastRequest? request, CancellationToken cancellationToken)
    {
        var blast = BlastRequestValidator.Validate(request, vendors, options.Value.MaxRecipients);
        var blastId = blast.BlastId ?? OutboundIds.BlastId(blast);
        blast = blast with { BlastId = blastId };

        if (await statuses.GetAsync(blastId, cancellationToken) is { } existing)
        {
            await EnsureSameContentAsync(blastId, blast, cancellationToken);
            logger.LogInformation("Blast {BlastId} was already accepted ({Status})", blastId, existing.Status);
            if (existing.Status == BlastState.Accepted)
            {
                await queue.SendAsync(OutboundMessage.Blast(blastId), cancellationToken);
            }

            return existing;
        }

        if (!await blasts.LandAsync(blastId, blast, cancellationToken))
        {
            // Landed before (a crash before the status, or a post racing this one): only the same content goes on.
            await EnsureSameContentAsync(blastId, blast, cancellationToken);
        }

        var now = time.GetUtcNow();
        var status = new BlastStatus(blastId, blast.Vendor!, blast.MailingType!, BlastState.Accepted, blast.Recipients!.Count, 0, 0, null, 0, now, now)
        {
            Kind = blast.Kind ?? Domain.Rules.BlastKind.Marketing,
        };
        if (!await statuses.TryAddAsync(status, cancellationToken))
        {
            // The same blast posted twice at once: the other request queues it.
            return await statuses.GetAsync(blastId, cancellationToken) ?? status;
        }

        await queue.SendAsync(OutboundMessage.Blast(blastId), cancellationToken);
        logger.LogInformation("Blast {BlastId} accepted: {Recipients} recipients for {Vendor}", blastId, status.Recipients, status.Vendor);
        return status;
    }

    /// <exception cref="BlastConflictException">The id is taken by a blast with other content.</exception>
    private async Task EnsureSameContentAsync(string blastId, BlastRequest blast, CancellationToken cancellationToken)
    {
        var landed = await blasts.ReadAsync(blastId, cancellationToken);
        if (landed is null || OutboundIds.BlastId(landed) != OutboundIds.BlastId(blast))
        {
            throw new BlastConflictException(blastId);
        }
    }

    public Task<BlastStatus?> GetStatusAsync(string blastId, CancellationToken cancellationToken) =>
        statuses.GetAsync(blastId, cancellationToken);
}

/// <summary>A blast id that is already taken by a blast with other content (HTTP 409); says nothing of either content.</summary>
public sealed class BlastConflictException(string blastId)
    : Exception($"The blast id {blastId} is already used by a blast with other content; choose a new id.")
{
    public string BlastId { get; } = blastId;
}
