using System.Text;
using System.Text.Json;
using System.Xml;
using BenchmarkDotNet.Attributes;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Vendors.HighRoad;
using EmailIntegration.Vendors.Informz;
using EmailIntegration.Vendors.RealMagnet;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sylvan.Data.Csv;

namespace EmailIntegration.Benchmarks;

/// <summary>
/// Per vendor format: <c>Raw</c> is the limit (the same bytes through the bare reader, every token touched, no mapping);
/// <c>Parse</c> is the pipeline's parser (parse + normalize to <c>TrackingEvent</c>s, directory look-ups in memory).
/// Ratio = Parse time / Raw time; parse throughput as a share of the limit = 1 / Ratio.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class ParseBenchmarks
{
    private Input input = null!;
    private ITrackingParser parser = null!;

    [Params(VendorFormat.RealMagnetDetailed, VendorFormat.RealMagnetLinks, VendorFormat.InformzGrid, VendorFormat.HighRoadCsv)]
    public VendorFormat Format { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        input = Inputs.For(Format);
        var directory = Inputs.Directory();
        parser = Format switch
        {
            VendorFormat.RealMagnetDetailed or VendorFormat.RealMagnetLinks => new RealMagnetTrackingParser(directory),
            VendorFormat.InformzGrid => new InformzTrackingParser(directory, Options.Create(new InformzOptions())),
            _ => new HighRoadCsvParser(Options.Create(new HighRoadOptions()), NullLogger<HighRoadCsvParser>.Instance),
        };

        var events = Parse().GetAwaiter().GetResult();
        if (events != input.Events)
        {
            throw new InvalidOperationException($"{Format}: parsed {events} events, expected {input.Events}.");
        }
    }

    [Benchmark(Baseline = true)]
    public long Raw() => Format switch
    {
        VendorFormat.RealMagnetDetailed or VendorFormat.RealMagnetLinks => RawJson(input.Bytes),
        VendorFormat.InformzGrid => RawXml(input.Bytes),
        _ => RawCsv(input.Bytes),
    };

    [Benchmark]
    public async Task<int> Parse()
    {
        var events = 0;
        using var stream = new MemoryStream(input.Bytes, writable: false);
        await foreach (var record in parser.ParseAsync(stream, input.Name, CancellationToken.None))
        {
            if (record.Event is not null)
            {
                events++;
            }
        }

        return events;
    }

    /// <summary>
    /// The hashing every parser does per event, alone: <c>EventIdentity.For</c> (SHA-256 of the joined key) plus
    /// <c>EmailHash.Of</c> (SHA-256 of the address) once per event. Shows how much of Parse is identity, not reading.
    /// </summary>
    [Benchmark]
    public int Identity()
    {
        var count = 0;
        var at = DateTimeOffset.UnixEpoch;
        for (var i = 0; i < input.Events; i++)
        {
            count += EventIdentity.For("highroad", "9000", "ind-000001", TrackingEventKind.Opened, at.AddSeconds(i)).Length;
            count += EmailHash.Of("member1@example.org")!.Length;
        }

        return count;
    }

    /// <summary>Every token, string values unescaped into a stack buffer: what any JSON mapping must at least do.</summary>
    private static long RawJson(byte[] bytes)
    {
        var reader = new Utf8JsonReader(bytes);
        Span<byte> buffer = stackalloc byte[512];
        long sum = 0;
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
            {
                sum += reader.CopyString(buffer);
            }
            else if (reader.TokenType == JsonTokenType.Number)
            {
                sum += reader.GetInt64();
            }
        }

        return sum;
    }

    /// <summary>Every node, attribute values and text read as strings (XmlReader has no span API).</summary>
    private static long RawXml(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        using var reader = XmlReader.Create(stream, new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreWhitespace = true, IgnoreComments = true,
        });
        long sum = 0;
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.HasAttributes)
            {
                while (reader.MoveToNextAttribute())
                {
                    sum += reader.Value.Length;
                }

                reader.MoveToElement();
            }
            else if (reader.NodeType == XmlNodeType.Text)
            {
                sum += reader.Value.Length;
            }
        }

        return sum;
    }

    /// <summary>Every row, every field as a span: Sylvan's own floor, no strings.</summary>
    private static long RawCsv(byte[] bytes)
    {
        using var text = new StreamReader(new MemoryStream(bytes, writable: false), new UTF8Encoding(false), true, 64 * 1024);
        using var csv = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = true, BufferSize = 64 * 1024 });
        long sum = 0;
        while (csv.Read())
        {
            for (var i = 0; i < csv.RowFieldCount; i++)
            {
                sum += csv.GetFieldSpan(i).Length;
            }
        }

        return sum;
    }
}
