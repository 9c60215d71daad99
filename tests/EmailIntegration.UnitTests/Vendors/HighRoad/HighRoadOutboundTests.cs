using System.Net;
using System.Text;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Vendors.HighRoad;
using Microsoft.Extensions.DependencyInjection;

namespace EmailIntegration.UnitTests.Vendors.HighRoad;

public class HighRoadOutboundTests
{
    private static readonly HighRoadOptOut[] OptOuts =
    [
        new("IND-000123", "ann.smith@example.org", "Newsletter"),
        new(null, "no.id@example.org", "All"),
        new("IND-000200", "  quoted\"name@example.org ", "Events, Conferences"),
    ];

    [Fact]
    public async Task Opt_outs_are_written_as_csv_and_posted_to_the_endpoint()
    {
        using var h = new HighRoadHarness();
        var publisher = h.Services.GetRequiredService<HighRoadOptOutPublisher>();

        var result = await publisher.PublishAsync(OptOuts, CancellationToken.None);

        var file = Assert.Single(h.Sandbox.ReceivedOptOutFiles);
        Assert.Equal(
            "Member ID,Email Address,Opt-Out Category\r\n"
            + "IND-000123,ann.smith@example.org,Newsletter\r\n"
            + ",no.id@example.org,All\r\n"
            + "IND-000200,\"quoted\"\"name@example.org\",\"Events, Conferences\"\r\n",
            file.Text);
        Assert.Equal("optouts-20261130T021500Z.csv", file.FileName);
        Assert.StartsWith("text/csv", file.ContentType, StringComparison.Ordinal);
        Assert.Equal(new HighRoadUploadResult("optouts-20261130T021500Z.csv", 3, file.Content.Length, "127.0.0.1/highroad/optouts"), result);
        Assert.Empty(h.Sandbox.ReceivedRecipientFiles);
        Assert.DoesNotContain("example.org", OptOuts[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Opt_out_files_use_the_configured_delimiter_and_bom()
    {
        using var h = new HighRoadHarness(delimiter: ';', extra: new() { ["Vendors:HighRoad:Outbound:Utf8Bom"] = "true" });
        var bytes = h.Services.GetRequiredService<HighRoadOptOutPublisher>().WriteCsv(OptOuts[..1]);

        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Equal("Member ID;Email Address;Opt-Out Category\r\nIND-000123;ann.smith@example.org;Newsletter\r\n",
            Encoding.UTF8.GetString(bytes[3..]));
    }

    [Fact]
    public async Task A_refused_upload_is_a_permanent_vendor_failure_without_secrets()
    {
        using var h = new HighRoadHarness(password: "wrong-upload-secret");
        var publisher = h.Services.GetRequiredService<HighRoadOptOutPublisher>();

        var ex = await Assert.ThrowsAsync<VendorFetchException>(() => publisher.PublishAsync(OptOuts, default));

        Assert.Equal((HttpStatusCode.Unauthorized, VendorFailureKind.Permanent), (ex.StatusCode, ex.Kind));
        Assert.DoesNotContain("wrong-upload-secret", ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("example.org", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_5xx_on_upload_is_retried()
    {
        using var h = new HighRoadHarness();
        h.Sandbox.FailNextRequests("optouts", 503);

        await h.Services.GetRequiredService<HighRoadOptOutPublisher>().PublishAsync(OptOuts, default);

        Assert.Equal(2, h.Sandbox.RequestsFor("optouts"));
        Assert.Single(h.Sandbox.ReceivedOptOutFiles);
    }

    [Fact]
    public async Task Opt_outs_go_over_sftp_as_a_part_file_renamed_when_complete()
    {
        var sftp = new FakeSftp();
        using var h = new HighRoadHarness(sftp: sftp, extra: new()
        {
            ["Vendors:HighRoad:Outbound:Target"] = "Sftp",
            ["Vendors:HighRoad:Outbound:OptOutRemoteDirectory"] = "/incoming/optouts/",
            ["Vendors:HighRoad:Sftp:Host"] = "sftp.example.test",
            ["Vendors:HighRoad:Sftp:UserName"] = "assoc",
            ["Vendors:HighRoad:Sftp:Password"] = "sftp-s3cret",
            ["Vendors:HighRoad:Sftp:HostKeySha256"] = "SHA256:abc",
        });

        var result = await h.Services.GetRequiredService<HighRoadOptOutPublisher>().PublishAsync(OptOuts, default);

        const string path = "/incoming/optouts/optouts-20261130T021500Z.csv";
        Assert.Equal([$"put {path}.part", $"rename {path}.part {path}"], sftp.Operations);
        Assert.StartsWith("Member ID,Email Address,Opt-Out Category\r\nIND-000123,", Encoding.UTF8.GetString(sftp.Files[path].Content), StringComparison.Ordinal);
        Assert.Equal("sftp.example.test:" + path, result.Destination);
        Assert.Empty(h.Sandbox.ReceivedOptOutFiles);
        Assert.Equal(0, sftp.OpenSessions);
    }

    [Fact]
    public async Task Recipients_are_written_with_the_union_of_their_fields_and_posted()
    {
        using var h = new HighRoadHarness();
        var exporter = h.Services.GetRequiredService<HighRoadRecipientExporter>();
        IReadOnlyDictionary<string, string?>[] recipients =
        [
            new Dictionary<string, string?> { ["Member ID"] = "IND-000123", ["Email"] = "ann@example.org", ["First Name"] = "Ann" },
            new Dictionary<string, string?> { ["Member ID"] = "IND-000124", ["Email"] = "bob@example.org", ["Company"] = "Acme, Inc.\nHQ" },
        ];

        var result = await exporter.ExportAsync("HR 7001/nov", recipients, CancellationToken.None);

        var file = Assert.Single(h.Sandbox.ReceivedRecipientFiles);
        Assert.Equal(
            "Member ID,Email,First Name,Company\r\n"
            + "IND-000123,ann@example.org,Ann,\r\n"
            + "IND-000124,bob@example.org,,\"Acme, Inc.\nHQ\"\r\n",
            file.Text);
        Assert.Equal("recipients-HR_7001_nov-20261130T021500Z.csv", file.FileName);
        Assert.Equal(2, result.Rows);
    }

    [Fact]
    public void Recipient_columns_can_be_given_in_order()
    {
        using var h = new HighRoadHarness(delimiter: '\t');
        var bytes = h.Services.GetRequiredService<HighRoadRecipientExporter>().WriteCsv(
            [new Dictionary<string, string?> { ["a"] = "1", ["b"] = " padded", ["c"] = "ignored" }], ["b", "a", "d"]);

        Assert.Equal("b\ta\td\r\n\" padded\"\t1\t\r\n", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public async Task An_unconfigured_endpoint_is_a_permanent_vendor_failure()
    {
        using var h = new HighRoadHarness(extra: new() { ["Vendors:HighRoad:Outbound:RecipientUrl"] = null });
        var exporter = h.Services.GetRequiredService<HighRoadRecipientExporter>();

        var ex = await Assert.ThrowsAsync<VendorFetchException>(() => exporter.ExportAsync(
            "HR-1", [new Dictionary<string, string?> { ["Email"] = "x@example.org" }], default));
        Assert.Contains("Outbound:RecipientUrl", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.IsPermanent);
    }
}
