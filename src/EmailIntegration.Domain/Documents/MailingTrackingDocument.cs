using EmailIntegration.Domain.Events;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.Domain.Documents;

/// <summary>
/// The Tracking child form: one row per (vendor, mailing) with received and first-opened dates. It is also the mailing's
/// activity ledger: every open and click with its time and own machine signal, so whether each was a person's or a
/// machine's is decided here, from everything known about the mailing, whatever order the events came in (see
/// <see cref="MachineActivityRules"/>). Clicks land here as well as on their link rows for that reason: this document is
/// the one every delivery, open and click of the mailing writes, so its ETag orders them.
/// </summary>
public sealed class MailingTrackingDocument : MailingRowDocument
{
    public string? MailingName { get; set; }

    public string? MailingType { get; set; }

    public DateTimeOffset? ReceivedAt { get; set; }

    public DateTimeOffset? OpenedAt { get; set; }

    /// <summary>Set once the mailing has a delivery or an open: the Tracking form's rows. A mailing known only from clicks has none.</summary>
    public DateTimeOffset? TrackedAt { get; set; }

    /// <summary>Gross opens: vendors report every open, and each distinct open event counts.</summary>
    public int OpenCount { get; set; }

    /// <summary>Opens no machine signal fired for.</summary>
    public int PersonOpenCount { get; set; }

    /// <summary>Opens a machine made (a privacy proxy, a scanner); kept and counted, never scored.</summary>
    public int MachineOpenCount { get; set; }

    /// <summary>The reason of the earliest machine open (see <see cref="MachineActivityRules"/>).</summary>
    public string? MachineOpenReason { get; set; }

    /// <summary><c>person</c> when a person opened it, <c>machine</c> when only machines did, null without opens.</summary>
    public string? Activity { get; set; }

    public string? DescriptorKey { get; set; }

    /// <summary>Every open (time and own signal), in canonical order.</summary>
    public List<RecordedActivity> Opens { get; set; } = [];

    /// <summary>Every click per link (ordinal URL order), each in canonical order.</summary>
    public List<LinkClicks> Clicks { get; set; } = [];

    protected override void ApplyNew(TrackingEvent trackingEvent, EffectRules rules)
    {
        var machine = rules.MachineActivity;
        switch (trackingEvent.Kind)
        {
            case TrackingEventKind.Delivered:
                ReceivedAt = Earliest(ReceivedAt, trackingEvent.OccurredAt);
                break;
            case TrackingEventKind.Opened:
                OpenedAt = Earliest(OpenedAt, trackingEvent.OccurredAt);
                OpenCount++;
                Insert(Opens, new RecordedActivity(trackingEvent.OccurredAt, machine.OwnSignalOf(trackingEvent)));
                break;
            case TrackingEventKind.LinkClicked when trackingEvent.Url is { Length: > 0 } url:
                var index = Clicks.BinarySearch(new LinkClicks { Url = url }, LinkClicks.ByUrl);
                if (index < 0)
                {
                    Clicks.Insert(index = ~index, new LinkClicks { Url = url });
                }

                Insert(Clicks[index].Clicks, new RecordedActivity(trackingEvent.OccurredAt, machine.OwnSignalOf(trackingEvent)));
                break;
            default:
                throw new ArgumentException($"A tracking row does not take {trackingEvent.Kind} events.", nameof(trackingEvent));
        }

        // A delivery describes the mailing better than an open does, and an open better than a click.
        var rank = trackingEvent.Kind switch { TrackingEventKind.Delivered => "0|", TrackingEventKind.Opened => "1|", _ => "2|" };
        var key = rank + Descriptor.KeyOf(trackingEvent);
        if (trackingEvent.MailingName is not null && Descriptor.Wins(key, DescriptorKey))
        {
            DescriptorKey = key;
            MailingName = trackingEvent.MailingName;
            MailingType = trackingEvent.MailingType;
        }

        ClassifyOpens(machine);
        TrackedAt = ReceivedAt ?? OpenedAt;

        // An open with no delivery still shows the row, dated by its first open until the delivery arrives.
        SortAt = TrackedAt ?? Clicks.SelectMany(l => l.Clicks).Min(c => c.At);
    }

    /// <summary>Per clicked link: its person and machine clicks, decided over all clicks of the mailing.</summary>
    public IReadOnlyList<LinkActivity> LinkActivities(MachineActivityRules rules)
    {
        var all = Clicks.SelectMany(l => l.Clicks.Select(c => (l.Url, Click: c))).ToList();
        var reasons = rules.MachineReasonsOfClicks(all, ReceivedAt, Vendor);
        return all.Select((c, i) => (c.Url, c.Click, Reason: reasons[i]))
            .GroupBy(c => c.Url, StringComparer.Ordinal)
            .Select(g =>
            {
                var machine = g.Where(c => c.Reason is not null).ToList();
                var person = g.Where(c => c.Reason is null).ToList();
                return new LinkActivity(
                    g.Key,
                    person.Count,
                    machine.Count,
                    g.Min(c => c.Click.At),
                    person.Count > 0 ? person.Min(c => c.Click.At) : null,
                    machine.OrderBy(c => c.Click.At).ThenBy(c => c.Reason, StringComparer.Ordinal).Select(c => c.Reason).FirstOrDefault());
            })
            .ToList();
    }

    private void ClassifyOpens(MachineActivityRules rules)
    {
        int person = 0, machine = 0;
        string? reason = null;
        foreach (var open in Opens)
        {
            if (rules.MachineReasonOfOpen(open, ReceivedAt, Vendor) is { } machineReason)
            {
                machine++;
                reason ??= machineReason;
            }
            else
            {
                person++;
            }
        }

        PersonOpenCount = person;
        MachineOpenCount = machine;
        MachineOpenReason = reason;
        Activity = MachineActivityRules.MarkerOf(person, machine);
    }

    private static void Insert(List<RecordedActivity> ledger, RecordedActivity activity)
    {
        var index = ledger.BinarySearch(activity, RecordedActivity.Order);
        ledger.Insert(index < 0 ? ~index : index, activity);
    }
}

/// <summary>The clicks on one link of a mailing.</summary>
public sealed class LinkClicks
{
    public static readonly IComparer<LinkClicks> ByUrl = Comparer<LinkClicks>.Create((a, b) => string.CompareOrdinal(a.Url, b.Url));

    public required string Url { get; init; }

    public List<RecordedActivity> Clicks { get; set; } = [];
}

/// <summary>What a mailing's clicks on one link amount to, once each is classified.</summary>
/// <param name="FirstPersonClickAt">Null when only machines clicked: nothing on this link is scored.</param>
/// <param name="MachineReason">The reason of the earliest machine click; null when there is none.</param>
public sealed record LinkActivity(
    string Url, int PersonClicks, int MachineClicks, DateTimeOffset FirstClickAt, DateTimeOffset? FirstPersonClickAt, string? MachineReason);

/// <summary>A document whose person/machine state follows the classification of its link's clicks.</summary>
public interface IFollowsLinkActivity
{
    string Url { get; }

    /// <summary>Takes the link's classified activity; returns whether anything changed.</summary>
    bool Follow(LinkActivity activity);
}
