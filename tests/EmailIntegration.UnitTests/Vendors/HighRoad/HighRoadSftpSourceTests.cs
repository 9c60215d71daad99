using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Vendors.HighRoad;
using Microsoft.Extensions.DependencyInjection;

namespace EmailIntegration.UnitTests.Vendors.HighRoad;

/// <summary>The SFTP source over a fake of <see cref="IHighRoadSftpConnector"/>.</summary>
public class HighRoadSftpSourceTests
{
    private static readonly DateTimeOffset Today = HighRoadHarness.Today;

    private static HighRoadHarness Harness(FakeSftp sftp) => new(sftp: sftp, extra: new()
    {
        ["Vendors:HighRoad:Source"] = "Sftp",
        ["Vendors:HighRoad:Sftp:Host"] = "sftp.example.test",
        ["Vendors:HighRoad:Sftp:UserName"] = "assoc",
        ["Vendors:HighRoad:Sftp:Password"] = "sftp-s3cret",
        ["Vendors:HighRoad:Sftp:HostKeySha256"] = "SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        ["Vendors:HighRoad:Sftp:RemoteDirectory"] = "/outgoing",
        ["Vendors:HighRoad:Sftp:FilePattern"] = "tracking_*.csv",
    });

    [Fact]
    public async Task Lands_each_matching_file_written_in_the_window_oldest_first_with_its_row_count()
    {
        var sftp = new FakeSftp();
        const string header = "Member ID,Email Address,Blast ID,Activity,Activity Date\r\n";
        sftp.Put("/outgoing/tracking_old.csv", header + "IND-1,a@example.org,HR-1,Sent,11/01/2026 10:00:00 AM\r\n", Today.AddDays(-30));
        sftp.Put("/outgoing/tracking_b.csv", header + "IND-1,a@example.org,HR-1,Open,11/28/2026 10:00:00 AM\r\n", Today.AddDays(-2));
        sftp.Put("/outgoing/TRACKING_a.CSV",
            header + "IND-2,\"b@example.org\",HR-1,Sent,\"11/27/2026\n10:00:00 AM\"\r\nIND-3,c@example.org,HR-1,Sent,11/27/2026 10:00:00 AM\r\n",
            Today.AddDays(-3));
        sftp.Put("/outgoing/tracking_today.csv", header + "IND-9,z@example.org,HR-2,Sent,11/30/2026 01:00:00 AM\r\n", Today.AddHours(1));
        sftp.Put("/outgoing/readme.txt", "not an export", Today.AddDays(-1));
        sftp.Put("/outgoing/tracking_empty.csv", "\uFEFF\r\n", Today.AddDays(-1));
        sftp.Put("/outgoing/archive/tracking_x.csv", header, Today.AddDays(-1));
        using var h = Harness(sftp);

        var pages = await h.FetchAllAsync(new TrackingWindow(Today.AddDays(-7), Today));

        Assert.Equal([1, 2], pages.Select(p => p.PageNumber));
        Assert.All(pages, p => Assert.Equal(("export", "csv"), (p.Kind, p.Extension)));
        Assert.Equal(sftp.Files["/outgoing/TRACKING_a.CSV"].Content, pages[0].Body.ToArray());
        Assert.Equal(2, pages[0].RecordCount); // the quoted line break is inside a record
        Assert.Equal(sftp.Files["/outgoing/tracking_b.csv"].Content, pages[1].Body.ToArray());
        Assert.Equal(1, pages[1].RecordCount);
        Assert.DoesNotContain(sftp.Operations, o => o.Contains("tracking_today", StringComparison.Ordinal) || o.Contains("tracking_old", StringComparison.Ordinal));
        Assert.Equal(0, sftp.OpenSessions);
        Assert.Equal(0, h.Sandbox.RequestsFor("export"));
    }

