using System.Runtime.CompilerServices;
using System.Text.Json;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Pipeline.Webhooks;
using EmailIntegration.Vendors.Webhooks;
using Microsoft.Extensions.Options;

namespace EmailIntegration.Vendors.Ses;

/// <summary>
/// A landed SNS notification carrying an Amazon SES notification or event (its <c>Message</c> is the SES JSON) into
/// tracking events, one per recipient it names.
/// Sources: Amazon SES Developer Guide, "Amazon SNS notification contents for Amazon SES"
/// (https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html), "Amazon SNS notification examples for Amazon SES"
/// (https://docs.aws.amazon.com/ses/latest/dg/notification-examples.html) and the event publishing contents
/// (https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html).
/// </summary>
/// <remarks>
/// <c>notificationType</c> (or, with event publishing, <c>eventType</c>): Delivery → Delivered per
/// <c>delivery.recipients</c>; Bounce → Bounced per <c>bouncedRecipients</c>, Hard for <c>bounceType: Permanent</c>, Soft
/// otherwise; Complaint → SpamComplaint per <c>complainedRecipients</c>; Open → Opened and Click → LinkClicked for the
/// mail's destination; Subscription → Unsubscribed per topic opted out (or from all). Send, Reject, DeliveryDelay and
/// Rendering Failure are not imported. The AMS id, mailing id and mailing type come from the message tags
/// (<c>mail.tags</c>, set at send time); without a mailing id the SES message id is the mailing.
/// </remarks>
public sealed class SesEventParser(IVendorDirectory directory, IOptions<WebhookOptions> options) : ITrackingParser
{
    public string Vendor => SesWebhookVerifier.ServiceName;

