using EmailIntegration.Domain.Events;

namespace EmailIntegration.UnitTests.Domain;

/// <summary>Builds normalized events the way a parser would: the id is a hash of what makes the record unique.</summary>
internal static class TrackingEvents
{
    public const string Vendor = "realmagnet";

    public static readonly DateTimeOffset T0 = new(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);

    public static TrackingEvent Delivered(string individualId, string mailingId, DateTimeOffset at,
        string? mailingName = "November newsletter", string? mailingType = "Newsletter") =>
        Make(TrackingEventKind.Delivered, individualId, mailingId, at) with { MailingName = mailingName, MailingType = mailingType };

    public static TrackingEvent Opened(string individualId, string mailingId, DateTimeOffset at, string? mailingName = null) =>
        Make(TrackingEventKind.Opened, individualId, mailingId, at) with { MailingName = mailingName };

    public static TrackingEvent Clicked(string individualId, string mailingId, string url, DateTimeOffset at,
        string? label = null, string? mailingName = null) =>
        Make(TrackingEventKind.LinkClicked, individualId, mailingId, at, url) with
        {
            Url = url, LinkLabel = label, MailingName = mailingName,
        };

    public static TrackingEvent Fax(string individualId, string mailingId, string faxNumber, DateTimeOffset at, string status) =>
        Make(TrackingEventKind.FaxSent, individualId, mailingId, at, faxNumber + "|" + status) with
        {
            FaxNumber = faxNumber, Status = status,
        };

    public static TrackingEvent Unsubscribed(string individualId, string mailingId, string? emailGroup, DateTimeOffset at) =>
        Make(TrackingEventKind.Unsubscribed, individualId, mailingId, at, emailGroup) with { EmailGroup = emailGroup };

    public static TrackingEvent Resubscribed(string individualId, string mailingId, string? emailGroup, DateTimeOffset at) =>
        Make(TrackingEventKind.Resubscribed, individualId, mailingId, at, emailGroup) with { EmailGroup = emailGroup };

    public static TrackingEvent Make(
        TrackingEventKind kind, string? individualId, string mailingId, DateTimeOffset at, string? discriminator = null) => new()
    {
        EventId = EventIdentity.For(Vendor, mailingId, individualId ?? "no-individual", kind, at, discriminator),
        Vendor = Vendor,
        Kind = kind,
        IndividualId = individualId,
        MailingId = mailingId,
        OccurredAt = at,
    };
}
