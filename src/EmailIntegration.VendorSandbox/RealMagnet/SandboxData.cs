namespace EmailIntegration.VendorSandbox.RealMagnet;

/// <summary>
/// A Real Magnet recipient; <see cref="IndividualId"/> is its Custom Member ID (AMS id), null for a few non-AMS recipients;
/// <see cref="Fax"/> for the recipients that take faxes.
/// </summary>
public sealed record SandboxIndividual(long RecipientId, string? IndividualId, string Email, string? Fax = null);

public sealed record SandboxGroup(int GroupId, string GroupName);

public sealed record SandboxLink(string Url, string Label, string Text);

/// <param name="GroupIds">GroupsMessageIsSentTo; the first is the mailing type.</param>
/// <param name="RecipientIds">Who it was sent to.</param>
public sealed record SandboxMailing(
    int MessageId,
    string Name,
    IReadOnlyList<int> GroupIds,
    DateTimeOffset DateCreated,
    DateTimeOffset SentAt,
    IReadOnlyList<SandboxLink> Links,
    IReadOnlyList<long> RecipientIds);

/// <summary>
/// A detailed-tracking row: a send with its <c>Status</c> (the WSDL's EmailStatus: Delivered or a bounce code) at
/// <see cref="Date"/>, or an open (Status Delivered) at <see cref="Date"/> = its OpenDate.
/// </summary>
public sealed record SandboxActivity(int MessageId, long RecipientId, string Status, DateTimeOffset Date)
{
    public bool IsDelivery => Status == "Delivered";

    public bool IsBounce => Status != "Delivered";
}

/// <summary>A fax of a mailing to a recipient, with the WSDL's FaxStatus (Delivered, Failed, Inprogress).</summary>
public sealed record SandboxFax(int MessageId, long RecipientId, string FaxNumber, string Status, DateTimeOffset Date)
{
    /// <summary>In progress has no result yet: no row is expected.</summary>
    public bool HasResult => Status != "Inprogress";
}

/// <summary>A <c>recp_unsubscribe</c>: an unsubscribe from a group (GetUnsubscribes) or a spam complaint (getSpamComplaints).</summary>
public sealed record SandboxUnsubscribe(long RecipientId, int MessageId, string MessageName, string GroupName, DateTimeOffset Date);

/// <summary>A recipient whose e-mail the vendor suppressed, and when.</summary>
public sealed record SandboxSuppression(long RecipientId, DateTimeOffset Date);

public sealed record SandboxClick(int MessageId, long RecipientId, SandboxLink Link, DateTimeOffset Date);

/// <summary>Events a correct fetch + parse must produce for one individual.</summary>
public sealed record ExpectedCounts(
    int Delivered, int Bounced, int Opened, int Clicked, int Faxed = 0, int Unsubscribed = 0, int Suppressed = 0, int Complained = 0)
{
    public int Total => Delivered + Bounced + Opened + Clicked + Faxed + Unsubscribed + Suppressed + Complained;
}

/// <summary>
/// Generated, deterministic Real Magnet account data for <see cref="RealMagnetSandbox"/>: recipients, groups, mailings sent
/// over the 6 days before <see cref="Today"/>, deliveries (~95 %), bounces with every EmailStatus bounce code, gross opens
/// (0–4 per delivered recipient), clicks, faxes to the recipients with a fax number, unsubscribes from the mailings' groups,
/// spam complaints and suppressed addresses. Every timestamp is whole milliseconds (the API's precision) and strictly
/// before <see cref="Today"/> 00:00 UTC.
/// </summary>
public sealed class SandboxData
{
    /// <summary>The WSDL's EmailStatus values that are bounces (every one of them occurs in generated data).</summary>
    public static readonly string[] BounceStatuses = ["SB", "HB", "UNF", "TU", "MF", "BD", "Failed"];

    private static readonly string[] FaxStatuses = ["Delivered", "Delivered", "Delivered", "Failed", "Inprogress"];

    private static readonly string[] GroupNames = ["Newsletter", "Events", "Advocacy"];