    [Fact]
    public async Task A_broken_file_in_the_middle_of_three_is_landed_then_reported_and_the_others_still_land()
    {
        var sftp = new FakeSftp();
        const string header = "Member ID,Email Address,Blast ID,Activity,Activity Date\r\n";
        sftp.Put("/outgoing/tracking_1.csv", header + "IND-1,a@example.org,HR-1,Sent,11/27/2026 10:00:00 AM\r\n", Today.AddDays(-3));
        sftp.Put("/outgoing/tracking_2.csv", header + "IND-2,\"b@example.org,HR-1,Sent,11/28/2026 10:00:00 AM\r\n", Today.AddDays(-2));
        sftp.Put("/outgoing/tracking_3.csv", header + "IND-3,c@example.org,HR-1,Open,11/29/2026 10:00:00 AM\r\n", Today.AddDays(-1));
        using var h = Harness(sftp);
        var sink = new EmailIntegration.UnitTests.Pipeline.CollectingPageSink();

        await h.Source.FetchAsync(new TrackingWindow(Today.AddDays(-7), Today), sink, CancellationToken.None);

        Assert.Equal([1, 2, 3], sink.Pages.Select(p => p.PageNumber));
        Assert.Equal(sftp.Files["/outgoing/tracking_2.csv"].Content, sink.Pages[1].Body.ToArray()); // bytes as received
        var (page, where, reason) = Assert.Single(sink.Unreadable);
        Assert.Same(sink.Pages[1], page);
        Assert.Equal("SFTP file tracking_2.csv", where);
        Assert.Contains("never closed", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_new_lands_nothing()
    {
        var sftp = new FakeSftp();
        sftp.Put("/outgoing/tracking_old.csv", "a,b\r\n1,2\r\n", Today.AddDays(-30));
        using var h = Harness(sftp);

        Assert.Empty(await h.FetchAllAsync(new TrackingWindow(Today.AddDays(-1), Today)));
        Assert.Equal(0, sftp.OpenSessions);
    }

    [Fact]
    public async Task A_refused_login_or_a_missing_directory_is_a_VendorFetchException_without_secrets()
    {
        var sftp = new FakeSftp { FailConnect = new VendorFetchException(HighRoadTrackingSource.VendorName, "SFTP to sftp.example.test:22: authentication was refused.") };
        using (var h = Harness(sftp))
        {
            var ex = await Assert.ThrowsAsync<VendorFetchException>(() => h.FetchAllAsync());
            Assert.Equal("highroad: SFTP to sftp.example.test:22: authentication was refused.", ex.Message);
            Assert.DoesNotContain("sftp-s3cret", ex.ToString(), StringComparison.Ordinal);
        }

        var empty = new FakeSftp();
        using (var h = Harness(empty))
        {
            var ex = await Assert.ThrowsAsync<VendorFetchException>(() => h.FetchAllAsync());
            Assert.Contains("/outgoing: not found", ex.Message, StringComparison.Ordinal);
            Assert.Equal(0, empty.OpenSessions);
        }
    }

    [Fact]
    public async Task A_file_over_the_size_limit_fails_the_fetch()
    {
        var sftp = new FakeSftp();
        sftp.Put("/outgoing/tracking_big.csv", "a,b\r\n" + new string('x', (1024 * 1024) + 10) + "\r\n", Today.AddDays(-1));
        using var h = new HighRoadHarness(sftp: sftp, extra: new()
        {
            ["Vendors:HighRoad:Source"] = "Sftp",
            ["Vendors:HighRoad:MaxFileMegabytes"] = "1",
            ["Vendors:HighRoad:Sftp:Host"] = "127.0.0.1",
            ["Vendors:HighRoad:Sftp:UserName"] = "assoc",
            ["Vendors:HighRoad:Sftp:Password"] = "sftp-s3cret",
            ["Vendors:HighRoad:Sftp:AllowAnyHostKey"] = "true",
            ["Vendors:HighRoad:Sftp:RemoteDirectory"] = "/outgoing",
        });

        var ex = await Assert.ThrowsAsync<VendorFetchException>(() => h.FetchAllAsync());
        Assert.Contains("tracking_big.csv", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxFileMegabytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Drop_source_is_disabled()
    {
        using var h = new HighRoadHarness(extra: new() { ["Vendors:HighRoad:Source"] = "Drop" });
        Assert.False(h.Source.IsEnabled);
        Assert.IsType<SshNetSftpConnector>(h.Services.GetRequiredService<IHighRoadSftpConnector>());
    }

    [Theory]
    [InlineData("SHA256:AbC+/def=", "AbC+/def")]
    [InlineData("  AbC+/def  ", "AbC+/def")]
    [InlineData("", null)]
    public void Host_key_fingerprints_compare_as_ssh_keygen_prints_them(string value, string? expected) =>
        Assert.Equal(expected, SshNetSftpConnector.NormalizeFingerprint(value));
}
