using System.Text.Json;
using System.Text.RegularExpressions;

namespace EmailIntegration.UnitTests.Infra;

/// <summary>
/// Keeps infra/ and the code in step: every setting the code reads locally (local.settings.sample.json)
/// is set on the Function App in Azure, and every app setting infra/ sets is one the code or the
/// Functions host reads. The app settings are the <c>appSettings</c> list in infra/app/api.bicep.
/// </summary>
public sealed partial class AppSettingsInBicepTests
{
    /// <summary>Settings that only make sense on a developer machine or in CI.</summary>
    private static readonly HashSet<string> LocalOnly = new(StringComparer.Ordinal)
    {
        "FUNCTIONS_WORKER_RUNTIME",              // Flex Consumption sets the runtime in functionAppConfig.
        "AzureWebJobsStorage",                   // A connection string (Azurite); Azure uses the identity settings below.
        "Cosmos__Key",                           // The emulator key; Azure uses the managed identity.
        "Cosmos__AcceptSelfSignedCertificate",   // The emulator's certificate. Never in Azure.
        "Auth__LocalIssuer__SigningKey",         // The local token issuer's key (the runner makes it). Never in Azure.
    };

    private const string LocalOnlyPrefix = "LocalRunner__";

    /// <summary>Identity-based connections and host settings that exist only in Azure.</summary>
    private static readonly HashSet<string> AzureOnly = new(StringComparer.Ordinal)
    {
        "AzureWebJobsStorage__blobServiceUri",
        "AzureWebJobsStorage__queueServiceUri",
        "AzureWebJobsStorage__tableServiceUri",
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
        "ServiceBus__fullyQualifiedNamespace",
        "ServiceBus__credential",
        "ServiceBus__clientId",
        "Cosmos__clientId",
        "AZURE_CLIENT_ID",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        "Auth__Authority",                       // Entra ID token validation (docs/security.md); locally the runner's own issuer.
        "Auth__Audience",
        "Auth__ClientId",
    };

    private static readonly string RepoRoot = FindRepoRoot();

    [Fact]
    public void EverySettingTheCodeReads_IsAnAppSettingInAzure()
    {
        var inAzure = AppSettings().Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

        var missing = LocalSettingKeys().Where(key => !IsLocalOnly(key) && !inAzure.Contains(key)).ToList();

        Assert.True(missing.Count == 0, $"Not set in infra/app/api.bicep: {string.Join(", ", missing)}");
    }

    [Fact]
    public void EveryAzureOnlyIdentitySetting_IsAnAppSettingInAzure()
    {
        var inAzure = AppSettings().Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

        var missing = AzureOnly.Where(key => !inAzure.Contains(key)).ToList();

        Assert.True(missing.Count == 0, $"Not set in infra/app/api.bicep: {string.Join(", ", missing)}");
    }

