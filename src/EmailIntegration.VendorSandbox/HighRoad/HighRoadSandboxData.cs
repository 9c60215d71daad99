namespace EmailIntegration.VendorSandbox.HighRoad;

/// <summary>A HighRoad recipient: the AMS id (null for a few addresses the AMS does not know), address and fax number.</summary>
public sealed record HighRoadSandboxRecipient(string? IndividualId, string Email, string? FaxNumber);

/// <param name="IsFax">A fax blast: its rows are "Fax" sends with a fax number and status.</param>
public sealed record HighRoadSandboxMailing(string MailingId, string Name, string EmailGroup, DateTimeOffset SentAt, bool IsFax);

/// <summary>
/// One export row. <see cref="Activity"/> is the file's event value ("Sent", "Open", "Click", "Fax", "Unsubscribe",
/// "Hard Bounce", "Soft Bounce", "Spam"), <see cref="OccurredAt"/> the instant (written in the sandbox's local zone).
/// </summary>
public sealed record HighRoadSandboxActivity(
    HighRoadSandboxMailing Mailing,
    HighRoadSandboxRecipient Recipient,
    string Activity,
    DateTimeOffset OccurredAt,
    string? Url = null,
    string? Status = null,
    string? Reason = null);

/// <summary>Expected events per kind for one individual.</summary>
public sealed record HighRoadExpectedCounts(
    int Delivered, int Opened, int Clicked, int Faxed, int Unsubscribed, int Bounced, int Spam)
{
    public int Total => Delivered + Opened + Clicked + Faxed + Unsubscribed + Bounced + Spam;
}

/// <summary>
/// Generated, deterministic HighRoad data for <see cref="HighRoadSandbox"/>: recipients with AMS ids "IND-000123"
/// (generated like the Real Magnet sandbox's, so the two overlap), e-mail blasts in several e-mail groups and one fax blast,
/// over the 6 days before <see cref="Today"/>: sends, opens, clicks (URLs with commas and quotes in names to exercise
/// quoting), faxes, unsubscribes with their e-mail group, hard and soft bounces (some "user unknown") and one spam report.
/// Every instant is whole seconds, strictly before <see cref="Today"/> 00:00 UTC, and never in an ambiguous local hour of
/// the zone the sandbox writes (so a local-time export converts back exactly).
/// </summary>
public sealed class HighRoadSandboxData
{
    public static readonly string[] EmailGroups = ["Newsletter", "Events", "Advocacy", "Dues Reminders"];

    private static readonly string[] Urls =
    [
        "https://www.example-association.org/events/annual-conference",
        "https://www.example-association.org/membership/renew?src=email,highroad",
        "https://www.example-association.org/advocacy/action-center",
        "https://www.example-association.org/news/latest?a=1&b=\"quoted\"",
        "https://www.example-association.org/learning/webinars",
    ];

    private static readonly string[] MailingNames =
    [
        "Weekly \"Insider\", {0}", "Annual Conference: register now", "Action alert; contact your representative",
        "Dues reminder\nsecond notice", "Member spotlight, {0}",
    ];

    private HighRoadSandboxData(
        DateTimeOffset today, TimeZoneInfo zone, IReadOnlyList<HighRoadSandboxRecipient> recipients,
        IReadOnlyList<HighRoadSandboxMailing> mailings, IReadOnlyList<HighRoadSandboxActivity> activities)
    {
        Today = today;
        Zone = zone;
        Recipients = recipients;
        Mailings = mailings;
        Activities = activities;
    }

    /// <summary>00:00 UTC of the day the data was generated for; nothing happens on or after it.</summary>
    public DateTimeOffset Today { get; }

    /// <summary>The zone the export writes its local dates in.</summary>
    public TimeZoneInfo Zone { get; }

    public IReadOnlyList<HighRoadSandboxRecipient> Recipients { get; }

    public IReadOnlyList<HighRoadSandboxMailing> Mailings { get; }

    /// <summary>Every row, ordered by time.</summary>
    public IReadOnlyList<HighRoadSandboxActivity> Activities { get; }

