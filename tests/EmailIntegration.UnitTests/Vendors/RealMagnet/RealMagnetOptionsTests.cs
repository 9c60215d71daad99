using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Vendors.RealMagnet;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EmailIntegration.UnitTests.Vendors.RealMagnet;

public class RealMagnetOptionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IVendorDirectory, InMemoryVendorDirectory>();
        services.AddRealMagnet(configuration);
        return services.BuildServiceProvider(validateScopes: true);
    }

    [Fact]
    public void Binds_the_section_with_defaults()
    {
        using var provider = Build(new()
        {
            ["Vendors:RealMagnet:Enabled"] = "true",
            ["Vendors:RealMagnet:BaseUrl"] = "https://dna.magnetmail.net/ApiAdapter/Rest/",
            ["Vendors:RealMagnet:UserName"] = "user",
            ["Vendors:RealMagnet:Password"] = "secret",
        });

        var o = provider.GetRequiredService<IOptions<RealMagnetOptions>>().Value;

        Assert.True(o.Enabled);
        Assert.Equal(2000, o.PageSize);
        Assert.Equal(7, o.InitialLookbackDays);
        Assert.Equal(31, o.MaxWindowDays);
        Assert.Equal(30, o.MessageLookbackDays);
        Assert.Contains(provider.GetServices<IVendorTrackingSource>(), s => s is RealMagnetTrackingSource);
        Assert.Contains(provider.GetServices<ITrackingParser>(), p => p is RealMagnetTrackingParser);
    }

    [Theory]
    [InlineData("PageSize", "2001")]
    [InlineData("PageSize", "0")]
    [InlineData("BaseUrl", "")]
    [InlineData("UserName", "")]
    [InlineData("Password", "")]
    [InlineData("AttemptTimeout", "00:10:00")]
    public void Invalid_settings_fail_validation_without_showing_the_password(string key, string value)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Vendors:RealMagnet:Enabled"] = "true",
            ["Vendors:RealMagnet:BaseUrl"] = "https://dna.magnetmail.net/ApiAdapter/Rest/",
            ["Vendors:RealMagnet:UserName"] = "user",
            ["Vendors:RealMagnet:Password"] = "s3cret-value",
            ["Vendors:RealMagnet:Timeout"] = "00:05:00",
        };
        settings[$"Vendors:RealMagnet:{key}"] = value;
        using var provider = Build(settings);

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RealMagnetOptions>>().Value);

        Assert.DoesNotContain("s3cret-value", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disabled_needs_no_credentials()
    {
        using var provider = Build(new() { ["Vendors:RealMagnet:Enabled"] = "false" });

        Assert.False(provider.GetRequiredService<IOptions<RealMagnetOptions>>().Value.Enabled);
        Assert.False(provider.GetServices<IVendorTrackingSource>().Single().IsEnabled);
    }
}
