using System.Diagnostics.Metrics;

namespace EmailIntegration.Pipeline.Observability;

/// <summary>
/// Counters of every stage, exported with OpenTelemetry in Azure and read by the local runner's
/// import summary. Counts only: never an address or a credential. Per-vendor counts carry the tag
/// <see cref="VendorTag"/> (the vendor of the landed file, or <c>unknown</c>).
/// </summary>
public sealed class PipelineMetrics
{
    public const string MeterName = "EmailIntegration.Pipeline";

    public const string VendorTag = "vendor";

    public PipelineMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        PagesLanded = meter.CreateCounter<long>("emailintegration.pages_landed");
        RecordsLanded = meter.CreateCounter<long>("emailintegration.records_landed");
        FetchFailures = meter.CreateCounter<long>("emailintegration.fetch_failures");
        MessagesPublished = meter.CreateCounter<long>("emailintegration.messages_published");
        EventsPublished = meter.CreateCounter<long>("emailintegration.events_published");
        BadRecords = meter.CreateCounter<long>("emailintegration.bad_records");
        FilesQuarantined = meter.CreateCounter<long>("emailintegration.files_quarantined");
        EventsUnmatched = meter.CreateCounter<long>("emailintegration.events_unmatched");
        EventsApplied = meter.CreateCounter<long>("emailintegration.events_applied");
        EventsDuplicate = meter.CreateCounter<long>("emailintegration.events_duplicate");
        EventsNotProjected = meter.CreateCounter<long>("emailintegration.events_not_projected");
        EventsOfUnknownIndividuals = meter.CreateCounter<long>("emailintegration.events_unknown_individual");
        MessagesRejected = meter.CreateCounter<long>("emailintegration.messages_rejected");
        ConcurrencyRetries = meter.CreateCounter<long>("emailintegration.concurrency_retries");
        WebhooksReceived = meter.CreateCounter<long>("emailintegration.webhooks_received");
        WebhooksRefused = meter.CreateCounter<long>("emailintegration.webhooks_refused");
        WebhooksDuplicate = meter.CreateCounter<long>("emailintegration.webhooks_duplicate");
        FetchesSucceeded = meter.CreateCounter<long>("emailintegration.fetches_succeeded",
            description: "Vendor fetches that completed (or found nothing new to fetch): the 'no successful run' alert counts these.");
        MessagesPoisoned = meter.CreateCounter<long>("emailintegration.messages_poisoned",
            description: "Messages whose last allowed delivery failed: the host moves them to the poison queue or dead-letter.");
        ApplyDuration = meter.CreateHistogram<double>("emailintegration.apply_duration", unit: "ms",
            description: "Time to apply one queue message (read, fold, conditional save).");
    }

    /// <summary>The vendor tag of a landed file's name (its first segment).</summary>
    public static KeyValuePair<string, object?> Vendor(string vendor) => new(VendorTag, vendor);

    /// <summary>The vendor tag of a landed file, or <c>unknown</c> for a name that is not a landed file name.</summary>
    public static KeyValuePair<string, object?> VendorOfFile(string landedFile) =>
        Vendor(Landing.LandedFileName.TryParse(landedFile, out var name) ? name!.Vendor : "unknown");

    public Counter<long> PagesLanded { get; }
    public Counter<long> RecordsLanded { get; }
    public Counter<long> FetchFailures { get; }
    public Counter<long> MessagesPublished { get; }
    public Counter<long> EventsPublished { get; }
    public Counter<long> BadRecords { get; }
    public Counter<long> FilesQuarantined { get; }
    public Counter<long> EventsUnmatched { get; }
    public Counter<long> EventsApplied { get; }
    public Counter<long> EventsDuplicate { get; }
    public Counter<long> EventsNotProjected { get; }
    public Counter<long> EventsOfUnknownIndividuals { get; }
    public Counter<long> MessagesRejected { get; }
    public Counter<long> ConcurrencyRetries { get; }

    /// <summary>Webhook deliveries landed or handshakes answered; tags <c>service</c> and <c>outcome</c>.</summary>
    public Counter<long> WebhooksReceived { get; }

    /// <summary>Webhook requests refused (unsigned, bad signature, stale, too large, malformed, unknown service).</summary>
    public Counter<long> WebhooksRefused { get; }

    /// <summary>Webhook deliveries seen before: nothing landed.</summary>
    public Counter<long> WebhooksDuplicate { get; }

    public Counter<long> FetchesSucceeded { get; }
    public Counter<long> MessagesPoisoned { get; }
    public Histogram<double> ApplyDuration { get; }
}