    [Fact]
    public void EveryAppSettingInAzure_IsOneTheCodeReads()
    {
        var read = LocalSettingKeys().ToHashSet(StringComparer.Ordinal);

        var unknown = AppSettings().Select(s => s.Name).Where(name => !read.Contains(name) && !AzureOnly.Contains(name)).ToList();

        Assert.True(unknown.Count == 0,
            $"Set in infra/app/api.bicep but neither in local.settings.sample.json nor in the Azure-only list: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void NoLocalOnlySetting_IsAnAppSettingInAzure()
    {
        var leaked = AppSettings().Select(s => s.Name).Where(IsLocalOnly).ToList();

        Assert.True(leaked.Count == 0, $"Local-only settings set in Azure: {string.Join(", ", leaked)}");
    }

    [Fact]
    public void AppSettingNames_AreUnique()
    {
        var duplicates = AppSettings().GroupBy(s => s.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

        Assert.True(duplicates.Count == 0, $"Duplicate app settings: {string.Join(", ", duplicates)}");
    }

    [Fact]
    public void TrackingTransport_IsServiceBusInAzure()
    {
        Assert.Equal("'ServiceBus'", Value("TrackingTransport"));
    }

    [Theory]
    [InlineData("Vendors__RealMagnet__UserName")]
    [InlineData("Vendors__RealMagnet__Password")]
    [InlineData("Webhooks__SendGrid__VerificationKey")]
    [InlineData("Webhooks__Mailgun__SigningKey")]
    [InlineData("Webhooks__Postmark__UserName")]
    [InlineData("Webhooks__Postmark__Password")]
    [InlineData("Ams__WebhookSecret")]
    public void VendorCredentials_AreKeyVaultReferences(string name)
    {
        Assert.StartsWith("'@Microsoft.KeyVault(SecretUri=", Value(name), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage__credential")]
    [InlineData("ServiceBus__credential")]
    public void IdentityConnections_UseTheManagedIdentity(string name)
    {
        Assert.Equal("'managedidentity'", Value(name));
    }

    /// <summary>The replay's retention and the lifecycle policy that deletes landed and quarantined files are one parameter.</summary>
    [Fact]
    public void Retention_IsTheLifecyclePolicysParameter_WithTheCodesDefault()
    {
        var main = File.ReadAllText(Path.Combine(RepoRoot, "infra", "main.bicep"));
        var policy = Regex.Match(main, @"module blobRetention 'core/storage/blob-retention\.bicep' = \{(?<body>.*?)\n\}", RegexOptions.Singleline);

        Assert.Equal("string(retentionDays)", Value("Retention__Days"));
        Assert.True(policy.Success, "infra/main.bicep does not call core/storage/blob-retention.bicep.");
        Assert.Contains("retentionDays: retentionDays", policy.Groups["body"].Value, StringComparison.Ordinal);
        Assert.Contains("landingContainerName", policy.Groups["body"].Value, StringComparison.Ordinal);
        Assert.Contains("quarantineContainerName", policy.Groups["body"].Value, StringComparison.Ordinal);
        Assert.Contains($"param retentionDays int = {new EmailIntegration.Pipeline.Runs.RetentionOptions().Days}", main, StringComparison.Ordinal);
    }

    private static bool IsLocalOnly(string key) =>
        LocalOnly.Contains(key) || key.StartsWith(LocalOnlyPrefix, StringComparison.Ordinal);

    private static IEnumerable<string> LocalSettingKeys()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot, "local.settings.sample.json")));
        return document.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToList();
    }

    private static string Value(string name) =>
        AppSettings().Single(s => s.Name == name).Value;

    /// <summary>The name/value pairs of <c>var appSettings = [ ... ]</c> in infra/app/api.bicep.</summary>
    private static List<(string Name, string Value)> AppSettings()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoRoot, "infra", "app", "api.bicep"));
        var start = Array.FindIndex(lines, l => l.TrimEnd() == "var appSettings = [");
        Assert.True(start >= 0, "infra/app/api.bicep has no 'var appSettings = [' list.");
        var end = Array.FindIndex(lines, start + 1, l => l.TrimEnd() == "]");
        Assert.True(end > start, "The appSettings list in infra/app/api.bicep is not closed by a ']' line.");

        var block = string.Join('\n', lines[(start + 1)..end]);
        var settings = SettingPattern().Matches(block)
            .Select(m => (m.Groups["name"].Value, m.Groups["value"].Value.Trim()))
            .ToList();
        Assert.NotEmpty(settings);
        // Every `name:` in the list must be a literal the pattern understood.
        Assert.Equal(Regex.Count(block, @"\bname:"), settings.Count);
        return settings;
    }

    [GeneratedRegex(@"name:\s*'(?<name>[^']+)'\s*\n\s*value:\s*(?<value>[^\n]+)")]
    private static partial Regex SettingPattern();

    private static string FindRepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EmailIntegration.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No EmailIntegration.sln above {AppContext.BaseDirectory}.");
    }
}
