using System.Text;
using System.Text.RegularExpressions;
using EmailIntegration.FaultTests.Infrastructure;
using System.Net.Http.Json;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.VendorSandbox.HighRoad;
using EmailIntegration.VendorSandbox.Informz;
using EmailIntegration.VendorSandbox.RealMagnet;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace EmailIntegration.FaultTests.Faults;

/// <summary>
/// Every log line of a full local run (all three vendor sandboxes, the AMS stand-in, fetch, fan-out,
/// apply, the tab API), captured at every level: no e-mail address of the input data, no credential.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed partial class NoSecretsInLogsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AFullLocalRun_LogsNoEmailAddressAndNoCredential()
    {
        var logs = new CapturingLoggerProvider();
        var today = DateTimeOffset.UtcNow;
        using var realMagnet = RealMagnetSandbox.Start(SandboxData.Generate(seed: 42, today, individuals: 80, mailings: 3));
        using var informz = InformzSandbox.Start(InformzSandboxData.Generate(seed: 42, today, subscribers: 80, recentMailings: 2));
        using var highRoad = HighRoadSandbox.Start(HighRoadSandboxData.Generate(seed: 42, today, recipients: 80, mailings: 3));
        var settings = realMagnet.AdapterSettings().Concat(informz.AdapterSettings()).Concat(highRoad.AdapterSettings()).ToDictionary();
        await using var pipeline = await FaultPipeline.StartAsync(settings,
            configureLogging: logging => logging.ClearProviders().AddProvider(logs).AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace));

        // The AMS stand-in's part, as the runner plays it (AmsStandIn): every individual with an address, through PUT.
        using var http = new HttpClient { BaseAddress = new Uri(pipeline.Runner.BaseUrl) };
        var token = pipeline.Runner.Tokens.MintWithEveryRole();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var individuals = realMagnet.Data.Individuals.Where(i => i.IndividualId is not null).Select(i => (Id: i.IndividualId!, i.Email))
            .Concat(informz.Data.Subscribers.Where(s => s.RemoteId is not null).Select(s => (Id: s.RemoteId!, s.Email)))
            .Concat(highRoad.Data.Recipients.Where(r => r.IndividualId is not null).Select(r => (Id: r.IndividualId!, r.Email)))
            .DistinctBy(i => i.Id, StringComparer.Ordinal).ToList();
        foreach (var (id, email) in individuals)
        {
            using var put = await http.PutAsJsonAsync($"/api/individuals/{id}", new { email });
            put.EnsureSuccessStatusCode();
        }

        var sent = individuals.Count;
        var fetch = await pipeline.Host.FireTimerAsync(default);
        Assert.All(fetch.Vendors, v => Assert.Equal(FetchStatus.Completed, v.Status));
        await pipeline.ReplayAsync(fetch.RunId);
        var sample = realMagnet.Data.ExpectedCountsByIndividual().OrderByDescending(e => e.Value.Total).First().Key;
        foreach (var path in new[] { "email-integration", "profile", "email-integration/view" })
        {
            using var response = await http.GetAsync($"/api/individuals/{sample}/{path}");
            Assert.True(response.IsSuccessStatusCode, path);
        }

        var emails = realMagnet.Data.Individuals.Select(i => i.Email)
            .Concat(informz.Data.Subscribers.Select(s => s.Email))
            .Concat(highRoad.Data.Recipients.Select(r => r.Email))
            .Select(e => e.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var secrets = new Dictionary<string, string>
        {
            ["Real Magnet password"] = realMagnet.Password,
            ["Real Magnet basic auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{realMagnet.UserName}:{realMagnet.Password}")),
            ["Informz password"] = informz.Password,
            ["HighRoad password"] = highRoad.Password,
            ["HighRoad basic auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{highRoad.UserName}:{highRoad.Password}")),
            ["Cosmos key"] = FaultEmulators.CosmosKey,
            ["storage account key"] = FaultEmulators.AccountKey,
            ["function key"] = pipeline.Runner.FunctionKey,
            ["bearer token"] = token,
        };

        var lines = logs.Lines.ToList();
        var leakedEmails = lines.SelectMany(l => Email().Matches(l).Select(m => m.Value.ToLowerInvariant())).Where(emails.Contains).Distinct().ToList();
        var leakedSecrets = secrets.Where(s => lines.Any(l => l.Contains(s.Value, StringComparison.Ordinal))).Select(s => s.Key).ToList();
        foreach (var leak in leakedSecrets)
        {
            output.WriteLine($"{leak}: {lines.First(l => l.Contains(secrets[leak], StringComparison.Ordinal))}");
        }

        foreach (var leak in leakedEmails.Take(3))
        {
            output.WriteLine($"address: {lines.First(l => l.Contains(leak, StringComparison.OrdinalIgnoreCase))}");
        }

        Assert.True(lines.Count > 100, "the capture saw the run");
        Assert.Empty(leakedSecrets);
        Assert.Empty(leakedEmails);
        Figures.Report(output, nameof(AFullLocalRun_LogsNoEmailAddressAndNoCredential),
            $"{lines.Count} log lines (all levels, all categories) of a run with {sent} AMS individuals and "
            + $"{fetch.Vendors.Sum(v => v.Records)} fetched records from {fetch.Vendors.Count} vendors; {emails.Count} input addresses and "
            + $"{secrets.Count} credentials searched; found {leakedEmails.Count} addresses, {leakedSecrets.Count} credentials");
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")]
    private static partial Regex Email();
}
