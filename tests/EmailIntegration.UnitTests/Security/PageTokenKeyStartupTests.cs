using EmailIntegration.Functions.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EmailIntegration.UnitTests.Security;

/// <summary>The page-token key is checked when the host starts, not on the first request that needs it.</summary>
public sealed class PageTokenKeyStartupTests
{
    private const string GoodKey = "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8=";

    private static void ValidateAtStartUp(string? key, string? previousKey = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Api:PageTokenKey"] = key,
            ["Api:PreviousPageTokenKey"] = previousKey,
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddApiSecurity(configuration).BuildServiceProvider();

        // What IHost.StartAsync runs for every ValidateOnStart option.
        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("not base64!", null)]
    [InlineData("c2hvcnQ=", null)]
    [InlineData(GoodKey, "c2hvcnQ=")]
    public void AMissingOrMalformedKey_StopsTheStart_NamingTheSetting(string? key, string? previousKey)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => ValidateAtStartUp(key, previousKey));

        Assert.Contains("Api__PageTokenKey", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AGoodKey_Starts() => ValidateAtStartUp(GoodKey);
}
