namespace EmailIntegration.VendorSandbox.Informz;

/// <summary>An Informz subscriber of the brand. <see cref="RemoteId"/> is the AMS id pushed as <c>&lt;ID&gt;</c> (the grids'
/// <c>user_id</c>); null for a few subscribers added outside the AMS.</summary>
public sealed record InformzSandboxSubscriber(
    long SubscriberId,
    string Email,
    string? RemoteId,
    DateTimeOffset ModifiedDate,
    DateTimeOffset? BounceDate,
    bool IsRepeatedBouncer,
    bool IsUnsubscriber,
    DateTimeOffset? CancellationDate,
    string? CancellationMessage,
    long? CancellationMailingInstanceId);

/// <summary>One publishing of a mailing ("Each publishing of a mailing will yield a mailing instance").</summary>
public sealed record InformzSandboxMailing(long MailingInstanceId, string Name, DateTimeOffset MailingDate, IReadOnlyList<string> Interests);

/// <summary>A mailing_activity_subscriber_actions row: flags only, no times.</summary>
public sealed record InformzSandboxActivity(long MailingInstanceId, long SubscriberId, bool WasDelivered, bool WasOpened, bool WasClicked);

/// <summary>A subscriber_interests row with a cancellation (an opt-out of one interest).</summary>
public sealed record InformzSandboxInterestCancellation(
    long SubscriberToInterestId, long SubscriberId, int InterestId, string InterestName, DateTimeOffset ServiceSince, DateTimeOffset CancellationDate);

/// <summary>Events a correct fetch + parse must produce for one AMS individual.</summary>
public sealed record InformzExpectedCounts(int Delivered, int Opened, int Bounced, int Unsubscribed)
{
    public int Total => Delivered + Opened + Bounced + Unsubscribed;
}

/// <summary>
/// Generated, deterministic Informz brand data for <see cref="InformzSandbox"/>: subscribers whose remote ids are AMS ids in the
/// "IND-000123" form (the same generator shape as the Real Magnet sandbox, so the two overlap: one association, several
/// vendors), mailing instances (one sent 130 days ago — beyond the 100-day activity limit —, one 20 days ago, the rest over the
/// 6 days before <see cref="Today"/>), activity flags, bounces, unsubscribes and interest cancellations. Times are whole
/// seconds, in office hours UTC, strictly before <see cref="Today"/> 00:00 UTC.
/// </summary>
public sealed class InformzSandboxData
{
    public static readonly string[] InterestNames = ["Newsletter", "Events", "Advocacy", "Continuing Education"];

    private static readonly string[] CancellationMessages =
        ["Too many emails", "No longer interested", "Unsubscribed via Informz Web Service", "I changed jobs, write to me at new.address@example.net"];

    private readonly Dictionary<long, InformzSandboxSubscriber> bySubscriber;
    private readonly Dictionary<long, InformzSandboxMailing> byMailing;

    private InformzSandboxData(
        DateTimeOffset today,
        IReadOnlyList<InformzSandboxSubscriber> subscribers,
        IReadOnlyList<InformzSandboxMailing> mailings,
        IReadOnlyList<InformzSandboxActivity> activity,
        IReadOnlyList<InformzSandboxInterestCancellation> interestCancellations)
    {
        Today = today;
        Subscribers = subscribers;
        Mailings = mailings;
        Activity = activity;
        InterestCancellations = interestCancellations;
        bySubscriber = subscribers.ToDictionary(s => s.SubscriberId);
        byMailing = mailings.ToDictionary(m => m.MailingInstanceId);
    }

    /// <summary>00:00 UTC of the day the data was generated for; nothing happens on or after it.</summary>
    public DateTimeOffset Today { get; }

    public IReadOnlyList<InformzSandboxSubscriber> Subscribers { get; }

    public IReadOnlyList<InformzSandboxMailing> Mailings { get; }

    public IReadOnlyList<InformzSandboxActivity> Activity { get; }

    public IReadOnlyList<InformzSandboxInterestCancellation> InterestCancellations { get; }

