using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace EmailIntegration.Benchmarks;

/// <summary>Adds MB/s and events/s (from the mean and the generated input's size), computed in the host process.</summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig()
    {
        AddColumn(new ThroughputColumn(false), new ThroughputColumn(true), new SizeColumn());
    }

    private static Input? InputOf(BenchmarkCase benchmark) =>
        benchmark.Parameters["Format"] is VendorFormat format ? Inputs.For(format) : null;

    private sealed class ThroughputColumn(bool events) : IColumn
    {
        public string Id => events ? "EventsPerSec" : "MBPerSec";
        public string ColumnName => events ? "events/s" : "MB/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => events ? 1 : 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => events ? "Events (records for Raw) per second at the mean" : "Input megabytes (10^6 bytes) per second at the mean";
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var input = InputOf(benchmarkCase);
            var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
            if (input is null || mean is not > 0)
            {
                return "-";
            }

            var seconds = mean.Value / 1e9;
            var count = benchmarkCase.Descriptor.WorkloadMethod.Name == "Raw" ? input.Records : input.Events;
            return events
                ? (count / seconds).ToString("N0", CultureInfo.InvariantCulture)
                : (input.Bytes.Length / 1e6 / seconds).ToString("N1", CultureInfo.InvariantCulture);
        }
    }

    private sealed class SizeColumn : IColumn
    {
        public string Id => "InputSize";
        public string ColumnName => "Input";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 2;
        public bool IsNumeric => false;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Input bytes / records / events";
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
            InputOf(benchmarkCase) is { } input
                ? string.Create(CultureInfo.InvariantCulture, $"{input.Bytes.Length:N0} B / {input.Records:N0} rec / {input.Events:N0} ev")
                : "-";
    }
}
