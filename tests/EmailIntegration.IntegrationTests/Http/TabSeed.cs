using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;
using EmailIntegration.Pipeline.Apply;

namespace EmailIntegration.IntegrationTests.Http;

/// <summary>Child-form documents written straight to the store, dated so the newest-first order is known.</summary>
internal static class TabSeed
{
    public const string Vendor = "realmagnet";
    public const string OtherVendor = "informz";

    public static DateTimeOffset Day(int day) => new(2026, 3, day, 9, 30, 0, TimeSpan.Zero);

    /// <summary>
    /// Tracking on days 1..<paramref name="mailings"/> (mailing "m{day}", the odd days from the other vendor),
    /// two clicked links, one fax, one unsubscribe, and one each of bounce, customer action and interest activity
    /// (the communications are the tracking rows' deliveries).
    /// </summary>
    public static async Task SeedAsync(IIndividualDocumentStore store, string individualId, int mailings = 7)
    {
        var documents = new List<IndividualDocument>();
        for (var day = 1; day <= mailings; day++)
        {
            var vendor = day % 2 == 1 ? OtherVendor : Vendor;
            var tracking = new MailingTrackingDocument
            {
                Id = DocumentKeys.Tracking(vendor, $"m{day}"), IndividualId = individualId, Vendor = vendor, MailingId = $"m{day}",
            };
            tracking.Apply(Event(vendor, individualId, $"m{day}", TrackingEventKind.Delivered, Day(day)) with
            {
                MailingName = $"Mailing <{day}> & \"friends\"", MailingType = "Newsletter",
            });
            tracking.Apply(Event(vendor, individualId, $"m{day}", TrackingEventKind.Opened, Day(day).AddHours(2)));
            documents.Add(tracking);
        }

        foreach (var (url, day) in new[] { ("https://example.org/donate?a=1&b=2", 2), ("https://example.org/events", 4) })
        {
            var link = new LinkTrackingDocument
            {
                Id = DocumentKeys.LinkTracking(Vendor, $"m{day}", url), IndividualId = individualId, Vendor = Vendor, MailingId = $"m{day}", Url = url,
            };
            link.Apply(Event(Vendor, individualId, $"m{day}", TrackingEventKind.LinkClicked, Day(day).AddHours(3), url) with { Url = url, LinkLabel = "Donate" });
            documents.Add(link);
        }

        var fax = new FaxTrackingDocument
        {
            Id = DocumentKeys.FaxTracking(Vendor, "f1", "+1 555 0100"), IndividualId = individualId, Vendor = Vendor, MailingId = "f1", FaxNumber = "+1 555 0100",
        };
        fax.Apply(Event(Vendor, individualId, "f1", TrackingEventKind.FaxSent, Day(3), "fax") with { FaxNumber = "+1 555 0100", Status = "Sent", MailingName = "Board fax" });
        documents.Add(fax);

        var unsubscribe = new UnsubscribeDocument
        {
            Id = DocumentKeys.Unsubscribe(Vendor, "m2", "Newsletter"), IndividualId = individualId, Vendor = Vendor, MailingId = "m2",
        };
        unsubscribe.Apply(Event(Vendor, individualId, "m2", TrackingEventKind.Unsubscribed, Day(5)) with { EmailGroup = "Newsletter" });
        documents.Add(unsubscribe);

        // One row each of correspondence and engagement.
        var bounceEvent = Event(Vendor, individualId, "m4", TrackingEventKind.Bounced, Day(4).AddHours(1)) with
        {
            Bounce = BounceSeverity.Soft, Status = "MailboxFull", Reason = "452 mailbox full",
        };
        var bounce = new BounceDocument
        {
            Id = DocumentKeys.Bounce(Vendor, "m4", bounceEvent.EventId), IndividualId = individualId, Vendor = Vendor, MailingId = "m4",
        };
        bounce.Apply(bounceEvent);
        documents.Add(bounce);

        const string amsUrl = "https://www.example-association.org/events/gala";
        var click = Event(Vendor, individualId, "m6", TrackingEventKind.LinkClicked, Day(6).AddHours(1), amsUrl) with { Url = amsUrl };
        var action = new CustomerActionDocument
        {
            Id = DocumentKeys.CustomerAction(Vendor, "m6", amsUrl), IndividualId = individualId, Vendor = Vendor, MailingId = "m6", Url = amsUrl,
        };
        // A person's click: scored from its first click (the projection does this from the mailing's classified clicks).
        var personsClick = new LinkActivity(amsUrl, PersonClicks: 1, MachineClicks: 0, click.OccurredAt, click.OccurredAt, MachineReason: null);
        action.Apply(click);
        action.Follow(personsClick);
        documents.Add(action);
        var interest = new InterestActivityDocument
        {
            Id = DocumentKeys.InterestActivity(Vendor, "m6", amsUrl, "EVENTS"), IndividualId = individualId, Vendor = Vendor, MailingId = "m6",
            Url = amsUrl, InterestCode = "EVENTS",
        };
        interest.Apply(click);
        interest.Follow(personsClick);
        documents.Add(interest);

        await store.SaveAsync(individualId, documents, DocumentSnapshot.Empty, default);
    }

    private static TrackingEvent Event(
        string vendor, string individualId, string mailingId, TrackingEventKind kind, DateTimeOffset at, string? discriminator = null) => new()
    {
        EventId = EventIdentity.For(vendor, mailingId, individualId, kind, at, discriminator),
        Vendor = vendor,
        Kind = kind,
        IndividualId = individualId,
        MailingId = mailingId,
        OccurredAt = at,
    };
}
