using System.Runtime.CompilerServices;
using System.Text.Json;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Pipeline.Webhooks;
using EmailIntegration.Vendors.Webhooks;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.Mailgun;

/// <summary>
/// A landed Mailgun webhook (<c>{signature, event-data}</c>, one event) into a tracking event.
/// Source: Mailgun, "Webhook Payloads" (https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/webhook-payloads)
/// and "Event Types" (https://documentation.mailgun.com/docs/mailgun/user-manual/events/event-types).
/// </summary>
/// <remarks>
/// delivered → Delivered; opened → Opened; clicked → LinkClicked (<c>url</c>); failed → Bounced, Hard for
/// <c>severity: permanent</c>, Soft for <c>temporary</c>; complained → SpamComplaint; unsubscribed → Unsubscribed.
/// accepted, rejected, stored and list events are not imported. The AMS id, mailing id and mailing type come from the
/// message's <c>user-variables</c>; without a mailing id the Message-Id header is the mailing. The event's own
/// <c>id</c> makes its event id.
/// </remarks>
public sealed class MailgunEventParser(IVendorDirectory directory, IOptions<WebhookOptions> options) : ITrackingParser
{
    public string Vendor => MailgunWebhookVerifier.ServiceName;

    public async IAsyncEnumerable<ParsedRecord> ParseAsync(
        Stream content, LandedFileName file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var document = await WebhookJson.ReadAsync(content, cancellationToken);
        var data = WebhookJson.Child(document.RootElement, "event-data");
        if (data.ValueKind != JsonValueKind.Object)
        {
            throw new UnreadableFileException("A Mailgun webhook body has an event-data object.");
        }

        var record = await ParseEventAsync(data, new WebhookRecipients(directory, Vendor, cancellationToken));
        if (record is { } parsed)
        {
            yield return parsed;
        }
    }

    private async ValueTask<ParsedRecord?> ParseEventAsync(JsonElement data, WebhookRecipients recipients)
    {
        const string position = "event-data";
        var settings = options.Value;
        var name = WebhookJson.Text(data, "event");
        BounceSeverity? bounce = null;
        TrackingEventKind kind;
        switch (name)
        {
            case "delivered": kind = TrackingEventKind.Delivered; break;
            case "opened": kind = TrackingEventKind.Opened; break;
            case "clicked": kind = TrackingEventKind.LinkClicked; break;
            case "complained": kind = TrackingEventKind.SpamComplaint; break;
            case "unsubscribed": kind = TrackingEventKind.Unsubscribed; break;
            case "failed":
                kind = TrackingEventKind.Bounced;
                bounce = WebhookJson.Text(data, "severity") == "permanent" ? BounceSeverity.Hard : BounceSeverity.Soft;
                break;
            case "accepted" or "rejected" or "stored" or "list_member_uploaded" or "list_member_upload_error" or "list_uploaded":
                return null;
            case null:
                return ParsedRecord.Reject(position, "no event name");
            default:
                return ParsedRecord.Reject(position, $"unknown Mailgun event '{(name.Length <= 40 ? name : name[..40])}'");
        }

        if (WebhookJson.UnixTime(data, "timestamp") is not { } at)
        {
            return ParsedRecord.Reject(position, "no readable timestamp");
        }

        var variables = WebhookJson.Child(data, "user-variables");
        var emailHash = recipients.Hash(WebhookJson.Text(data, "recipient"));
        var individualId = await recipients.IndividualAsync(WebhookJson.Text(variables, settings.IndividualIdField), emailHash);
        if (emailHash is null && individualId is null)
        {
            return ParsedRecord.Reject(position, "no recipient");
        }

        var headers = WebhookJson.Child(WebhookJson.Child(data, "message"), "headers");
        var mailingId = WebhookJson.Text(variables, settings.MailingIdField) ?? WebhookJson.Text(headers, "message-id") ?? "none";
        var mailingType = WebhookJson.Text(variables, settings.MailingTypeField);
        var url = kind == TrackingEventKind.LinkClicked ? WebhookJson.Text(data, "url") : null;
        if (kind == TrackingEventKind.LinkClicked && url is null)
        {
            return ParsedRecord.Reject(position, "a click without a url");
        }

        var deliveryStatus = WebhookJson.Child(data, "delivery-status");
        var status = WebhookJson.Text(deliveryStatus, "code");
        var reason = WebhookJson.Reason(WebhookJson.Text(deliveryStatus, "description") is { Length: > 0 } description
            ? description : WebhookJson.Text(deliveryStatus, "message") ?? WebhookJson.Text(data, "reason"));
        return ParsedRecord.Of(new TrackingEvent
        {
            EventId = WebhookJson.EventId(Vendor, mailingId, emailHash, individualId, kind, at, WebhookJson.Text(data, "id") ?? url),
            Vendor = Vendor,
            Kind = kind,
            IndividualId = individualId,
            MailingId = mailingId,
            MailingName = WebhookJson.Text(headers, "subject"),
            MailingType = mailingType,
            OccurredAt = at,
            Url = url,
            Status = bounce is null ? null : status,
            EmailGroup = kind == TrackingEventKind.Unsubscribed ? mailingType : null,
            Bounce = bounce,
            UserUnknown = bounce == BounceSeverity.Hard && WebhookJson.IsUserUnknown(reason, WebhookJson.Text(deliveryStatus, "message")),
            Reason = bounce is null ? null : reason,
            RecipientEmailHash = emailHash,
        });
    }
}
