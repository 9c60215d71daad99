using System.Runtime.CompilerServices;
using System.Text.Json;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Pipeline.Webhooks;
using EmailIntegration.Vendors.Webhooks;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.Postmark;

/// <summary>
/// A landed Postmark webhook (one JSON object, <c>RecordType</c> names it) into a tracking event.
/// Sources: Postmark webhook docs — Delivery, Bounce, Spam complaint, Open, Click and Subscription change webhooks
/// (https://postmarkapp.com/developer/webhooks/webhooks-overview and the pages it links), and the examples on
/// https://postmarkapp.com/email-webhooks.
/// </summary>
/// <remarks>
/// Delivery → Delivered (<c>DeliveredAt</c>); Bounce → Bounced (<c>BouncedAt</c>), Hard for <c>HardBounce</c> and
/// <c>BadEmailAddress</c> (both "the address does not exist": user unknown), Soft otherwise; SpamComplaint → SpamComplaint;
/// Open → Opened and Click → LinkClicked (<c>ReceivedAt</c>, <c>OriginalLink</c>); SubscriptionChange with
/// <c>SuppressSending: true</c> → Unsubscribed for a manual suppression, Suppressed for a hard bounce, SpamComplaint for a
/// complaint; with <c>SuppressSending: false</c> (a reactivation: "the recipient was reactivated", Subscription change
/// webhook, https://postmarkapp.com/developer/webhooks/subscription-change-webhook) → Resubscribed to the mailing type in
/// <c>Metadata</c> (none there: no type is opted back in). The AMS id, mailing id and mailing type come from <c>Metadata</c>;
/// without a mailing id the MessageID is the mailing.
/// </remarks>
public sealed class PostmarkEventParser(IVendorDirectory directory, IOptions<WebhookOptions> options) : ITrackingParser
{
    public string Vendor => PostmarkWebhookVerifier.ServiceName;

    public async IAsyncEnumerable<ParsedRecord> ParseAsync(
        Stream content, LandedFileName file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var document = await WebhookJson.ReadAsync(content, cancellationToken);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new UnreadableFileException("A Postmark webhook body is a JSON object.");
        }

        var record = await ParseEventAsync(document.RootElement, new WebhookRecipients(directory, Vendor, cancellationToken));
        if (record is { } parsed)
        {
            yield return parsed;
        }
    }

    private async ValueTask<ParsedRecord?> ParseEventAsync(JsonElement item, WebhookRecipients recipients)
    {
        var position = "record";
        var settings = options.Value;
        var recordType = WebhookJson.Text(item, "RecordType");
        var bounceType = WebhookJson.Text(item, "Type");
        BounceSeverity? bounce = null;
        TrackingEventKind kind;
        string timeField = "ReceivedAt", emailField = "Recipient";
        switch (recordType)
        {
            case "Delivery": kind = TrackingEventKind.Delivered; timeField = "DeliveredAt"; break;
            case "Open": kind = TrackingEventKind.Opened; break;
            case "Click": kind = TrackingEventKind.LinkClicked; break;
            case "SpamComplaint": kind = TrackingEventKind.SpamComplaint; timeField = "BouncedAt"; emailField = "Email"; break;
            case "Bounce":
                kind = TrackingEventKind.Bounced;
                timeField = "BouncedAt";
                emailField = "Email";
                bounce = bounceType is "HardBounce" or "BadEmailAddress" ? BounceSeverity.Hard : BounceSeverity.Soft;
                break;
            case "SubscriptionChange":
                timeField = "ChangedAt";
                switch (WebhookJson.Flag(item, "SuppressSending"))
                {
                    case false: kind = TrackingEventKind.Resubscribed; break;
                    case null: return null;
                    default: kind = SuppressionKind(WebhookJson.Text(item, "SuppressionReason")); break;
                }

                break;
            case null:
                return ParsedRecord.Reject(position, "no RecordType");
            default:
                return ParsedRecord.Reject(position, $"unknown Postmark RecordType '{(recordType.Length <= 40 ? recordType : recordType[..40])}'");
        }

        if (WebhookJson.IsoTime(item, timeField) is not { } at)
        {
            return ParsedRecord.Reject(position, $"no readable {timeField}");
        }

        var metadata = WebhookJson.Child(item, "Metadata");
        var emailHash = recipients.Hash(WebhookJson.Text(item, emailField) ?? WebhookJson.Text(item, "Email"));
        var individualId = await recipients.IndividualAsync(WebhookJson.Text(metadata, settings.IndividualIdField), emailHash);
        if (emailHash is null && individualId is null)
        {
            return ParsedRecord.Reject(position, "no recipient");
        }

        var mailingId = WebhookJson.Text(metadata, settings.MailingIdField) ?? WebhookJson.Text(item, "MessageID") ?? "none";
        var mailingType = WebhookJson.Text(metadata, settings.MailingTypeField);
        var url = kind == TrackingEventKind.LinkClicked ? WebhookJson.Text(item, "OriginalLink") : null;
        if (kind == TrackingEventKind.LinkClicked && url is null)
        {
            return ParsedRecord.Reject(position, "a click without an OriginalLink");
        }

        var reason = bounce is null ? null : WebhookJson.Reason(WebhookJson.Text(item, "Description") ?? WebhookJson.Text(item, "Details"));
        return ParsedRecord.Of(new TrackingEvent
        {
            // A bounce or complaint has Postmark's own ID; other records are known by what they say.
            EventId = WebhookJson.EventId(Vendor, mailingId, emailHash, individualId, kind, at, WebhookJson.Text(item, "ID") ?? url),
            Vendor = Vendor,
            Kind = kind,
            IndividualId = individualId,
            MailingId = mailingId,
            MailingName = WebhookJson.Text(item, "Subject"),
            MailingType = mailingType,
            OccurredAt = at,
            Url = url,
            Status = bounce is null ? null : bounceType,
            EmailGroup = kind is TrackingEventKind.Unsubscribed or TrackingEventKind.Resubscribed ? mailingType : null,
            Bounce = bounce,
            UserUnknown = bounce == BounceSeverity.Hard,
            Reason = reason,
            RecipientEmailHash = emailHash,
        });
    }

    /// <summary>What a suppression (<c>SuppressSending: true</c>) means, by its <c>SuppressionReason</c>.</summary>
    private static TrackingEventKind SuppressionKind(string? reason) => reason switch
    {
        "HardBounce" => TrackingEventKind.Suppressed,
        "SpamComplaint" => TrackingEventKind.SpamComplaint,
        _ => TrackingEventKind.Unsubscribed,
    };
}
