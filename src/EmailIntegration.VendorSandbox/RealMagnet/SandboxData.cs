namespace EmailIntegration.VendorSandbox.RealMagnet;

/// <summary>A Real Magnet recipient; <see cref="IndividualId"/> is its Custom Member ID (AMS id), null for a few non-AMS recipients.</summary>
public sealed record SandboxIndividual(long RecipientId, string? IndividualId, string Email);

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

/// <summary>A detailed-tracking row: Sent/Delivered, Sent/&lt;bounce subcode&gt; or Opened/Opened.</summary>
public sealed record SandboxActivity(int MessageId, long RecipientId, string ActivityCode, string ActivitySubcode, DateTimeOffset Date)
{
    public bool IsDelivery => ActivitySubcode == "Delivered";

    public bool IsBounce => ActivityCode == "Sent" && ActivitySubcode != "Delivered";

    public bool IsOpen => ActivityCode == "Opened";
}

public sealed record SandboxClick(int MessageId, long RecipientId, SandboxLink Link, DateTimeOffset Date);

/// <summary>Events a correct fetch + parse must produce for one individual.</summary>
public sealed record ExpectedCounts(int Delivered, int Bounced, int Opened, int Clicked)
{
    public int Total => Delivered + Bounced + Opened + Clicked;
}

/// <summary>
/// Generated, deterministic Real Magnet account data for <see cref="RealMagnetSandbox"/>: recipients, groups, mailings sent
/// over the 6 days before <see cref="Today"/>, deliveries (~95 %), a few bounces, gross opens (0–4 per delivered recipient)
/// and clicks. Every timestamp is whole milliseconds (the API's precision) and strictly before <see cref="Today"/> 00:00 UTC.
/// </summary>
public sealed class SandboxData
{
    public static readonly string[] BounceSubcodes = ["SoftBounce", "HardBounce", "UserNotFound", "MailboxFull"];

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
        IReadOnlyList<SandboxClick> clicks)
    {
        Today = today;
        Individuals = individuals;
        Groups = groups;
        Mailings = mailings;
        Sends = sends;
        Opens = opens;
        Clicks = clicks;
        _byRecipient = individuals.ToDictionary(i => i.RecipientId);
    }

    private readonly Dictionary<long, SandboxIndividual> _byRecipient;

    /// <summary>00:00 UTC of the day the data was generated for; nothing happens on or after it.</summary>
    public DateTimeOffset Today { get; }

    public IReadOnlyList<SandboxIndividual> Individuals { get; }

    public IReadOnlyList<SandboxGroup> Groups { get; }

    public IReadOnlyList<SandboxMailing> Mailings { get; }

    /// <summary>ReportType "delivered": Sent/Delivered and Sent/&lt;bounce&gt; rows.</summary>
    public IReadOnlyList<SandboxActivity> Sends { get; }

    /// <summary>ReportType "opened": Opened/Opened rows (gross opens).</summary>
    public IReadOnlyList<SandboxActivity> Opens { get; }

    public IReadOnlyList<SandboxClick> Clicks { get; }

    /// <summary>AMS ids of the recipients that have one.</summary>
    public IReadOnlyList<string> IndividualIds => Individuals.Where(i => i.IndividualId is not null).Select(i => i.IndividualId!).ToList();

    /// <summary>Recipients without a Custom Member ID: their events are unmatched.</summary>
    public IReadOnlyList<long> UnmatchedRecipientIds => Individuals.Where(i => i.IndividualId is null).Select(i => i.RecipientId).ToList();

    public SandboxIndividual Recipient(long recipientId) => _byRecipient[recipientId];

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
            if (_byRecipient[recipientId].IndividualId is { } id)
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

        return result;
    }

    /// <summary>Expected events for one AMS individual over all the data.</summary>
    public ExpectedCounts ExpectedFor(string individualId) =>
        ExpectedCountsByIndividual().TryGetValue(individualId, out var counts) ? counts : new ExpectedCounts(0, 0, 0, 0);

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
            people.Add(new SandboxIndividual(
                recipientId,
                hasAmsId ? $"IND-{amsNumber:D6}" : null,
                $"{first[random.Next(first.Length)]}.{last[random.Next(last.Length)]}{i}@example.org"));
        }

        var groupCount = random.Next(2, 4);
        var groups = Enumerable.Range(0, groupCount).Select(g => new SandboxGroup(1001 + (g * 17), GroupNames[g])).ToList();

        var mailingList = new List<SandboxMailing>();
        var sends = new List<SandboxActivity>();
        var opens = new List<SandboxActivity>();
        var clicks = new List<SandboxClick>();
        var messageId = 480_000 + random.Next(100, 900);
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

            foreach (var recipient in recipients)
            {
                var at = Ms(sentAt.AddSeconds(random.Next(5, 1800)));
                if (random.NextDouble() >= 0.95)
                {
                    sends.Add(new SandboxActivity(messageId, recipient, "Sent", BounceSubcodes[random.Next(BounceSubcodes.Length)], at));
                    continue;
                }

                sends.Add(new SandboxActivity(messageId, recipient, "Sent", "Delivered", at));
                var openCount = random.NextDouble() switch
                {
                    < 0.50 => 0,
                    < 0.75 => 1,
                    < 0.87 => 2,
                    < 0.95 => 3,
                    _ => 4,
                };
                var openTimes = Enumerable.Range(0, openCount).Select(_ => Between(random, at, midnight)).Order().ToList();
                opens.AddRange(openTimes.Select(t => new SandboxActivity(messageId, recipient, "Opened", "Opened", t)));
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

        return new SandboxData(midnight, people, groups, mailingList, sends, opens, clicks);
    }

    /// <summary>A whole-millisecond instant in (after, before), strictly before <paramref name="before"/>.</summary>
    private static DateTimeOffset Between(Random random, DateTimeOffset after, DateTimeOffset before)
    {
        var span = (long)(before - after).TotalMilliseconds - 2;
        return span <= 0 ? Ms(after) : Ms(after.AddMilliseconds(1 + (long)(random.NextDouble() * span)));
    }

    private static DateTimeOffset Ms(DateTimeOffset value) => DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());
}
