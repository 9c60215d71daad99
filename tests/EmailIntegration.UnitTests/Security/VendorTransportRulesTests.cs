using System.ComponentModel.DataAnnotations;
using EmailIntegration.Azure;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Vendors;
using EmailIntegration.Vendors.HighRoad;
using EmailIntegration.Vendors.Informz;
using EmailIntegration.Vendors.RealMagnet;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace EmailIntegration.UnitTests.Security;

/// <summary>
/// Vendors over https (loopback excepted), certificate and host-key shortcuts only for loopback hosts, no redirects:
/// all through the app's one registration (<c>AddEmailIntegration</c>).
/// </summary>
public sealed class VendorTransportRulesTests
{
    private static ServiceProvider App(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddEmailIntegration(configuration).BuildServiceProvider();
    }

    private static OptionsValidationException Refused<TOptions>(Dictionary<string, string?> settings)
        where TOptions : class
    {
        using var app = App(settings);
        return Assert.Throws<OptionsValidationException>(() => app.GetRequiredService<IOptions<TOptions>>().Value);
    }

    private static Dictionary<string, string?> RealMagnet(string baseUrl) => new()
    {
        ["Vendors:RealMagnet:Enabled"] = "true",
        ["Vendors:RealMagnet:BaseUrl"] = baseUrl,
        ["Vendors:RealMagnet:UserName"] = "user",
        ["Vendors:RealMagnet:Password"] = "secret",
    };

    private static Dictionary<string, string?> Informz(string baseUrl) => new()
    {
        ["Vendors:Informz:Enabled"] = "true",
        ["Vendors:Informz:BaseUrl"] = baseUrl,
        ["Vendors:Informz:BrandId"] = "9999",
        ["Vendors:Informz:User"] = "api-user",
        ["Vendors:Informz:Password"] = "s3cret-value",
    };

    [Theory]
    [InlineData("http://dna.magnetmail.net/ApiAdapter/Rest/")]
    [InlineData("http://10.0.0.5/ApiAdapter/Rest/")]
    [InlineData("ftp://dna.magnetmail.net/")]
    public void ARealMagnetBaseUrlThatIsNotHttps_IsRefusedAtStart(string baseUrl) =>
        Assert.Contains("https", Refused<RealMagnetOptions>(RealMagnet(baseUrl)).Message, StringComparison.Ordinal);

    [Fact]
    public void AnInformzBaseUrlThatIsNotHttps_IsRefusedAtStart() =>
        Assert.Contains("https", Refused<InformzOptions>(Informz("http://partner.informz.net/aapi/InformzService.svc")).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("https://dna.magnetmail.net/ApiAdapter/Rest/")]
    [InlineData("http://127.0.0.1:9100/ApiAdapter/Rest/")]
    [InlineData("http://localhost:9100/")]
    [InlineData("http://[::1]:9100/")]
    public void HttpsOrALoopbackHost_IsAccepted(string baseUrl)
    {
        using var app = App(RealMagnet(baseUrl));

        Assert.Equal(new Uri(baseUrl), app.GetRequiredService<IOptions<RealMagnetOptions>>().Value.BaseUrl);
    }

    [Fact]
    public void AHighRoadHttpsUrlThatIsNotHttps_IsRefusedAtStart()
    {
        var failures = new HighRoadOptionsValidator().Validate(null, new HighRoadOptions
        {
            Enabled = true, Source = HighRoadSource.Https, HttpsUrl = "http://exports.highroad.example/{from}",
        });

        Assert.Contains(failures.Failures!, f => f.Contains("HttpsUrl", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sftp.highroad.example", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("127.0.0.1", true)]
    [InlineData("localhost", true)]
    public void AnyHostKeySftp_IsOnlyForALoopbackHost(string host, bool accepted)
    {
        var result = new HighRoadOptionsValidator().Validate(null, new HighRoadOptions
        {
            Enabled = true,
            Source = HighRoadSource.Sftp,
            Sftp = new HighRoadSftpOptions { Host = host, UserName = "u", Password = "p", AllowAnyHostKey = true, RemoteDirectory = "/out" },
        });

        Assert.Equal(accepted, !(result.Failures ?? []).Any(f => f.Contains("AllowAnyHostKey", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("https://contoso.documents.azure.com:443/", false)]
    [InlineData("https://127.0.0.1:8081/", true)]
    public void ASelfSignedCosmosCertificate_IsOnlyAcceptedFromALoopbackEndpoint(string endpoint, bool accepted)
    {
        var options = new CosmosOptions { Endpoint = new Uri(endpoint), AcceptSelfSignedCertificate = true };
        var results = new List<ValidationResult>();

        Assert.Equal(accepted, Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
    }

    [Fact]
    public async Task AVendorClient_DoesNotFollowARedirect()
    {
        using var vendor = WireMockServer.Start();
        vendor.Given(Request.Create().WithPath("/ApiAdapter/Rest/Authenticate/"))
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", vendor.Url + "/elsewhere"));
        vendor.Given(Request.Create().WithPath("/elsewhere")).RespondWith(Response.Create().WithStatusCode(200).WithBody("followed"));
        using var app = App(RealMagnet(vendor.Url + "/ApiAdapter/Rest/"));
        using var http = app.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(RealMagnetClient));

        using var response = await http.PostAsync(vendor.Url + "/ApiAdapter/Rest/Authenticate/", new StringContent("{}"));

        Assert.Equal(System.Net.HttpStatusCode.Found, response.StatusCode);
        Assert.DoesNotContain(vendor.LogEntries, e => e.RequestMessage.Path == "/elsewhere");
    }

    [Theory]
    [InlineData("localhost", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("::1", true)]
    [InlineData("localhost.evil.example", false)]
    [InlineData("127.0.0.1.nip.io", false)]
    [InlineData("", false)]
    public void Loopback_MeansALoopbackAddressOrLocalhost(string host, bool loopback) =>
        Assert.Equal(loopback, VendorEndpoints.IsLoopback(host));
}
