using System.Globalization;
using System.Security;
using System.Text;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Vendors.Informz;

namespace EmailIntegration.Benchmarks;

/// <summary>The vendor formats measured, each a landed page of the vendor's usual size.</summary>
public enum VendorFormat
{
    /// <summary>GetDetailedTracking page (TrackingDetails + "RecipientDetails"), 2,000 rows (the API's page limit): deliveries with ~2 % bounces.</summary>
    RealMagnetDetailed,

    /// <summary>GetMessageLinkTracking page (bare array), 2,000 rows; individuals through the directory.</summary>
    RealMagnetLinks,

    /// <summary>Informz GridResponse of mailing_activity_subscriber_actions, 1,000 records (NumberOfRows limit).</summary>
    InformzGrid,

    /// <summary>HighRoad CSV export with the default column map, 10,000 rows of mixed activity.</summary>
    HighRoadCsv,
}

/// <summary>A generated landed file: its bytes, its name and how many events a correct parse yields.</summary>
public sealed record Input(VendorFormat Format, byte[] Bytes, LandedFileName Name, int Records, int Events);

/// <summary>Deterministic inputs (fixed seeds), generated in memory; the same in the host and in the benchmark process.</summary>
public static class Inputs
{
    public const int Seed = 20260101;
    private static readonly DateTimeOffset Base = new(2026, 1, 14, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly RunDate = new(2026, 1, 15);
    private static readonly Dictionary<VendorFormat, Input> Cache = [];

    public static readonly string[] Urls =
    [
        "https://www.example-association.org/events/annual-conference",
        "https://www.example-association.org/membership/renew",
        "https://www.example-association.org/advocacy/action-center",
        "https://www.example-association.org/news/latest",
        "https://www.linkedin.com/company/example-association",
    ];

    public static Input For(VendorFormat format)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(format, out var input))
            {
                Cache[format] = input = format switch
                {
                    VendorFormat.RealMagnetDetailed => RealMagnetDetailed(2_000),
                    VendorFormat.RealMagnetLinks => RealMagnetLinks(2_000),
                    VendorFormat.InformzGrid => InformzGrid(1_000),
                    VendorFormat.HighRoadCsv => HighRoadCsv(10_000),
                    _ => throw new ArgumentOutOfRangeException(nameof(format)),
                };
            }

