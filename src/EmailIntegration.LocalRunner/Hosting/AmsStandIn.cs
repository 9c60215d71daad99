using System.Net.Http.Json;
using EmailIntegration.Functions.Security;
using EmailIntegration.VendorSandbox;

namespace EmailIntegration.LocalRunner.Hosting;

/// <summary>
/// Plays the AMS for a local run: sends the sandbox's individuals through the real
/// PUT /api/individuals/{id} route before the import, as netFORUM would.
/// </summary>
public static class AmsStandIn
{
    public static async Task<int> SendIndividualsAsync(LocalRunnerApp runner, VendorSandboxes sandboxes, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(runner.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", runner.Tokens.Mint([ApiRoles.IndividualsWrite], TimeSpan.FromMinutes(30), "ams-stand-in"));
        var sent = 0;
        await Parallel.ForEachAsync(sandboxes.AmsIndividuals(),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (individual, ct) =>
            {
                using var response = await http.PutAsJsonAsync(
                    $"/api/individuals/{individual.IndividualId}", new { email = individual.Email }, ct);
                response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref sent);
            });
        return sent;
    }
}
