using System.Diagnostics;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using EmailIntegration.Azure.Configuration;
using EmailIntegration.Azure.Outbound;
using EmailIntegration.Functions.Apply;
using EmailIntegration.Functions.Changes;
using EmailIntegration.Functions.FanOut;
using EmailIntegration.Functions.Fetch;
using EmailIntegration.Functions.Outbound;
using EmailIntegration.Pipeline.AmsWebhook;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmailIntegration.LocalRunner.Hosting;

/// <summary>
/// What the Functions host would do, done by hand: fire the timer, fire the blob trigger once per
/// landed file, and run the queue trigger for each message until the queue is empty, batched as host.json says (moving a
/// message that keeps failing to the poison queue after its maxDequeueCount) — the tracking queue and the
/// outbound queue alike.
/// </summary>
public sealed class LocalFunctionsHost(IServiceProvider services, QueueTriggerRules queueRules, ILogger<LocalFunctionsHost> logger)
{
    private readonly int maxDequeueCount = queueRules.MaxDequeueCount;
    private static readonly TimeSpan RetryVisibility = TimeSpan.FromMilliseconds(500);

    public async Task<FetchRunResult> FireTimerAsync(CancellationToken cancellationToken)
    {
        var function = ActivatorUtilities.CreateInstance<FetchVendorTracking>(services);
        return await function.Run(new TimerInfo(), cancellationToken);
    }

    /// <summary>Fires the AMS webhook push's timer (<see cref="PushChangesToAms"/>) once; it does nothing while Ams:WebhookUrl is unset.</summary>
    public Task<AmsPushResult> FireAmsWebhookTimerAsync(CancellationToken cancellationToken) =>
        ActivatorUtilities.CreateInstance<PushChangesToAms>(services).Run(new TimerInfo(), cancellationToken);

