using System.Text.RegularExpressions;
using EmailIntegration.VendorSandbox.RealMagnet;

namespace EmailIntegration.UnitTests.Vendors.RealMagnet;

public partial class SandboxDataTests
{
    private static readonly DateTimeOffset Today = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Same_seed_same_data()
    {
        var a = SandboxData.Generate(7, Today.AddHours(5));
        var b = SandboxData.Generate(7, Today);

        Assert.Equal(a.Individuals, b.Individuals);
        Assert.Equal(a.Sends, b.Sends);
        Assert.Equal(a.Opens, b.Opens);
        Assert.Equal(a.Clicks, b.Clicks);
        Assert.NotEqual(a.Sends, SandboxData.Generate(8, Today).Sends);
    }

    [Fact]
    public void Data_is_realistic_and_strictly_before_today()
    {
        var data = SandboxData.Generate(42, Today, individuals: 300, mailings: 6);

        Assert.Equal(Today, data.Today);
        Assert.Equal(300, data.Individuals.Count);
        Assert.Equal(6, data.Mailings.Count);
        Assert.InRange(data.Groups.Count, 2, 3);
        Assert.All(data.IndividualIds, id => Assert.Matches(AmsId(), id));
        Assert.Equal(data.Individuals.Count, data.Individuals.Select(i => i.RecipientId).Distinct().Count());
        Assert.Equal(data.IndividualIds.Count, data.IndividualIds.Distinct().Count());

        Assert.All(data.Mailings, m =>
        {
            Assert.InRange(m.SentAt, Today.AddDays(-6), Today.AddTicks(-1));
            Assert.InRange(m.Links.Count, 2, 4);
            Assert.Contains(m.GroupIds[0], data.Groups.Select(g => g.GroupId));
        });
        var delivered = data.Sends.Count(s => s.IsDelivery);
        Assert.InRange(delivered / (double)data.Sends.Count, 0.9, 0.99);
        Assert.Contains(data.Sends, s => s.IsBounce);
        Assert.All(data.Sends.Concat(data.Opens), a => Assert.True(a.Date < Today));
        Assert.All(data.Clicks, c => Assert.True(c.Date < Today));
        Assert.Contains(data.Clicks, c => c.Link.Url.StartsWith("https://www.example-association.org/", StringComparison.Ordinal));
        Assert.Contains(data.Clicks, c => !c.Link.Url.StartsWith("https://www.example-association.org/", StringComparison.Ordinal));

        // Opens follow the delivery; 0–4 per delivered recipient.
        var deliveries = data.Sends.Where(s => s.IsDelivery).ToDictionary(s => (s.MessageId, s.RecipientId), s => s.Date);
        Assert.All(data.Opens, o => Assert.True(o.Date > deliveries[(o.MessageId, o.RecipientId)]));
        Assert.All(data.Opens.GroupBy(o => (o.MessageId, o.RecipientId)), g => Assert.InRange(g.Count(), 1, 4));

        var expected = data.ExpectedCountsByIndividual();
        Assert.Equal(data.IndividualIds.Count, expected.Count);
        Assert.Equal(data.Sends.Count(s => data.Recipient(s.RecipientId).IndividualId is not null),
            expected.Values.Sum(c => c.Delivered + c.Bounced));
    }

    [GeneratedRegex("^IND-[0-9]{6}$")]
    private static partial Regex AmsId();
}