            return input;
        }
    }

    /// <summary>The directory the parsers read: recipient i is individual "ind-i"; mailings have names and types.</summary>
    public static InMemoryVendorDirectory Directory()
    {
        var directory = new InMemoryVendorDirectory();
        for (var i = 0; i < 5_000; i++)
        {
            directory.AddRecipient("realmagnet", (100_000 + i).ToString(CultureInfo.InvariantCulture), Individual(i));

            // Informz activity is joined through the e-mail hash the source saves from the subscriber grid.
            directory.AddRecipient("informz", InformzTrackingParser.RecipientKey($"member{i}@example.org")!, Individual(i));
        }

        for (var m = 0; m < 20; m++)
        {
            var id = (7_000 + m).ToString(CultureInfo.InvariantCulture);
            directory.AddMailing("realmagnet", new MailingInfo(id, $"Mailing {m}", m % 2 == 0 ? "Newsletter" : "Events"));
            directory.AddMailing("informz", new MailingInfo(id, $"Mailing {m}", "Newsletter"));
        }

        return directory;
    }

    public static string Individual(int i) => "ind-" + i.ToString("D6", CultureInfo.InvariantCulture);

    private static string WcfDate(DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"\\/Date({at.ToUnixTimeMilliseconds()}-0500)\\/");

    /// <summary>A GetDetailedTracking email_sent-like page in the WSDL's TrackingDetails/recp_track shape (~2 % bounces).</summary>
    private static Input RealMagnetDetailed(int rows)
    {
        var random = new Random(Seed);
        var text = new StringBuilder(rows * 330);
        text.Append("{\"totalRecords\":").Append(rows).Append(",\"page\":1,\"recordsPerPage\":").Append(rows).Append(",\"RecipientDetails\":[");
        for (var r = 0; r < rows; r++)
        {
            var recipient = random.Next(5_000);
            var bounce = random.NextDouble() < 0.02;
            text.Append(r == 0 ? "" : ",")
                .Append("{\"recipient\":{\"id\":\"").Append(100_000 + recipient)
                .Append("\",\"email\":\"member").Append(recipient).Append("@example.org\",\"first_name\":null,\"last_name\":null,\"fax\":null")
                .Append(",\"Custom_Id\":\"").Append(Individual(recipient))
                .Append("\"},\"ResultDate\":\"").Append(WcfDate(Base.AddSeconds(random.Next(86_400))))
                .Append("\",\"remarks\":null,\"Status\":\"").Append(bounce ? "HB" : "Delivered")
                .Append("\",\"OpenDate\":\"\\/Date(-62135596800000)\\/\",\"MMId\":").Append(r).Append(",\"faxStatus\":\"Inprogress\"}");
        }

        text.Append("]}");
        return new Input(VendorFormat.RealMagnetDetailed, Encoding.UTF8.GetBytes(text.ToString()),
            new LandedFileName("realmagnet", RunDate, "bench", "delivered7000", 1, "json"), rows, rows);
    }

    private static Input RealMagnetLinks(int rows)
    {
        var random = new Random(Seed + 1);
        var text = new StringBuilder(rows * 260);
        text.Append('[');
        for (var r = 0; r < rows; r++)
        {
            var url = Urls[random.Next(Urls.Length)];
            text.Append(r == 0 ? "" : ",")
                .Append("{\"Date\":\"").Append(WcfDate(Base.AddSeconds(random.Next(86_400))))
                .Append("\",\"LinkLabel\":\"Label ").Append(url.Length)
                .Append("\",\"LinkText\":\"Read more\",\"LinkURL\":\"").Append(url)
                .Append("\",\"MessageID\":").Append(7_000 + random.Next(20))
                .Append(",\"RecipientID\":").Append(100_000 + random.Next(5_000)).Append('}');
        }

        text.Append(']');
        return new Input(VendorFormat.RealMagnetLinks, Encoding.UTF8.GetBytes(text.ToString()),
            new LandedFileName("realmagnet", RunDate, "bench", "links", 1, "json"), rows, rows);
    }

    private static Input InformzGrid(int rows)
    {
        var random = new Random(Seed + 2);
        var text = new StringBuilder(rows * 420);
        text.Append("<Grid type=\"mailing_activity_subscriber_actions\" xmlns=\"http://partner.informz.net/aapi/2009/08/\">\n");
        var events = 0;
        for (var r = 0; r < rows; r++)
        {
            var subscriber = random.Next(5_000);
            var delivered = random.NextDouble() < 0.97;
            var opened = delivered && random.NextDouble() < 0.35;
            var clicked = opened && random.NextDouble() < 0.2;
            events += (delivered ? 1 : 0) + (opened ? 1 : 0);
            text.Append("      <Record row=\"").Append(r + 1).Append("\">\n        <Fields>\n");
            void Field(string name, string value) =>
                text.Append("          <Field element=\"").Append(name).Append("\">").Append(SecurityElement.Escape(value)).Append("</Field>\n");
            Field("email", $"member{subscriber}@example.org");
            Field("mailing_instance_id", (7_000 + random.Next(20)).ToString(CultureInfo.InvariantCulture));
            Field("was_delivered", delivered ? "1" : "0");
            Field("was_opened", opened ? "1" : "0");
            Field("was_clicked", clicked ? "1" : "0");
            Field("user_id", (500_900_000 + subscriber).ToString(CultureInfo.InvariantCulture)); // Informz's own id
            text.Append("        </Fields>\n      </Record>\n");
        }

        text.Append("</Grid>");

        // The Grid node travels framed in <Grids> (gzip, 4-byte length, base64), as the service answers.
        var response = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
            + "<GridResponse xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns=\"http://partner.informz.net/aapi/2009/08/\">"
            + "<Brand id=\"1234\">Example Association</Brand><User>api-user</User><Grids>" + InformzFrame.Encode(text.ToString())
            + "</Grids></GridResponse>\n";
        return new Input(VendorFormat.InformzGrid, Encoding.UTF8.GetBytes(response),
            new LandedFileName("informz", RunDate, "bench", "activity20260114T150000Z", 1, "xml"), rows, events);
    }

    private static Input HighRoadCsv(int rows)
    {
        var random = new Random(Seed + 3);
        var text = new StringBuilder(rows * 180);
        text.Append("Individual ID,Email,Mailing ID,Mailing Name,Event,Date,URL,Email Group,Fax Number,Status,Reason\r\n");
        for (var r = 0; r < rows; r++)
        {
            var i = random.Next(5_000);
            var mailing = random.Next(20);
            var roll = random.NextDouble();
            var (kind, url, status, reason) = roll switch
            {
                < 0.45 => ("Sent", "", "Delivered", ""),
                < 0.85 => ("Open", "", "", ""),
                < 0.97 => ("Click", Urls[random.Next(Urls.Length)], "", ""),
                < 0.985 => ("Soft Bounce", "", "Mailbox full", "452 4.2.2 Mailbox full"),
                < 0.995 => ("Hard Bounce", "", "Failed", "550 5.1.1 User unknown"),
                _ => ("Unsubscribe", "", "", ""),
            };
            var at = Base.AddSeconds(random.Next(86_400)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            text.Append(Individual(i)).Append(',').Append("member").Append(i).Append("@example.org,")
                .Append(9_000 + mailing).Append(",\"Spring Newsletter, part ").Append(mailing).Append("\",")
                .Append(kind).Append(',').Append(at).Append(',').Append(url).Append(',')
                .Append(mailing % 2 == 0 ? "Newsletter" : "Events").Append(",,").Append(status).Append(',').Append(reason).Append("\r\n");
        }

        return new Input(VendorFormat.HighRoadCsv, Encoding.UTF8.GetBytes(text.ToString()),
            new LandedFileName("highroad", RunDate, "bench", "export", 1, "csv"), rows, rows);
    }
}

