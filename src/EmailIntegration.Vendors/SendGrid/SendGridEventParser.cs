using System.Runtime.CompilerServices;
using System.Text.Json;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Pipeline.Webhooks;
using EmailIntegration.Vendors.Webhooks;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.SendGrid;

/// <summary>
/// A landed SendGrid Event Webhook batch (a JSON array of events) into tracking events.
/// Source: Twilio SendGrid, "Event Webhook Reference" (https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>delivered → Delivered; open → Opened with <c>sg_machine_open</c> kept as <see cref="TrackingEvent.VendorFlaggedMachine"/>;
/// click → LinkClicked (<c>url</c>); bounce → Bounced, Hard for <c>type: bounce</c>, Soft for <c>type: blocked</c>;
/// spamreport → SpamComplaint; unsubscribe → Unsubscribed; group_unsubscribe → Unsubscribed from the mailing type (custom
/// argument) or else the unsubscribe group's id (<c>asm_group_id</c>); group_resubscribe ("the recipient resubscribes to a
/// specific group by updating their subscription preferences", same reference, with <c>asm_group_id</c>) → Resubscribed to
/// that group, found the same way.</item>
/// <item>processed, deferred and dropped are not imported: our event kinds have no send, retry or drop. An event name we do
/// not know is a bad record.</item>
/// <item>Custom arguments arrive as top-level fields of each event: the AMS id, our mailing id and mailing type are read
/// from the names configured in <see cref="WebhookOptions"/>. Without a mailing id the message is the mailing: the
/// <c>sg_message_id</c> up to <c>.filter</c> (SendGrid's X-Message-Id of the send).</item>
/// </list>
/// </remarks>
public sealed class SendGridEventParser(IVendorDirectory directory, IOptions<WebhookOptions> options) : ITrackingParser
{
    public string Vendor => SendGridWebhookVerifier.ServiceName;

    public async IAsyncEnumerable<ParsedRecord> ParseAsync(
        Stream content, LandedFileName file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var document = await WebhookJson.ReadAsync(content, cancellationToken);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new UnreadableFileException("A SendGrid event batch is a JSON array.");
        }

        var recipients = new WebhookRecipients(directory, Vendor, cancellationToken);
        var index = 0;
        foreach (var item in document.RootElement.EnumerateArray())
        {
            var position = $"event {index++}";
            if (item.ValueKind != JsonValueKind.Object)
            {
                yield return ParsedRecord.Reject(position, "not a JSON object");
                continue;
            }

            var record = await ParseEventAsync(item, position, recipients);
            if (record is { } parsed)
            {
                yield return parsed;
            }
        }
    }

    private async ValueTask<ParsedRecord?> ParseEventAsync(JsonElement item, string position, WebhookRecipients recipients)
    {
        var settings = options.Value;
        var name = WebhookJson.Text(item, "event");
        BounceSeverity? bounce = null;
        TrackingEventKind kind;
        switch (name)
        {
            case "delivered": kind = TrackingEventKind.Delivered; break;
            case "open": kind = TrackingEventKind.Opened; break;
            case "click": kind = TrackingEventKind.LinkClicked; break;
            case "spamreport": kind = TrackingEventKind.SpamComplaint; break;
            case "unsubscribe" or "group_unsubscribe": kind = TrackingEventKind.Unsubscribed; break;
            case "bounce":
                kind = TrackingEventKind.Bounced;
                bounce = WebhookJson.Text(item, "type") == "blocked" ? BounceSeverity.Soft : BounceSeverity.Hard;
                break;
            case "group_resubscribe": kind = TrackingEventKind.Resubscribed; break;
            case "processed" or "deferred" or "dropped":
                return null;
            case null:
                return ParsedRecord.Reject(position, "no event name");
            default:
                return ParsedRecord.Reject(position, $"unknown SendGrid event '{Shorten(name)}'");
        }

        if (WebhookJson.UnixTime(item, "timestamp") is not { } at)
        {
            return ParsedRecord.Reject(position, "no readable timestamp");
        }

        var emailHash = recipients.Hash(WebhookJson.Text(item, "email"));
        var individualId = await recipients.IndividualAsync(WebhookJson.Text(item, settings.IndividualIdField), emailHash);
        if (emailHash is null && individualId is null)
        {
            return ParsedRecord.Reject(position, "no recipient");
        }

        var mailingId = WebhookJson.Text(item, settings.MailingIdField) ?? MessageOf(WebhookJson.Text(item, "sg_message_id")) ?? "none";
        var mailingType = WebhookJson.Text(item, settings.MailingTypeField);
        var url = kind == TrackingEventKind.LinkClicked ? WebhookJson.Text(item, "url") : null;
        if (kind == TrackingEventKind.LinkClicked && url is null)
        {
            return ParsedRecord.Reject(position, "a click without a url");
        }

        var reason = WebhookJson.Reason(WebhookJson.Text(item, "reason"));
        var status = WebhookJson.Text(item, "status");
        return ParsedRecord.Of(new TrackingEvent
        {
            EventId = WebhookJson.EventId(Vendor, mailingId, emailHash, individualId, kind, at, WebhookJson.Text(item, "sg_event_id") ?? url),
            Vendor = Vendor,
            Kind = kind,
            IndividualId = individualId,
            MailingId = mailingId,
            MailingType = mailingType,
            OccurredAt = at,
            Url = url,
            Status = bounce is null ? null : status,
            EmailGroup = kind is TrackingEventKind.Unsubscribed or TrackingEventKind.Resubscribed
                ? mailingType ?? (name is "group_unsubscribe" or "group_resubscribe" ? WebhookJson.Text(item, "asm_group_id") : null)
                : null,
            Bounce = bounce,
            UserUnknown = bounce == BounceSeverity.Hard && WebhookJson.IsUserUnknown(status, reason),
            Reason = bounce is null ? null : reason,
            RecipientEmailHash = emailHash,
            VendorFlaggedMachine = kind == TrackingEventKind.Opened && WebhookJson.Flag(item, "sg_machine_open") == true,
        });
    }

    /// <summary>The send's X-Message-Id: sg_message_id is it followed by <c>.filter…</c> (or <c>.recvd-…</c>).</summary>
    private static string? MessageOf(string? sgMessageId)
    {
        if (string.IsNullOrEmpty(sgMessageId))
        {
            return null;
        }

        var cut = sgMessageId.IndexOf(".filter", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = sgMessageId.IndexOf(".recvd", StringComparison.Ordinal);
        }

        return cut > 0 ? sgMessageId[..cut] : sgMessageId;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