    public async IAsyncEnumerable<ParsedRecord> ParseAsync(
        Stream content, LandedFileName file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var envelope = await WebhookJson.ReadAsync(content, cancellationToken);
        if (WebhookJson.Text(envelope.RootElement, "Type") != "Notification" || WebhookJson.Text(envelope.RootElement, "Message") is not { } message)
        {
            throw new UnreadableFileException("An SES landed file is an SNS Notification with a Message.");
        }

        JsonDocument ses;
        try
        {
            ses = JsonDocument.Parse(message, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException)
        {
            throw new UnreadableFileException("The SNS Message is not SES JSON.");
        }

        using (ses)
        {
            var recipients = new WebhookRecipients(directory, Vendor, cancellationToken);
            foreach (var record in await ParseAsync(ses.RootElement, recipients))
            {
                yield return record;
            }
        }
    }

    private async Task<List<ParsedRecord>> ParseAsync(JsonElement root, WebhookRecipients recipients)
    {
        var settings = options.Value;
        var records = new List<ParsedRecord>();
        var type = WebhookJson.Text(root, "notificationType") ?? WebhookJson.Text(root, "eventType");
        var mail = WebhookJson.Child(root, "mail");
        var tags = WebhookJson.Child(mail, "tags");
        string? Tag(string name) =>
            tags.ValueKind == JsonValueKind.Object && tags.TryGetProperty(name, out var values) && values.ValueKind == JsonValueKind.Array
                && values.GetArrayLength() > 0 && values[0].ValueKind == JsonValueKind.String
                ? values[0].GetString()
                : null;

        var mailingId = Tag(settings.MailingIdField) ?? WebhookJson.Text(mail, "messageId") ?? "none";
        var mailingType = Tag(settings.MailingTypeField);
        var attachedId = Tag(settings.IndividualIdField);
        var subject = WebhookJson.Text(WebhookJson.Child(mail, "commonHeaders"), "subject");

        async Task AddAsync(string position, TrackingEventKind kind, string? email, DateTimeOffset? at, string? discriminator,
            Func<TrackingEvent, TrackingEvent>? complete = null)
        {
            if (at is null)
            {
                records.Add(ParsedRecord.Reject(position, "no readable timestamp"));
                return;
            }

            var emailHash = recipients.Hash(email);
            var individualId = await recipients.IndividualAsync(attachedId, emailHash);
            if (emailHash is null && individualId is null)
            {
                records.Add(ParsedRecord.Reject(position, "no recipient"));
                return;
            }

            var trackingEvent = new TrackingEvent
            {
                EventId = WebhookJson.EventId(Vendor, mailingId, emailHash, individualId, kind, at.Value, discriminator),
                Vendor = Vendor,
                Kind = kind,
                IndividualId = individualId,
                MailingId = mailingId,
                MailingName = subject,
                MailingType = mailingType,
                OccurredAt = at.Value,
                RecipientEmailHash = emailHash,
            };
            records.Add(ParsedRecord.Of(complete is null ? trackingEvent : complete(trackingEvent)));
        }

        IEnumerable<(int Index, JsonElement Item)> Each(JsonElement array) =>
            array.ValueKind == JsonValueKind.Array ? array.EnumerateArray().Select((item, index) => (index, item)) : [];

        IEnumerable<string?> Destinations() => Each(WebhookJson.Child(mail, "destination"))
            .Select(d => d.Item.ValueKind == JsonValueKind.String ? d.Item.GetString() : null);

        switch (type)
        {
            case "Delivery":
                var delivery = WebhookJson.Child(root, "delivery");
                foreach (var (index, item) in Each(WebhookJson.Child(delivery, "recipients")))
                {
                    await AddAsync($"delivery.recipients[{index}]", TrackingEventKind.Delivered,
                        item.ValueKind == JsonValueKind.String ? item.GetString() : null, WebhookJson.IsoTime(delivery, "timestamp"), null);
                }

                break;
            case "Bounce":
                var bounce = WebhookJson.Child(root, "bounce");
                var severity = WebhookJson.Text(bounce, "bounceType") == "Permanent" ? BounceSeverity.Hard : BounceSeverity.Soft;
                foreach (var (index, item) in Each(WebhookJson.Child(bounce, "bouncedRecipients")))
                {
                    var status = WebhookJson.Text(item, "status");
                    var diagnostic = WebhookJson.Reason(WebhookJson.Text(item, "diagnosticCode")) ?? WebhookJson.Text(bounce, "bounceSubType");
                    await AddAsync($"bounce.bouncedRecipients[{index}]", TrackingEventKind.Bounced, WebhookJson.Text(item, "emailAddress"),
                        WebhookJson.IsoTime(bounce, "timestamp"), WebhookJson.Text(bounce, "feedbackId"),
                        e => e with
                        {
                            Bounce = severity,
                            Status = status,
                            Reason = diagnostic,
                            UserUnknown = severity == BounceSeverity.Hard
                                && (WebhookJson.IsUserUnknown(status, diagnostic) || WebhookJson.Text(bounce, "bounceSubType") == "NoEmail"),
                        });
                }

                break;
            case "Complaint":
                var complaint = WebhookJson.Child(root, "complaint");
                foreach (var (index, item) in Each(WebhookJson.Child(complaint, "complainedRecipients")))
                {
                    await AddAsync($"complaint.complainedRecipients[{index}]", TrackingEventKind.SpamComplaint,
                        WebhookJson.Text(item, "emailAddress"), WebhookJson.IsoTime(complaint, "timestamp"), WebhookJson.Text(complaint, "feedbackId"));
                }

                break;
            case "Open":
                var open = WebhookJson.Child(root, "open");
                foreach (var email in Destinations())
                {
                    await AddAsync("open", TrackingEventKind.Opened, email, WebhookJson.IsoTime(open, "timestamp"), null);
                }

                break;
            case "Click":
                var click = WebhookJson.Child(root, "click");
                var link = WebhookJson.Text(click, "link");
                if (link is null)
                {
                    records.Add(ParsedRecord.Reject("click", "a click without a link"));
                    break;
                }

                foreach (var email in Destinations())
                {
                    await AddAsync("click", TrackingEventKind.LinkClicked, email, WebhookJson.IsoTime(click, "timestamp"), link, e => e with { Url = link });
                }

                break;
            case "Subscription":
                var subscription = WebhookJson.Child(root, "subscription");
                var preferences = WebhookJson.Child(subscription, "newTopicPreferences");
                var groups = WebhookJson.Flag(preferences, "unsubscribeAll") == true
                    ? [mailingType]
                    : Each(WebhookJson.Child(preferences, "topicSubscriptionStatus"))
                        .Where(t => WebhookJson.Text(t.Item, "subscriptionStatus") == "OptOut")
                        .Select(t => WebhookJson.Text(t.Item, "topicName"))
                        .ToList();
                foreach (var group in groups)
                {
                    foreach (var email in Destinations())
                    {
                        await AddAsync("subscription", TrackingEventKind.Unsubscribed, email, WebhookJson.IsoTime(subscription, "timestamp"), group,
                            e => e with { EmailGroup = group });
                    }
                }

                break;
            case "Send" or "Reject" or "DeliveryDelay" or "Rendering Failure":
                break;
            default:
                records.Add(ParsedRecord.Reject("notificationType", "not an SES notification or event type we know"));
                break;
        }

        return records;
    }
}
