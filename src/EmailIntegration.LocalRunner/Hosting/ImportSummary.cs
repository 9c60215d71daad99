using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EmailIntegration.Pipeline.Observability;

namespace EmailIntegration.LocalRunner.Hosting;

/// <summary>Listens to the pipeline's own counters, so the summary reports what the stages counted.</summary>
public sealed class ImportSummary : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<string, long> totals = new();

    public ImportSummary()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PipelineMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            totals.AddOrUpdate(instrument.Name, value, (_, current) => current + value));
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            totals.AddOrUpdate(instrument.Name + ".count", 1, (_, current) => current + 1);
            totals.AddOrUpdate(instrument.Name + ".ms", (long)value, (_, current) => current + (long)value);
        });
        listener.Start();
    }

    public long this[string counter] => totals.GetValueOrDefault("emailintegration." + counter);

    public IEnumerable<string> Lines() =>
    [
        $"  pages landed:       {this["pages_landed"]}",
        $"  records landed:     {this["records_landed"]}",
        $"  messages published: {this["messages_published"]} ({this["events_published"]} events)",
        $"  events applied:     {this["events_applied"]} (already applied: {this["events_duplicate"]})",
        $"  quarantined:        {this["files_quarantined"]} files, {this["bad_records"]} bad records, {this["messages_rejected"]} messages",
        $"  unmatched:          {this["events_unmatched"]} events",
        $"  fetch failures:     {this["fetch_failures"]}",
        $"  poisoned:           {this["messages_poisoned"]} messages",
        $"  apply latency:      {this["apply_duration.ms"] / Math.Max(1, this["apply_duration.count"])} ms a message on average",
    ];

    public void Dispose() => listener.Dispose();
}
