using System.Runtime.InteropServices;
using EmailIntegration.Functions.Security;
using EmailIntegration.LocalRunner.Bench;
using EmailIntegration.LocalRunner.Hosting;
using EmailIntegration.LocalRunner.Poison;

// poison list|requeue: show the tracking queue's poison messages, or move them back after a fix (Poison/PoisonCommand.cs).
if (args.FirstOrDefault() == "poison")
{
    return await PoisonCommand.RunAsync(args[1..]);
}

// bench [--events N] …: measure the pipeline against the emulators (Bench/BenchCommand.cs, docs/benchmarks.md).
if (args.FirstOrDefault() == "bench")
{
    return await BenchCommand.RunAsync(args[1..]);
}

// Usage: EmailIntegration.LocalRunner [--once] [--replay <runId>]
//   (no option)      fetch from the vendors, fan out, apply, print the summary, then serve until Ctrl+C
//   --once           the same, then exit 0 after the summary
//   --replay <runId> skip the fetch and re-process the landed files of that run (what an operator does to redo a night)
var once = args.Contains("--once");
var replayIndex = Array.IndexOf(args, "--replay");
var replayRunId = replayIndex >= 0 && replayIndex + 1 < args.Length ? args[replayIndex + 1] : null;
if (replayIndex >= 0 && replayRunId is null)
{
    Console.Error.WriteLine("--replay needs a run id (printed as 'Run:' by an earlier run).");
    return 2;
}

using var cancellation = new CancellationTokenSource();
// Ctrl+C and a service manager's SIGTERM both stop the runner cleanly.
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
var hostArgs = args.Where((a, i) => a != "--once" && a != "--replay" && (replayIndex < 0 || i != replayIndex + 1)).ToArray();

using var summary = new ImportSummary();
await using var runner = await LocalRunnerApp.CreateAsync(hostArgs, cancellationToken: cancellation.Token);
try
{
    await runner.App.StartAsync(cancellation.Token);
}
catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    Console.Error.WriteLine($"{ex.Message} Is another local run still serving? Stop it, or set LocalRunner__Port.");
    return 1;
}

if (runner.Sandbox is not null)
{
    var sent = await AmsStandIn.SendIndividualsAsync(runner, runner.Sandbox, cancellation.Token);
    Console.WriteLine($"AMS: sent {sent} individuals");
}

var runId = replayRunId;
if (runId is not null)
{
    try
    {
        await runner.Services.GetRequiredService<EmailIntegration.Pipeline.Runs.RunReplayer>().EnsureWithinRetentionAsync(runId, cancellation.Token);
    }
    catch (EmailIntegration.Pipeline.Runs.RetentionExpiredException ex)
    {
        Console.Error.WriteLine(ex.Message);
        return 1;
    }
}
else
{
    var fetch = await runner.Host.FireTimerAsync(cancellation.Token);
    runId = fetch.RunId;
    foreach (var vendor in fetch.Vendors)
    {
        Console.WriteLine($"Fetch {vendor.Vendor}: {vendor.Status} {vendor.WindowStart:yyyy-MM-dd}..{vendor.WindowEnd:yyyy-MM-dd}, {vendor.Pages} pages, {vendor.Records} records{(vendor.Error is null ? "" : " — " + vendor.Error)}");
    }
}

var (files, processed, poisoned, _, _) = await runner.Host.FanOutAndApplyAsync(runId, cancellation.Token);
_ = runner.Host.ServeOutboundQueueAsync(cancellation.Token);
// The AMS webhook push's timer (every 5 minutes in Azure), every 30 seconds here; it does nothing without Ams__WebhookUrl.
_ = runner.Host.ServeAmsWebhookAsync(TimeSpan.FromSeconds(30), cancellation.Token);

// From here on, whatever lands (webhooks, replays, an operator's drop) is fanned out and applied as it lands.
_ = await runner.Host.ServeLandedFilesAsync(cancellation.Token);

Console.WriteLine($"Run: {runId}");
Console.WriteLine($"Import summary ({files} landed files, {processed} messages applied, {poisoned} poisoned):");
foreach (var line in summary.Lines())
{
    Console.WriteLine(line);
}

// Point at a sandbox individual with plenty of activity, so the printed tab has rows to show.
// Tab: and Page: carry a read-only view link for that one individual (no key, nothing that writes); Token: has every
// role, for the rest of the API (curl -H "Authorization: Bearer …"), and only this run's API accepts it.
var individual = runner.Sandbox?.SampleIndividualId() ?? "IND-00001";
var view = Uri.EscapeDataString(runner.ViewToken(individual, LocalTokenIssuer.DefaultLifetime));
Console.WriteLine($"Tab: {runner.BaseUrl}/api/individuals/{individual}/email-integration?{ViewLinks.QueryParameter}={view}");
Console.WriteLine($"Page: {runner.BaseUrl}/api/individuals/{individual}/email-integration/view?{ViewLinks.QueryParameter}={view}");
Console.WriteLine($"Token: {runner.Tokens.MintWithEveryRole()}");
// The feed's URL only: the token goes in the Authorization header (README, "The AMS change feed").
Console.WriteLine($"Changes: {runner.BaseUrl}/api/changes?pageSize=100");
// The operations pages' links carry no credential: send the Token: above as the Authorization header.
Console.WriteLine($"Operations: {runner.BaseUrl}/api/operations (header Authorization: Bearer <Token>)");

if (once)
{
    await runner.App.StopAsync(CancellationToken.None);
    return 0;
}

Console.WriteLine("Serving; press Ctrl+C to stop.");
try
{
    await Task.Delay(Timeout.Infinite, cancellation.Token);
}
catch (OperationCanceledException)
{
}

await runner.App.StopAsync(CancellationToken.None);
return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    cancellation.Cancel();
}