    public IReadOnlyList<string> IndividualIds => Recipients.Where(r => r.IndividualId is not null).Select(r => r.IndividualId!).ToList();

    /// <summary>Rows in [from, to).</summary>
    public IEnumerable<HighRoadSandboxActivity> Between(DateTimeOffset from, DateTimeOffset to) =>
        Activities.Where(a => a.OccurredAt >= from && a.OccurredAt < to);

    /// <summary>Expected events per AMS individual for rows in [from, to) (default: all).</summary>
    public IReadOnlyDictionary<string, HighRoadExpectedCounts> ExpectedCountsByIndividual(DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        var result = new SortedDictionary<string, HighRoadExpectedCounts>(StringComparer.Ordinal);
        foreach (var a in Between(from ?? DateTimeOffset.MinValue, to ?? DateTimeOffset.MaxValue))
        {
            if (a.Recipient.IndividualId is not { } id)
            {
                continue;
            }

            var c = result.GetValueOrDefault(id, new HighRoadExpectedCounts(0, 0, 0, 0, 0, 0, 0));
            result[id] = a.Activity switch
            {
                "Sent" => c with { Delivered = c.Delivered + 1 },
                "Open" => c with { Opened = c.Opened + 1 },
                "Click" => c with { Clicked = c.Clicked + 1 },
                "Fax" => c with { Faxed = c.Faxed + 1 },
                "Unsubscribe" => c with { Unsubscribed = c.Unsubscribed + 1 },
                "Hard Bounce" or "Soft Bounce" => c with { Bounced = c.Bounced + 1 },
                "Spam" => c with { Spam = c.Spam + 1 },
                _ => c,
            };
        }

        return result;
    }

    /// <summary>Generates the data deterministically from <paramref name="seed"/>.</summary>
    /// <param name="today">Any time of the day; the data ends before its 00:00 UTC.</param>
    /// <param name="timeZoneId">IANA zone of the export's local dates.</param>
    public static HighRoadSandboxData Generate(
        int seed, DateTimeOffset today, int recipients = 200, int mailings = 5, string timeZoneId = "America/New_York")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(recipients, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(mailings, 1);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZoneId);
        var random = new Random(seed);
        var midnight = new DateTimeOffset(today.UtcDateTime.Date, TimeSpan.Zero);

        // AMS ids like the Real Magnet sandbox: "IND-" + a growing 6-digit number with gaps; ~3% unknown to the AMS.
        var people = new List<HighRoadSandboxRecipient>(recipients);
        var amsNumber = random.Next(100, 200);
        string[] first = ["ann", "bob", "carla", "dev", "emma", "farid", "grace", "hiro", "ines", "jamal", "kim", "luis"];
        string[] last = ["smith", "nguyen", "garcia", "okafor", "muller", "rossi", "khan", "chen", "silva", "brown"];
        for (var i = 0; i < recipients; i++)
        {
            amsNumber += random.Next(1, 4);
            var known = random.NextDouble() >= 0.03;
            var fax = random.NextDouble() < 0.3 ? $"+1-202-555-{random.Next(0, 10000):D4}" : null;
            people.Add(new HighRoadSandboxRecipient(
                known ? $"IND-{amsNumber:D6}" : null,
                $"{first[random.Next(first.Length)]}.{last[random.Next(last.Length)]}{i}@example.org",
                fax));
        }

