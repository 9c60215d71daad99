using System.Globalization;
using EmailIntegration.LocalRunner.Hosting;
using EmailIntegration.Pipeline.Operations;

namespace EmailIntegration.LocalRunner.Poison;

/// <summary>
/// <c>EmailIntegration.LocalRunner poison list</c> shows the messages in the tracking queue's poison
/// queue; <c>poison requeue</c> moves them back to the tracking queue (run the runner, or let the
/// Functions host drain it, afterwards). Both use the same settings and DI graph as the runner
/// (local.settings.json, environment, <c>--Key=Value</c> arguments), so they act on the configured queue.
/// </summary>
public static class PoisonCommand
{
    public const string Usage = "usage: EmailIntegration.LocalRunner poison list|requeue [--TrackingQueue=<queue>] [--AzureWebJobsStorage=<connection>]";

    public static async Task<int> RunAsync(
        string[] args, IReadOnlyDictionary<string, string?>? overrides = null, TextWriter? output = null, CancellationToken cancellationToken = default)
    {
        output ??= Console.Out;
        var verb = args.FirstOrDefault();
        if (verb is not ("list" or "requeue"))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        // No vendor sandbox, no HTTP: only the service graph.
        var settings = new Dictionary<string, string?>(overrides ?? new Dictionary<string, string?>()) { ["LocalRunner:Sandbox"] = "false" };
        await using var runner = await LocalRunnerApp.CreateAsync(args[1..], settings, cancellationToken);
        var poison = runner.Services.GetRequiredService<IPoisonQueue>();
        if (verb == "requeue")
        {
            var moved = await poison.RequeueAsync(cancellationToken);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Re-queued {moved} message(s) from {poison.PoisonName} to {poison.QueueName}."));
            return 0;
        }

        var (total, messages, _) = await poison.ListAsync(cancellationToken);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{poison.PoisonName}: {total} message(s)"));
        foreach (var m in messages)
        {
            await output.WriteLineAsync(m.IndividualId is null
                ? string.Create(CultureInfo.InvariantCulture, $"  {m.MessageId}  {m.InsertedOn:o}  not a tracking message ({m.Bytes} bytes)")
                : string.Create(CultureInfo.InvariantCulture,
                    $"  {m.MessageId}  {m.InsertedOn:o}  individual {m.IndividualId}  {m.SourceFile} part {m.Part}  {m.Events} event(s)"));
        }

        if (total > messages.Count)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  … and about {total - messages.Count} more"));
        }

        return 0;
    }
}