    private static readonly SandboxLink[] LinkPool =
    [
        new("https://www.example-association.org/events/annual-conference", "Conference registration", "Register now"),
        new("https://www.example-association.org/membership/renew", "Renew membership", "Renew today"),
        new("https://www.example-association.org/advocacy/action-center", "Action center", "Take action"),
        new("https://www.example-association.org/news/latest", "Latest news", "Read more"),
        new("https://www.example-association.org/learning/webinars?utm_source=email&utm_medium=realmagnet", "Webinars", "See webinars"),
        new("https://www.linkedin.com/company/example-association", "LinkedIn", "Follow us on LinkedIn"),
        new("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "Video", "Watch the video"),
        new("https://www.congress.gov/bill/118th-congress/house-bill/1234", "Bill text", "Read the bill"),
    ];

    private SandboxData(
        DateTimeOffset today,
        IReadOnlyList<SandboxIndividual> individuals,
        IReadOnlyList<SandboxGroup> groups,
        IReadOnlyList<SandboxMailing> mailings,
        IReadOnlyList<SandboxActivity> sends,
        IReadOnlyList<SandboxActivity> opens,
        IReadOnlyList<SandboxClick> clicks,
        IReadOnlyList<SandboxFax> faxes,
        IReadOnlyList<SandboxUnsubscribe> unsubscribes,
        IReadOnlyList<SandboxUnsubscribe> spamComplaints,
        IReadOnlyList<SandboxSuppression> suppressions)
    {
        Faxes = faxes;
        Unsubscribes = unsubscribes;
        SpamComplaints = spamComplaints;
        Suppressions = suppressions;
        Today = today;
        Individuals = individuals;
        Groups = groups;
        Mailings = mailings;
        Sends = sends;
        Opens = opens;
        Clicks = clicks;
        byRecipient = individuals.ToDictionary(i => i.RecipientId);
    }

    private readonly Dictionary<long, SandboxIndividual> byRecipient;

    /// <summary>00:00 UTC of the day the data was generated for; nothing happens on or after it.</summary>
    public DateTimeOffset Today { get; }

    public IReadOnlyList<SandboxIndividual> Individuals { get; }

    public IReadOnlyList<SandboxGroup> Groups { get; }

    public IReadOnlyList<SandboxMailing> Mailings { get; }

    /// <summary>Reports email_delivered (Status Delivered) and email_bounced (the bounce codes).</summary>
    public IReadOnlyList<SandboxActivity> Sends { get; }

    /// <summary>Report email_opened: a row per open (gross opens).</summary>
    public IReadOnlyList<SandboxActivity> Opens { get; }

    public IReadOnlyList<SandboxClick> Clicks { get; }

    /// <summary>Report fax_all.</summary>
    public IReadOnlyList<SandboxFax> Faxes { get; }

    /// <summary>GetUnsubscribes.</summary>
    public IReadOnlyList<SandboxUnsubscribe> Unsubscribes { get; }

    /// <summary>getSpamComplaints (SOAP).</summary>
    public IReadOnlyList<SandboxUnsubscribe> SpamComplaints { get; }

    /// <summary>GetSuppressedRecipients.</summary>
    public IReadOnlyList<SandboxSuppression> Suppressions { get; }

    /// <summary>AMS ids of the recipients that have one.</summary>
    public IReadOnlyList<string> IndividualIds => Individuals.Where(i => i.IndividualId is not null).Select(i => i.IndividualId!).ToList();

    /// <summary>Recipients without a Custom Member ID: their events are unmatched.</summary>
    public IReadOnlyList<long> UnmatchedRecipientIds => Individuals.Where(i => i.IndividualId is null).Select(i => i.RecipientId).ToList();

    public SandboxIndividual Recipient(long recipientId) => byRecipient[recipientId];

    public SandboxMailing Mailing(int messageId) => Mailings.Single(m => m.MessageId == messageId);

    /// <summary>The mailing type of a message: the name of its first group.</summary>
    public string? MailingType(int messageId) =>
        Mailing(messageId).GroupIds.Select(g => Groups.FirstOrDefault(x => x.GroupId == g)?.GroupName).FirstOrDefault();

    /// <summary>Expected events per AMS individual for activity in [from, to) (default: everything).</summary>
    public IReadOnlyDictionary<string, ExpectedCounts> ExpectedCountsByIndividual(DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        bool In(DateTimeOffset d) => (from is null || d >= from) && (to is null || d < to);
        var result = new SortedDictionary<string, ExpectedCounts>(StringComparer.Ordinal);
        foreach (var individual in Individuals.Where(i => i.IndividualId is not null))
        {
            result[individual.IndividualId!] = new ExpectedCounts(0, 0, 0, 0);
        }

        void Add(long recipientId, Func<ExpectedCounts, ExpectedCounts> add)
        {
            if (byRecipient[recipientId].IndividualId is { } id)
            {
                result[id] = add(result[id]);
            }
        }

        foreach (var s in Sends.Where(s => In(s.Date)))
        {
            Add(s.RecipientId, c => s.IsDelivery ? c with { Delivered = c.Delivered + 1 } : c with { Bounced = c.Bounced + 1 });
        }

        foreach (var o in Opens.Where(o => In(o.Date)))
        {
            Add(o.RecipientId, c => c with { Opened = c.Opened + 1 });
        }

        foreach (var k in Clicks.Where(k => In(k.Date)))
        {
            Add(k.RecipientId, c => c with { Clicked = c.Clicked + 1 });
        }

        foreach (var f in Faxes.Where(f => f.HasResult && In(f.Date)))
        {
            Add(f.RecipientId, c => c with { Faxed = c.Faxed + 1 });
        }

        foreach (var u in Unsubscribes.Where(u => In(u.Date)))
        {
            Add(u.RecipientId, c => c with { Unsubscribed = c.Unsubscribed + 1 });
        }

        foreach (var u in SpamComplaints.Where(u => In(u.Date)))
        {
            Add(u.RecipientId, c => c with { Complained = c.Complained + 1 });
        }

        foreach (var u in Suppressions.Where(u => In(u.Date)))
        {
            Add(u.RecipientId, c => c with { Suppressed = c.Suppressed + 1 });
        }

        return result;
    }

    /// <summary>Generates the data deterministically from <paramref name="seed"/>.</summary>
    /// <param name="today">Any time of the day; the data ends before its 00:00 UTC.</param>
    public static SandboxData Generate(int seed, DateTimeOffset today, int individuals = 300, int mailings = 6)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(individuals, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(mailings, 0);
        var random = new Random(seed);
        var midnight = new DateTimeOffset(today.UtcDateTime.Date, TimeSpan.Zero);

        // Recipients: RM ids are large longs; AMS ids "IND-000123" (unique, with gaps); ~2% without one.
        var people = new List<SandboxIndividual>(individuals);
        long recipientId = 2_744_000_000L + random.Next(1_000, 9_000);
        var amsNumber = random.Next(100, 200);
        string[] first = ["ann", "bob", "carla", "dev", "emma", "farid", "grace", "hiro", "ines", "jamal", "kim", "luis"];
        string[] last = ["smith", "nguyen", "garcia", "okafor", "muller", "rossi", "khan", "chen", "silva", "brown"];
        for (var i = 0; i < individuals; i++)
        {
            recipientId += random.Next(1, 40);
            amsNumber += random.Next(1, 4);
            var hasAmsId = random.NextDouble() >= 0.02;
            var email = $"{first[random.Next(first.Length)]}.{last[random.Next(last.Length)]}{i}@example.org";
            var fax = random.NextDouble() < 0.15 ? $"+1-202-555-{random.Next(10_000):D4}" : null;
            people.Add(new SandboxIndividual(recipientId, hasAmsId ? $"IND-{amsNumber:D6}" : null, email, fax));
        }

        var groupCount = random.Next(2, 4);
        var groups = Enumerable.Range(0, groupCount).Select(g => new SandboxGroup(1001 + (g * 17), GroupNames[g])).ToList();

        var mailingList = new List<SandboxMailing>();
        var sends = new List<SandboxActivity>();
        var opens = new List<SandboxActivity>();
        var clicks = new List<SandboxClick>();
        var messageId = 480_000 + random.Next(100, 900);
        var bounces = 0;
        var faxes = new List<SandboxFax>();
        var unsubscribes = new List<SandboxUnsubscribe>();
        var complaints = new List<SandboxUnsubscribe>();
        var suppressions = new List<SandboxSuppression>();
        var byId = people.ToDictionary(p => p.RecipientId);
        for (var m = 0; m < mailings; m++)
        {
            messageId += random.Next(3, 30);
            var group = groups[random.Next(groups.Count)];
            var groupIds = random.NextDouble() < 0.25
                ? new List<int> { group.GroupId, groups.First(g => g.GroupId != group.GroupId).GroupId }
                : [group.GroupId];

            // Sent on one of the 6 days before today, in office hours (UTC).
            var sentAt = Ms(midnight.AddDays(-random.Next(1, 7)).AddHours(random.Next(8, 18)).AddMinutes(random.Next(60)));
            var links = LinkPool.OrderBy(_ => random.Next()).Take(random.Next(2, 5)).ToList();
            var share = 0.5 + (random.NextDouble() * 0.4);
            var recipients = people.Where(_ => random.NextDouble() < share).Select(p => p.RecipientId).ToList();
            mailingList.Add(new SandboxMailing(
                messageId, $"{group.GroupName} {sentAt:MMMM d}", groupIds,
                Ms(sentAt.AddDays(-random.Next(1, 4)).AddMinutes(-random.Next(600))), sentAt, links, recipients));

            var name = mailingList[^1].Name;
            foreach (var recipient in recipients)
            {
                if (byId[recipient].Fax is { } faxNumber)
                {
                    faxes.Add(new SandboxFax(messageId, recipient, faxNumber, FaxStatuses[random.Next(FaxStatuses.Length)],
                        Ms(sentAt.AddSeconds(random.Next(60, 3600)))));
                }

                var at = Ms(sentAt.AddSeconds(random.Next(5, 1800)));
                if (random.NextDouble() >= 0.95)
                {
                    sends.Add(new SandboxActivity(messageId, recipient, BounceStatuses[bounces++ % BounceStatuses.Length], at));
                    continue;
                }

                sends.Add(new SandboxActivity(messageId, recipient, "Delivered", at));
                var openCount = random.NextDouble() switch
                {
                    < 0.50 => 0,
                    < 0.75 => 1,
                    < 0.87 => 2,
                    < 0.95 => 3,
                    _ => 4,
                };
                var openTimes = Enumerable.Range(0, openCount).Select(_ => Between(random, at, midnight)).Order().ToList();
                opens.AddRange(openTimes.Select(t => new SandboxActivity(messageId, recipient, "Delivered", t)));
                var roll = random.NextDouble();
                if (roll < 0.03)
                {
                    unsubscribes.Add(new SandboxUnsubscribe(recipient, messageId, name, group.GroupName, Between(random, at, midnight)));
                }
                else if (roll < 0.04)
                {
                    complaints.Add(new SandboxUnsubscribe(recipient, messageId, name, group.GroupName, Between(random, at, midnight)));
                }

                if (openTimes.Count == 0 || random.NextDouble() >= 0.4)
                {
                    continue;
                }

                foreach (var link in links.OrderBy(_ => random.Next()).Take(random.Next(1, 3)))
                {
                    var clickCount = random.NextDouble() < 0.15 ? 2 : 1;
                    for (var c = 0; c < clickCount; c++)
                    {
                        clicks.Add(new SandboxClick(messageId, recipient, link, Between(random, openTimes[0], midnight)));
                    }
                }
            }
        }

        // Hard "user not found" bounces are what the vendor suppresses; a few more are suppressed by hand.
        foreach (var bounce in sends.Where(b => b.Status == "UNF").Take(5))
        {
            suppressions.Add(new SandboxSuppression(bounce.RecipientId, Ms(bounce.Date.AddMinutes(5))));
        }

        return new SandboxData(midnight, people, groups, mailingList, sends, opens, clicks, faxes, unsubscribes, complaints,
            suppressions.DistinctBy(s => s.RecipientId).Where(s => s.Date < midnight).ToList());
    }

    /// <summary>A whole-millisecond instant in (after, before), strictly before <paramref name="before"/>.</summary>
    private static DateTimeOffset Between(Random random, DateTimeOffset after, DateTimeOffset before)
    {
        var span = (long)(before - after).TotalMilliseconds - 2;
        return span <= 0 ? Ms(after) : Ms(after.AddMilliseconds(1 + (long)(random.NextDouble() * span)));
    }

    private static DateTimeOffset Ms(DateTimeOffset value) => DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());
}