        var mailingList = new List<HighRoadSandboxMailing>();
        var rows = new List<HighRoadSandboxActivity>();
        var mailingNumber = 7000 + random.Next(100, 900);
        DateTimeOffset Clamp(DateTimeOffset t)
        {
            t = new DateTimeOffset(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
            if (t >= midnight)
            {
                t = midnight.AddSeconds(-1 - random.Next(3600));
            }

            // Never an hour that happens twice locally: the local-time export could not say which one.
            while (zone.IsAmbiguousTime(t))
            {
                t = t.AddHours(-2);
            }

            return t;
        }

        for (var m = 0; m < mailings; m++)
        {
            mailingNumber += random.Next(3, 30);
            var isFax = m == mailings - 1 && mailings > 1;
            var group = EmailGroups[m % EmailGroups.Length];
            var name = string.Format(System.Globalization.CultureInfo.InvariantCulture, MailingNames[m % MailingNames.Length], $"week {m + 1}");
            var sentAt = Clamp(midnight.AddDays(-random.Next(1, 7)).AddHours(random.Next(12, 22)).AddMinutes(random.Next(60)).AddSeconds(random.Next(60)));
            var mailing = new HighRoadSandboxMailing($"HR-{mailingNumber}", isFax ? "Fax: " + name : name, group, sentAt, isFax);
            mailingList.Add(mailing);

            if (isFax)
            {
                foreach (var p in people.Where(p => p.FaxNumber is not null))
                {
                    var ok = random.NextDouble() < 0.9;
                    rows.Add(new HighRoadSandboxActivity(mailing, p, "Fax", Clamp(sentAt.AddSeconds(random.Next(1, 1800))),
                        Status: ok ? "Sent" : "Busy"));
                }

                continue;
            }

            var share = 0.5 + (random.NextDouble() * 0.4);
            foreach (var p in people.Where(_ => random.NextDouble() < share))
            {
                var roll = random.NextDouble();
                var sendTime = Clamp(sentAt.AddSeconds(random.Next(0, 600)));
                if (roll < 0.02)
                {
                    var unknown = random.NextDouble() < 0.5;
                    rows.Add(new HighRoadSandboxActivity(mailing, p, "Hard Bounce", sendTime, Status: "Failed",
                        Reason: unknown ? "550 5.1.1 <recipient>: user unknown" : "550 5.7.1 message rejected, policy"));
                    continue;
                }

                if (roll < 0.05)
                {
                    rows.Add(new HighRoadSandboxActivity(mailing, p, "Soft Bounce", sendTime, Status: "Deferred",
                        Reason: "452 4.2.2 mailbox full"));
                    continue;
                }

                rows.Add(new HighRoadSandboxActivity(mailing, p, "Sent", sendTime, Status: "Delivered"));
                var opens = random.NextDouble() < 0.5 ? random.Next(1, 4) : 0;
                for (var o = 0; o < opens; o++)
                {
                    rows.Add(new HighRoadSandboxActivity(mailing, p, "Open", Clamp(sendTime.AddMinutes(random.Next(5, 3000)))));
                }

                if (opens > 0 && random.NextDouble() < 0.4)
                {
                    rows.Add(new HighRoadSandboxActivity(mailing, p, "Click", Clamp(sendTime.AddMinutes(random.Next(5, 3000))),
                        Url: Urls[random.Next(Urls.Length)]));
                }

                if (random.NextDouble() < 0.03)
                {
                    rows.Add(new HighRoadSandboxActivity(mailing, p, "Unsubscribe", Clamp(sendTime.AddMinutes(random.Next(5, 3000)))));
                }
            }
        }

        // One spam report, from someone who received an e-mail blast.
        var spamSource = rows.FirstOrDefault(r => r.Activity == "Sent" && r.Recipient.IndividualId is not null);
        if (spamSource is not null)
        {
            rows.Add(new HighRoadSandboxActivity(spamSource.Mailing, spamSource.Recipient, "Spam",
                Clamp(spamSource.OccurredAt.AddMinutes(90))));
        }

        // Deduplicate rows that would be the same event (same mailing, recipient, kind, second and link).
        var unique = rows
            .GroupBy(r => (r.Mailing.MailingId, r.Recipient.Email, r.Activity, r.OccurredAt, r.Url))
            .Select(g => g.First())
            .OrderBy(r => r.OccurredAt).ThenBy(r => r.Recipient.Email, StringComparer.Ordinal).ThenBy(r => r.Activity, StringComparer.Ordinal)
            .ToList();
        return new HighRoadSandboxData(midnight, zone, people, mailingList, unique);
    }
}
