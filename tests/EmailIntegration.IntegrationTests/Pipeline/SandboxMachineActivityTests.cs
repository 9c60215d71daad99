using EmailIntegration.Domain.Documents;
using EmailIntegration.Domain.Rules;
using EmailIntegration.IntegrationTests.Infrastructure;
using EmailIntegration.Pipeline.Apply;
using EmailIntegration.VendorSandbox.RealMagnet;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace EmailIntegration.IntegrationTests.Pipeline;

/// <summary>
/// The local run's night (the Real Magnet sandbox with the local runner's seed and size) through the pipeline, then every
/// open and click it stored tallied by the rule that classified it: the figures in docs/machine-activity.md.
/// </summary>
public sealed class SandboxMachineActivityTests(ITestOutputHelper output) : IAsyncLifetime
{
    private RealMagnetSandbox sandbox = null!;
    private IsolatedPipeline pipeline = null!;

    public async Task InitializeAsync()
    {
        // As VendorSandboxes.Start(seed: 42, today) for scripts/run-local.sh.
        sandbox = RealMagnetSandbox.Start(SandboxData.Generate(seed: 42, today: DateTimeOffset.UtcNow));
        pipeline = await IsolatedPipeline.StartAsync(sandbox.Url.ToString(), new Dictionary<string, string?>
        {
            ["Vendors:RealMagnet:UserName"] = sandbox.UserName,
            ["Vendors:RealMagnet:Password"] = sandbox.Password,
        });
    }

    public async Task DisposeAsync()
    {
        await pipeline.DisposeAsync();
        sandbox.Dispose();
    }

    [Fact]
    public async Task EveryOpenAndClickOfTheSandboxNight_IsClassifiedOnce_ByOneRule()
    {
        await pipeline.RunNightAsync();
        var store = pipeline.Services.GetRequiredService<IIndividualDocumentStore>();
        var rules = pipeline.Services.GetRequiredService<EffectRules>().MachineActivity;
        var opens = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var clicks = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var expected = sandbox.Data.ExpectedCountsByIndividual();

        foreach (var individual in expected.Keys)
        {
            var page = await store.QueryAsync(individual, new FormQuery(DocumentTypes.Tracking, 1000), default);
            Assert.False(page.More);
            foreach (var tracking in page.Documents.Cast<MailingTrackingDocument>())
            {
                foreach (var open in tracking.Opens)
                {
                    Tally(opens, rules.MachineReasonOfOpen(open, tracking.ReceivedAt, tracking.Vendor));
                }

                var all = tracking.Clicks.SelectMany(l => l.Clicks.Select(c => (l.Url, c))).ToList();
                foreach (var reason in rules.MachineReasonsOfClicks(all, tracking.ReceivedAt, tracking.Vendor))
                {
                    Tally(clicks, reason);
                }

                Assert.Equal(tracking.OpenCount, tracking.PersonOpenCount + tracking.MachineOpenCount);
            }
        }

        output.WriteLine($"Individuals: {expected.Count}; opens: {string.Join(", ", opens.Select(o => $"{o.Key} {o.Value}"))}; "
                         + $"clicks: {string.Join(", ", clicks.Select(c => $"{c.Key} {c.Value}"))}");
        Assert.Equal(expected.Values.Sum(c => c.Opened), opens.Values.Sum());
        Assert.Equal(expected.Values.Sum(c => c.Clicked), clicks.Values.Sum());
    }

    private static void Tally(SortedDictionary<string, int> counts, string? reason)
    {
        var key = reason ?? MachineActivityRules.Person;
        counts[key] = counts.GetValueOrDefault(key) + 1;
    }
}