/// <summary>An <see cref="IVendorDirectory"/> over dictionaries: no storage behind the parsers.</summary>
public sealed class InMemoryVendorDirectory : IVendorDirectory
{
    private readonly Dictionary<(string, string), string> individuals = [];
    private readonly Dictionary<(string, string), MailingInfo> mailings = [];

    public void AddRecipient(string vendor, string recipientId, string individualId) => individuals[(vendor, recipientId)] = individualId;

    public void AddMailing(string vendor, MailingInfo mailing) => mailings[(vendor, mailing.MailingId)] = mailing;

    public Task SaveRecipientsAsync(string vendor, IReadOnlyCollection<VendorRecipient> recipients, CancellationToken cancellationToken)
    {
        foreach (var r in recipients)
        {
            AddRecipient(vendor, r.RecipientId, r.IndividualId);
        }

        return Task.CompletedTask;
    }

    public Task SaveMailingsAsync(string vendor, IReadOnlyCollection<MailingInfo> mailings, CancellationToken cancellationToken)
    {
        foreach (var m in mailings)
        {
            AddMailing(vendor, m);
        }

        return Task.CompletedTask;
    }

    public Task<string?> FindIndividualAsync(string vendor, string recipientId, CancellationToken cancellationToken) =>
        Task.FromResult(individuals.TryGetValue((vendor, recipientId), out var id) ? id : null);

    public Task<MailingInfo?> FindMailingAsync(string vendor, string mailingId, CancellationToken cancellationToken) =>
        Task.FromResult(mailings.GetValueOrDefault((vendor, mailingId)));
}

/// <summary>One individual's night: deliveries, gross opens, clicks, a bounce and an unsubscribe.</summary>
public static class IndividualEvents
{
    public static List<TrackingEvent> Generate(string individualId, int count, int seed)
    {
        var random = new Random(seed);
        var events = new List<TrackingEvent>(count);
        var mailing = 0;
        while (events.Count < count)
        {
            var mailingId = (9_000 + mailing++).ToString(CultureInfo.InvariantCulture);
            var sentAt = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero).AddHours(mailing * 7);
            TrackingEvent Make(TrackingEventKind kind, DateTimeOffset at, string? url = null, BounceSeverity? bounce = null, string? group = null) => new()
            {
                EventId = EventIdentity.For("highroad", mailingId, individualId, kind, at, url),
                Vendor = "highroad",
                Kind = kind,
                IndividualId = individualId,
                MailingId = mailingId,
                MailingName = "Mailing " + mailingId,
                MailingType = mailing % 2 == 0 ? "Newsletter" : "Events",
                OccurredAt = at,
                Url = url,
                Bounce = bounce,
                UserUnknown = bounce == BounceSeverity.Hard,
                EmailGroup = group,
                RecipientEmailHash = "hash-" + individualId,
            };

            if (mailing % 17 == 0)
            {
                events.Add(Make(TrackingEventKind.Bounced, sentAt.AddMinutes(1), bounce: BounceSeverity.Soft));
                continue;
            }

            events.Add(Make(TrackingEventKind.Delivered, sentAt));
            var opens = random.Next(0, 5);
            for (var o = 0; o < opens && events.Count < count; o++)
            {
                events.Add(Make(TrackingEventKind.Opened, sentAt.AddMinutes(10 + random.Next(600))));
            }

            if (opens > 0 && random.NextDouble() < 0.4 && events.Count < count)
            {
                events.Add(Make(TrackingEventKind.LinkClicked, sentAt.AddMinutes(30 + random.Next(600)), Inputs.Urls[random.Next(Inputs.Urls.Length)]));
            }

            if (mailing % 23 == 0 && events.Count < count)
            {
                events.Add(Make(TrackingEventKind.Unsubscribed, sentAt.AddHours(2), group: "Events"));
            }
        }

        return events.Take(count).ToList();
    }
}