    /// <summary>The oldest mailing date whose activity the vendor still serves (today − 100 days).</summary>
    public DateTimeOffset ActivityLimit => Today.AddDays(-100);

    public IReadOnlyList<string> IndividualIds => Subscribers.Where(s => s.RemoteId is not null).Select(s => s.RemoteId!).ToList();

    public InformzSandboxSubscriber Subscriber(long subscriberId) => bySubscriber[subscriberId];

    public InformzSandboxMailing Mailing(long mailingInstanceId) => byMailing[mailingInstanceId];

    /// <summary>
    /// Expected events per AMS individual when the adapter fetches the window [<paramref name="from"/>, <paramref name="to"/>)
    /// with activity of the mailings sent in [<paramref name="mailingsFrom"/>, <paramref name="to"/>) (and within 100 days).
    /// Subscribers without a remote id are left out (their events are unmatched).
    /// </summary>
    public IReadOnlyDictionary<string, InformzExpectedCounts> ExpectedCountsByIndividual(
        DateTimeOffset from, DateTimeOffset to, DateTimeOffset mailingsFrom)
    {
        var result = new SortedDictionary<string, InformzExpectedCounts>(StringComparer.Ordinal);
        foreach (var id in IndividualIds)
        {
            result[id] = new InformzExpectedCounts(0, 0, 0, 0);
        }

        void Add(long subscriberId, Func<InformzExpectedCounts, InformzExpectedCounts> add)
        {
            if (bySubscriber[subscriberId].RemoteId is { } id)
            {
                result[id] = add(result[id]);
            }
        }

        var mailings = Mailings.Where(m => m.MailingDate >= mailingsFrom && m.MailingDate < to && m.MailingDate >= ActivityLimit)
            .Select(m => m.MailingInstanceId).ToHashSet();
        foreach (var a in Activity.Where(a => mailings.Contains(a.MailingInstanceId)))
        {
            Add(a.SubscriberId, c => c with
            {
                Delivered = c.Delivered + (a.WasDelivered ? 1 : 0),
                Opened = c.Opened + (a.WasOpened ? 1 : 0),
            });
        }

        foreach (var s in Subscribers.Where(s => s.ModifiedDate >= from && s.ModifiedDate < to))
        {
            Add(s.SubscriberId, c => c with
            {
                Bounced = c.Bounced + (s.BounceDate is null ? 0 : 1),
                Unsubscribed = c.Unsubscribed + (s.IsUnsubscriber ? 1 : 0),
            });
        }

        foreach (var i in InterestCancellations.Where(i => i.CancellationDate >= from && i.CancellationDate < to))
        {
            Add(i.SubscriberId, c => c with { Unsubscribed = c.Unsubscribed + 1 });
        }

        return result;
    }

