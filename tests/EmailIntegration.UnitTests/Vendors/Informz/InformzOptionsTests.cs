using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.UnitTests.Vendors.RealMagnet;
using EmailIntegration.Vendors.Informz;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EmailIntegration.UnitTests.Vendors.Informz;

public class InformzOptionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IVendorDirectory, InMemoryVendorDirectory>();
        services.AddInformz(configuration);
        return services.BuildServiceProvider(validateScopes: true);
    }

    private static Dictionary<string, string?> Valid() => new()
    {
        ["Vendors:Informz:Enabled"] = "true",
        ["Vendors:Informz:BaseUrl"] = "https://partner.informz.net/aapi/InformzService.svc",
        ["Vendors:Informz:BrandId"] = "9999",
        ["Vendors:Informz:User"] = "api-user",
        ["Vendors:Informz:Password"] = "s3cret-value",
    };

    [Fact]
    public void Binds_the_section_with_defaults()
    {
        using var provider = Build(Valid());

        var o = provider.GetRequiredService<IOptions<InformzOptions>>().Value;

        Assert.True(o.Enabled);
        Assert.Equal(1000, o.PageSize);
        Assert.Equal(1, o.StartRowBase);
        Assert.Equal(7, o.InitialLookbackDays);
        Assert.Equal(31, o.MaxWindowDays);
        Assert.Equal(30, o.MailingLookbackDays);
        Assert.Equal("user_id", o.IndividualIdField);
        Assert.Equal("America/New_York", o.VendorTimeZone);
        Assert.True(o.FetchInterestCancellations);
        Assert.Equal("http://partner.informz.net/aapi/2009/08/IInformzWebServiceContract/PostInformzMessage", o.SoapAction);
        Assert.False(o.EncryptionEnabled);
        Assert.Equal(0, o.SubscriberDirectoryDays);
        Assert.Contains(provider.GetServices<IVendorTrackingSource>(), s => s is InformzTrackingSource);
        Assert.Contains(provider.GetServices<ITrackingParser>(), p => p is InformzTrackingParser);
    }

    [Theory]
    [InlineData("PageSize", "1001")]
    [InlineData("PageSize", "0")]
    [InlineData("BaseUrl", "")]
    [InlineData("BrandId", "")]
    [InlineData("BrandId", "brand")]
    [InlineData("User", "")]
    [InlineData("Password", "")]
    [InlineData("MailingLookbackDays", "100")]
    [InlineData("IndividualIdField", "user id; drop")]
    [InlineData("VendorTimeZone", "Mars/Olympus_Mons")]
    [InlineData("AttemptTimeout", "00:10:00")]
    public void Invalid_settings_fail_validation_without_showing_the_password(string key, string value)
    {
        var settings = Valid();
        settings["Vendors:Informz:Timeout"] = "00:05:00";
        settings[$"Vendors:Informz:{key}"] = value;
        using var provider = Build(settings);

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<InformzOptions>>().Value);

        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-value", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "EncryptionKey is empty")]
    [InlineData("48FA52CF47FF8083E8760BC9", "does not encrypt payloads yet")]
    public void Encryption_turned_on_is_refused_at_start_up_with_a_clear_error(string? key, string expected)
    {
        var settings = Valid();
        settings["Vendors:Informz:EncryptionEnabled"] = "true";
        settings["Vendors:Informz:EncryptionKey"] = key;
        using var provider = Build(settings);

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<InformzOptions>>().Value);

        Assert.Contains("EncryptionEnabled", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("48FA52CF", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disabled_needs_no_credentials()
    {
        using var provider = Build(new() { ["Vendors:Informz:Enabled"] = "false" });

        Assert.False(provider.GetRequiredService<IOptions<InformzOptions>>().Value.Enabled);
    }
}
