using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Vendors.HighRoad;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EmailIntegration.UnitTests.Vendors.HighRoad;

public class HighRoadOptionsTests
{
    private const string Section = "Vendors:HighRoad";

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHighRoad(configuration);
        return services.BuildServiceProvider(validateScopes: true);
    }

    private static Dictionary<string, string?> Valid() => new()
    {
        [$"{Section}:Enabled"] = "true",
        [$"{Section}:Source"] = "Https",
        [$"{Section}:HttpsUrl"] = "https://export.example.test/tracking.csv?from={from}&to={to}",
        [$"{Section}:HttpsUserName"] = "user",
        [$"{Section}:HttpsPassword"] = "s3cret-value",
    };

    [Fact]
    public void Binds_the_section_with_defaults_and_registers_the_adapter()
    {
        using var provider = Build(Valid());

        var o = provider.GetRequiredService<IOptions<HighRoadOptions>>().Value;
        var format = HighRoadFormat.Create(o);

        Assert.Equal(',', format.Delimiter);
        Assert.Equal(new HighRoadKind(TrackingEventKind.Bounced, BounceSeverity.Hard), format.Kinds["HARD BOUNCE"]);
        Assert.Equal(new HighRoadKind(TrackingEventKind.LinkClicked, null), format.Kinds["click"]);
        Assert.Equal(8, format.Kinds.Count);
        Assert.Same(TimeZoneInfo.Utc, format.TimeZone);
        Assert.Equal("Mailing ID", o.Columns.MailingId);
        var source = Assert.Single(provider.GetServices<IVendorTrackingSource>());
        Assert.Equal("highroad", source.Vendor);
        Assert.True(source.IsEnabled);
        Assert.IsType<HighRoadCsvParser>(Assert.Single(provider.GetServices<ITrackingParser>()));
        Assert.NotNull(provider.GetRequiredService<HighRoadOptOutPublisher>());
        Assert.NotNull(provider.GetRequiredService<HighRoadRecipientExporter>());
    }

    [Theory]
    [InlineData("Columns:MailingId", "", "Columns:MailingId is required")]
    [InlineData("Columns:EventKind", " ", "Columns:EventKind is required")]
    [InlineData("Columns:Date", "", "Columns:Date is required")]
    [InlineData("Columns:Url", "Mailing ID", "Column 'Mailing ID' is mapped to more than one field")]
    [InlineData("Columns:Status", "event", "Column 'Event' is mapped to more than one field")]
    [InlineData("KindMap", "sent=Delivered; open=Openned", "'Openned' is not one of")]
    [InlineData("KindMap", "sent=Delivered; SENT=Opened", "maps 'SENT' more than once")]
    [InlineData("KindMap", "sent=Delivered:Hard", "only Bounced takes a severity")]
    [InlineData("KindMap", "bounce=Bounced:Fatal", "severity must be Hard or Soft")]
    [InlineData("KindMap", "sent", "is not 'value=Kind'")]
    [InlineData("KindMap", " ; ", "KindMap is empty")]
    [InlineData("Delimiter", "::", "Delimiter must be one character")]
    [InlineData("Delimiter", "\"", "Delimiter must be one character")]
    [InlineData("DateFormat", "yyyy-MM-dd %", "DateFormat")]
    [InlineData("TimeZone", "Mars/Olympus_Mons", "not a known time zone id")]
    [InlineData("HttpsUrl", "/relative/export.csv", "HttpsUrl must be an absolute https URL")]
    [InlineData("HttpsPassword", "", "HttpsPassword is required with HttpsUserName")]
    [InlineData("AttemptTimeout", "00:20:00", "AttemptTimeout must be shorter than Timeout")]
    [InlineData("MaxFileMegabytes", "0", "MaxFileMegabytes")]
    [InlineData("Outbound:OptOutUrl", "ftp://example.test/x", "Outbound:OptOutUrl must be an absolute https URL")]
    public void Invalid_settings_fail_at_start_up_naming_the_setting_without_secrets(string key, string value, string expected)
    {
        var settings = Valid();
        settings[$"{Section}:{key}"] = value;
        using var provider = Build(settings);

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<HighRoadOptions>>().Value);

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-value", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Neither_individual_id_nor_email_column_fails_at_start_up()
    {
        var settings = Valid();
        settings[$"{Section}:Columns:IndividualId"] = "";
        settings[$"{Section}:Columns:Email"] = "";
        using var provider = Build(settings);

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<HighRoadOptions>>().Value);
        Assert.Contains("Columns:IndividualId or Columns:Email is required", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_host_refuses_to_start_with_a_broken_column_map()
    {
        var settings = Valid();
        settings[$"{Section}:Columns:Date"] = "";
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddHighRoad(builder.Configuration);
        using var host = builder.Build();

        var ex = await Record.ExceptionAsync(() => host.StartAsync());

        // The host reports every options failure it met (here via the resilience configuration too) in one exception.
        var failures = ex is AggregateException all ? all.InnerExceptions : [ex!];
        Assert.NotEmpty(failures);
        Assert.All(failures, f => Assert.Contains("Columns:Date", Assert.IsType<OptionsValidationException>(f).Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Sftp:Host", "", "Sftp:Host is required")]
    [InlineData("Sftp:UserName", "", "Sftp:UserName is required")]
    [InlineData("Sftp:Password", "", "Sftp:Password or Sftp:PrivateKey is required")]
    [InlineData("Sftp:HostKeySha256", "", "Sftp:HostKeySha256 is required")]
    public void Sftp_needs_host_credentials_and_a_host_key(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"{Section}:Enabled"] = "true",
            [$"{Section}:Source"] = "Sftp",
            [$"{Section}:Sftp:Host"] = "sftp.example.test",
            [$"{Section}:Sftp:UserName"] = "assoc",
            [$"{Section}:Sftp:Password"] = "s3cret-value",
            [$"{Section}:Sftp:HostKeySha256"] = "SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        };
        settings[$"{Section}:{key}"] = value;
        using var provider = Build(settings);

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<HighRoadOptions>>().Value);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-value", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Drop_needs_no_url_and_disables_the_source_but_keeps_the_parser()
    {
        using var provider = Build(new() { [$"{Section}:Enabled"] = "true", [$"{Section}:Source"] = "Drop" });

        Assert.Equal(HighRoadSource.Drop, provider.GetRequiredService<IOptions<HighRoadOptions>>().Value.Source);
        Assert.False(provider.GetServices<IVendorTrackingSource>().Single().IsEnabled);
        Assert.Single(provider.GetServices<ITrackingParser>());
    }

    [Fact]
    public void Disabled_needs_nothing()
    {
        using var provider = Build(new() { [$"{Section}:Enabled"] = "false" });

        Assert.False(provider.GetRequiredService<IOptions<HighRoadOptions>>().Value.Enabled);
        Assert.False(provider.GetServices<IVendorTrackingSource>().Single().IsEnabled);
    }
}