    /// <summary>While serving, fires the AMS webhook push's timer every <paramref name="interval"/>; stops with <paramref name="cancellationToken"/>.</summary>
    public Task ServeAmsWebhookAsync(TimeSpan interval, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await FireAmsWebhookTimerAsync(cancellationToken);
                await Task.Delay(interval, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The AMS webhook push failed; trying again");
                await Task.Delay(interval, CancellationToken.None);
            }
        }
    }, CancellationToken.None);

    /// <summary>Fires the blob trigger for every file landed by the run.</summary>
    public async Task<int> FireBlobTriggersAsync(string runId, CancellationToken cancellationToken)
    {
        var files = 0;
        await foreach (var blob in LandedBlobsAsync(runId, cancellationToken))
        {
            await FireBlobTriggerAsync(blob, cancellationToken);
            files++;
        }

        return files;
    }

    /// <summary>
    /// A run's landed files through the pipeline as the host's blob and queue listeners would take them, overlapped:
    /// each file's blob trigger, then the queue drained before the next file. Keeping the local queue no deeper than one
    /// file's messages matters on Azurite, whose queue store scans and sorts the whole queue on every receive and delete;
    /// a night queued at once made the drain quadratic (a 100,000-event bench stalled at 7 % of apply).
    /// </summary>
    public async Task<LandedRunResult> FanOutAndApplyAsync(string runId, CancellationToken cancellationToken)
    {
        int files = 0, processed = 0, poisoned = 0;
        TimeSpan fanOut = TimeSpan.Zero, apply = TimeSpan.Zero;
        await foreach (var blob in LandedBlobsAsync(runId, cancellationToken))
        {
            var started = Stopwatch.GetTimestamp();
            await FireBlobTriggerAsync(blob, cancellationToken);
            fanOut += Stopwatch.GetElapsedTime(started);
            files++;

            started = Stopwatch.GetTimestamp();
            var (fileProcessed, filePoisoned) = await DrainQueueAsync(cancellationToken);
            apply += Stopwatch.GetElapsedTime(started);
            processed += fileProcessed;
            poisoned += filePoisoned;
        }

        return new LandedRunResult(files, processed, poisoned, fanOut, apply);
    }

    private async IAsyncEnumerable<BlobClient> LandedBlobsAsync(string runId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var container = services.GetRequiredService<BlobServiceClient>()
            .GetBlobContainerClient(services.GetRequiredService<IOptions<EmailIntegrationOptions>>().Value.LandingContainer);
        await foreach (var name in services.GetRequiredService<ILandingZone>().ListRunAsync(runId, cancellationToken))
        {
            yield return container.GetBlobClient(name);
        }
    }

    private Task FireBlobTriggerAsync(BlobClient blob, CancellationToken cancellationToken) =>
        ActivatorUtilities.CreateInstance<FanOutLandedFile>(services).Run(blob, cancellationToken);

    /// <summary>Runs the queue trigger until the queue is empty; returns (processed, poisoned).</summary>
    public Task<(int Processed, int Poisoned)> DrainQueueAsync(CancellationToken cancellationToken) =>
        DrainAsync(services.GetRequiredService<IOptions<EmailIntegrationOptions>>().Value.TrackingQueue,
            (message, ct) => ActivatorUtilities.CreateInstance<ApplyIndividualTracking>(services).Run(message, ct), cancellationToken);

    /// <summary>Runs the outbound queue trigger (<see cref="PushBlast"/>) until the queue is empty; returns (processed, poisoned).</summary>
    public Task<(int Processed, int Poisoned)> DrainOutboundQueueAsync(CancellationToken cancellationToken) =>
        DrainAsync(services.GetRequiredService<IOptions<OutboundStorageOptions>>().Value.OutboundQueue,
            (message, ct) => ActivatorUtilities.CreateInstance<PushBlast>(services).Run(message, ct), cancellationToken);

    /// <summary>
    /// While serving, drains the outbound queue every second in the background (as the host's queue listener would), so
    /// blasts and opt-outs posted to the local HTTP functions are pushed; stops with <paramref name="cancellationToken"/>.
    /// </summary>
    public Task ServeOutboundQueueAsync(CancellationToken cancellationToken) => Task.Run(async () =>
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await DrainOutboundQueueAsync(cancellationToken);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Draining the outbound queue failed; trying again");
            }
        }
    }, CancellationToken.None);

    /// <summary>
    /// While serving, fires the blob trigger for every blob that lands in the landing container (a new name, or a name
    /// written again), as the Event Grid subscription does in Azure, then drains the tracking queue; it looks once a
    /// second. So a webhook delivery, a replay (<c>POST /api/runs/{runId}/replay</c>) or an operator's drop is applied
    /// without a restart. What is there when serving starts counts as handled, as Event Grid reports only new blobs; a
    /// blob whose trigger fails is fired again on the next look, as Event Grid retries. Stops with
    /// <paramref name="cancellationToken"/>.
    /// </summary>
    /// <returns>Once what is there has been noted: the task that serves until cancelled.</returns>
    public async Task<Task> ServeLandedFilesAsync(CancellationToken cancellationToken)
    {
        var container = services.GetRequiredService<BlobServiceClient>()
            .GetBlobContainerClient(services.GetRequiredService<IOptions<EmailIntegrationOptions>>().Value.LandingContainer);
        var handled = new Dictionary<string, ETag>(StringComparer.Ordinal);
        await foreach (var blob in container.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            handled[blob.Name] = blob.Properties.ETag ?? default;
        }

        return Task.Run(async () =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    var landed = new List<(string Name, ETag ETag)>();
                    await foreach (var blob in container.GetBlobsAsync(cancellationToken: cancellationToken))
                    {
                        var etag = blob.Properties.ETag ?? default;
                        if (!handled.TryGetValue(blob.Name, out var known) || known != etag)
                        {
                            landed.Add((blob.Name, etag));
                        }
                    }

                    foreach (var (name, etag) in landed)
                    {
                        await FireBlobTriggerAsync(container.GetBlobClient(name), cancellationToken);
                        handled[name] = etag;
                    }

                    await DrainQueueAsync(cancellationToken);
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    logger.LogError(ex, "Serving landed files failed; trying again");
                    await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
                }
            }
        }, CancellationToken.None);
    }

    /// <summary>
    /// A queue trigger until the queue is empty, as the host runs it: a batch of messages at once, the next batch fetched
    /// when those in flight drop to the threshold; a message failing maxDequeueCount times moves to {queue}-poison.
    /// </summary>
    private async Task<(int Processed, int Poisoned)> DrainAsync(
        string queueName, Func<QueueMessage, CancellationToken, Task> invoke, CancellationToken cancellationToken)
    {
        var queues = services.GetRequiredService<QueueServiceClient>();
        var queue = queues.GetQueueClient(queueName);
        var poison = queues.GetQueueClient(queueName + "-poison");
        int processed = 0, poisoned = 0;
        async Task RunAsync(QueueMessage message)
        {
            if (await InvokeQueueFunctionAsync(queue, poison, message, invoke, cancellationToken))
            {
                Interlocked.Increment(ref processed);
            }
            else if (message.DequeueCount >= maxDequeueCount)
            {
                Interlocked.Increment(ref poisoned);
            }
        }

        var inFlight = new List<Task>();
        async Task OneFinishedAsync()
        {
            var finished = await Task.WhenAny(inFlight);
            inFlight.Remove(finished);
            await finished;
        }

        while (true)
        {
            if (inFlight.Count > queueRules.NewBatchThreshold)
            {
                await OneFinishedAsync();
                continue;
            }

            var messages = (await queue.ReceiveMessagesAsync(queueRules.BatchSize, TimeSpan.FromMinutes(2), cancellationToken)).Value;
            if (messages.Length > 0)
            {
                inFlight.AddRange(messages.Select(RunAsync));
            }
            else if (inFlight.Count > 0)
            {
                await OneFinishedAsync();
            }
            else if ((await queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount == 0)
            {
                break; // nothing visible, nothing in flight, nothing waiting out a retry's visibility delay
            }
            else
            {
                await Task.Delay(RetryVisibility, cancellationToken);
            }
        }

        return (processed, poisoned);
    }

    private async Task<bool> InvokeQueueFunctionAsync(
        QueueClient queue, QueueClient poison, QueueMessage message, Func<QueueMessage, CancellationToken, Task> invoke, CancellationToken cancellationToken)
    {
        try
        {
            await invoke(message, cancellationToken);
            await SettleAsync(message, () => queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken));
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (message.DequeueCount >= maxDequeueCount)
            {
                logger.LogError(ex, "Message {MessageId} failed {Count} times; moved to {Poison}", message.MessageId, message.DequeueCount, poison.Name);
                await poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
                await SettleAsync(message, () => queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken));
            }
            else
            {
                logger.LogWarning(ex, "Message {MessageId} failed (attempt {Count}); will retry", message.MessageId, message.DequeueCount);
                await SettleAsync(message, () => queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: RetryVisibility, cancellationToken: cancellationToken));
            }

            return false;
        }
    }

    /// <summary>
    /// Deletes or releases a message, as the host does after the function. When the message's visibility ran out
    /// meanwhile (its pop receipt is stale: 404), the queue hands it out again and it is applied again, which the
    /// handlers are built for (idempotent); the host logs that and goes on, and so does this.
    /// </summary>
    private async Task SettleAsync(QueueMessage message, Func<Task> settle)
    {
        try
        {
            await settle();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            logger.LogWarning("Message {MessageId} was handed out again before it was settled; it will be processed again", message.MessageId);
        }
    }
}

/// <summary>What <see cref="LocalFunctionsHost.FanOutAndApplyAsync"/> did with a run's files, and the time each trigger took in total.</summary>
public sealed record LandedRunResult(int Files, int Processed, int Poisoned, TimeSpan FanOut, TimeSpan Apply);