    /// <summary>Generates the data deterministically from <paramref name="seed"/>.</summary>
    /// <param name="today">Any time of the day; the data ends before its 00:00 UTC.</param>
    public static InformzSandboxData Generate(int seed, DateTimeOffset today, int subscribers = 300, int recentMailings = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(subscribers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(recentMailings, 0);
        var random = new Random(seed);
        var midnight = new DateTimeOffset(today.UtcDateTime.Date, TimeSpan.Zero);
        DateTimeOffset OfficeHours(int daysAgo) =>
            Seconds(midnight.AddDays(-daysAgo).AddHours(random.Next(12, 20)).AddMinutes(random.Next(60)).AddSeconds(random.Next(60)));

        // Mailing instances: one beyond the activity limit, one in the lookback, the rest in the last 6 days.
        var mailings = new List<InformzSandboxMailing>();
        var instanceId = 3_100_000L + random.Next(1_000, 9_000);
        var ages = new List<int> { 130, 20 };
        ages.AddRange(Enumerable.Range(0, recentMailings).Select(_ => random.Next(1, 7)));
        foreach (var age in ages)
        {
            instanceId += random.Next(5, 60);
            var sentAt = OfficeHours(age);
            var interests = InterestNames.OrderBy(_ => random.Next()).Take(random.Next(1, 3)).ToList();
            mailings.Add(new InformzSandboxMailing(instanceId, $"{interests[0]} {sentAt:MMMM d}", sentAt, interests));
        }

        // Subscribers: AMS ids like the Real Magnet sandbox ("IND-000123", increasing with gaps); ~2% without one.
        string[] first = ["ann", "bob", "carla", "dev", "emma", "farid", "grace", "hiro", "ines", "jamal", "kim", "luis"];
        string[] last = ["smith", "nguyen", "garcia", "okafor", "muller", "rossi", "khan", "chen", "silva", "brown"];
        var people = new List<InformzSandboxSubscriber>(subscribers);
        var subscriberId = 500_900_000L + random.Next(1_000, 9_000);
        var amsNumber = random.Next(100, 200);
        var recent = mailings.Where(m => m.MailingDate >= midnight.AddDays(-7)).ToList();
        for (var i = 0; i < subscribers; i++)
        {
            subscriberId += random.Next(1, 40);
            amsNumber += random.Next(1, 4);
            var hasRemoteId = random.NextDouble() >= 0.02;
            var email = $"{first[random.Next(first.Length)]}.{last[random.Next(last.Length)]}{i}@example.org";
            var modified = OfficeHours(random.Next(30, 400));
            DateTimeOffset? bounce = null;
            var repeated = false;
            var unsubscriber = false;
            DateTimeOffset? cancelled = null;
            string? message = null;
            long? cancelledMailing = null;
            var roll = random.NextDouble();
            if (roll < 0.04)
            {
                bounce = OfficeHours(random.Next(1, 7));
                repeated = random.NextDouble() < 0.5;
                modified = bounce.Value.AddMinutes(random.Next(1, 120));
            }
            else if (roll < 0.08)
            {
                unsubscriber = true;
                cancelled = OfficeHours(random.Next(1, 7));
                message = random.NextDouble() < 0.7 ? CancellationMessages[random.Next(CancellationMessages.Length)] : null;
                cancelledMailing = recent.Count > 0 && random.NextDouble() < 0.75 ? recent[random.Next(recent.Count)].MailingInstanceId : null;
                modified = cancelled.Value;
            }

            if (modified >= midnight)
            {
                modified = midnight.AddSeconds(-1);
            }

            people.Add(new InformzSandboxSubscriber(
                subscriberId, email, hasRemoteId ? $"IND-{amsNumber:D6}" : null, modified, bounce, repeated, unsubscriber, cancelled,
                message, cancelledMailing));
        }

        // Activity: ~75% of subscribers get each mailing; 95% delivered; ~45% of those opened; ~35% of openers clicked.
        var activity = new List<InformzSandboxActivity>();
        foreach (var m in mailings)
        {
            foreach (var s in people.Where(_ => random.NextDouble() < 0.75))
            {
                var delivered = random.NextDouble() < 0.95;
                var opened = delivered && random.NextDouble() < 0.45;
                var clicked = opened && random.NextDouble() < 0.35;
                activity.Add(new InformzSandboxActivity(m.MailingInstanceId, s.SubscriberId, delivered, opened, clicked));
            }
        }

        // Interest cancellations over the last 20 days (so a multi-week window needs several ≤ 7-day chunks).
        var cancellations = new List<InformzSandboxInterestCancellation>();
        var linkId = 77_000_000L + random.Next(1_000, 9_000);
        foreach (var s in people.Where(_ => random.NextDouble() < 0.06))
        {
            var interest = random.Next(InterestNames.Length);
            linkId += random.Next(1, 30);
            cancellations.Add(new InformzSandboxInterestCancellation(
                linkId, s.SubscriberId, 900 + interest, InterestNames[interest], OfficeHours(random.Next(200, 900)),
                OfficeHours(random.Next(1, 21))));
        }

        return new InformzSandboxData(midnight, people, mailings, activity, cancellations);
    }

    private static DateTimeOffset Seconds(DateTimeOffset value) => DateTimeOffset.FromUnixTimeSeconds(value.ToUnixTimeSeconds());
}
