using System.Net;
using EmailIntegration.Domain.Rules;
using EmailIntegration.Pipeline.Apply;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EmailIntegration.UnitTests.Pipeline;

/// <summary>The Effects__MachineActivity__… settings: bound, defaulted and validated with the other effect rules.</summary>
public sealed class MachineActivityOptionsTests
{
    [Fact]
    public void WithoutSettings_TheDocumentedDefaultsApply()
    {
        var rules = Bind([]).Value.ToRules().MachineActivity;

        Assert.Equal(TimeSpan.FromSeconds(2), rules.OpenWithinOfDelivery);
        Assert.Equal(TimeSpan.FromSeconds(5), rules.ClickWithinOfDelivery);
        Assert.Equal(TimeSpan.FromSeconds(5), rules.BurstWindow);
        Assert.Equal(3, rules.BurstDistinctLinks);
        Assert.True(rules.TrustVendorFlag);
        Assert.Equal(["Barracuda", "Proofpoint", "CiscoSecureEmail", "Edge/12.246"], rules.UserAgentMarkers);
        Assert.Empty(rules.IpRanges);
    }

    [Fact]
    public void EverySetting_ReachesTheRules()
    {
        var rules = Bind(new()
        {
            ["Effects:MachineActivity:OpenSecondsAfterDelivery"] = "1.5",
            ["Effects:MachineActivity:ClickSecondsAfterDelivery"] = "0",
            ["Effects:MachineActivity:BurstSeconds"] = "10",
            ["Effects:MachineActivity:BurstDistinctLinks"] = "4",
            ["Effects:MachineActivity:TrustVendorFlag"] = "false",
            ["Effects:MachineActivity:UserAgents"] = " Mimecast ;",
            ["Effects:MachineActivity:IpRanges"] = "192.0.2.0/24; 2001:db8::/32",
        }).Value.ToRules().MachineActivity;

        Assert.Equal(TimeSpan.FromSeconds(1.5), rules.OpenWithinOfDelivery);
        Assert.Equal(TimeSpan.Zero, rules.ClickWithinOfDelivery);
        Assert.Equal(TimeSpan.FromSeconds(10), rules.BurstWindow);
        Assert.Equal(4, rules.BurstDistinctLinks);
        Assert.False(rules.TrustVendorFlag);
        Assert.Equal(["Mimecast"], rules.UserAgentMarkers);
        Assert.Equal([IPNetwork.Parse("192.0.2.0/24"), IPNetwork.Parse("2001:db8::/32")], rules.IpRanges);
    }

    [Theory]
    [InlineData("OpenSecondsAfterDelivery", "-1", "Effects:MachineActivity:OpenSecondsAfterDelivery")]
    [InlineData("ClickSecondsAfterDelivery", "3601", "Effects:MachineActivity:ClickSecondsAfterDelivery")]
    [InlineData("BurstSeconds", "601", "Effects:MachineActivity:BurstSeconds")]
    [InlineData("BurstDistinctLinks", "1", "BurstDistinctLinks must be 0 (off) or at least 2")]
    [InlineData("BurstDistinctLinks", "-2", "Effects:MachineActivity:BurstDistinctLinks")]
    [InlineData("IpRanges", "192.0.2.0/24; 10.0.0.0/33", "'10.0.0.0/33' is not a CIDR range")]
    [InlineData("IpRanges", "example.org", "'example.org' is not a CIDR range")]
    public void ABadSetting_FailsValidation_NamingIt(string key, string value, string expected)
    {
        var options = Bind(new() { ["Effects:MachineActivity:" + key] = value });

        var ex = Assert.Throws<OptionsValidationException>(() => options.Value);

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("2")]
    public void BurstDistinctLinks_OfZeroOrTwo_IsValid(string value) =>
        Assert.Equal(int.Parse(value, System.Globalization.CultureInfo.InvariantCulture),
            Bind(new() { ["Effects:MachineActivity:BurstDistinctLinks"] = value }).Value.ToRules().MachineActivity.BurstDistinctLinks);

    /// <summary>As AddEmailIntegration registers the section (bound, data annotations, checked at start-up).</summary>
    private static IOptions<EffectsOptions> Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddOptions<EffectsOptions>().Bind(configuration.GetSection(EffectsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        return services.BuildServiceProvider().GetRequiredService<IOptions<EffectsOptions>>();
    }
}
