using System.Net;
using System.Net.Http.Json;
using System.Text;
using Azure.Storage.Blobs;
using CsCheck;
using EmailIntegration.FaultTests.Infrastructure;
using EmailIntegration.LocalRunner.Hosting;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Pipeline.Fetch;
using EmailIntegration.Pipeline.Landing;
using EmailIntegration.Pipeline.Observability;
using EmailIntegration.VendorSandbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace EmailIntegration.FaultTests.Faults;

/// <summary>
/// Hostile input never crashes a function: mutated vendor files (CsCheck: truncation, byte flips,
/// wrong types, huge strings, deep nesting) through each vendor's parser inside the real fan-out are
/// quarantined or their bad records reported, always with a run-log entry; a DTD is refused at the
/// fan-out; the HTTP API keeps ids and filters out of query text, bounds bodies, answers malformed
/// JSON with problem+json and never shows a stack trace.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class HostileInputTests(ITestOutputHelper output)
{
    private static readonly string[] Junk =
    [
        "{}", "[]", "null", "true", "-1e309", "\"\\ud800\"", "<x>", ",,,", "\"", "'", "\0", "]]>", "&lol;", "\r\n\"\"\r\n", "\uFEFF",
        "\"RecipientID\":{\"a\":[1]}", "<Field element=\"email\"><a/></Field>", "99999999999999999999999",
    ];

    [Fact]
    public async Task MutatedVendorFiles_NeverCrashTheFanOut_AndAreQuarantinedOrReported()
    {
        using var sandboxes = VendorSandboxes.Start(seed: 5, today: DateTimeOffset.UtcNow);
        await using var pipeline = await FaultPipeline.StartAsync(sandboxes.AdapterSettings());

        // Real pages from the three sandboxes are the seeds (the fetch also fills the vendor directory the parsers read).
        var run = await pipeline.Host.FireTimerAsync(default);
        Assert.All(run.Vendors, v => Assert.Equal(FetchStatus.Completed, v.Status));
        var landing = pipeline.Services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(pipeline.Options.LandingContainer);
        var seeds = new List<(LandedFileName Name, byte[] Bytes)>();
        await foreach (var name in pipeline.Services.GetRequiredService<ILandingZone>().ListRunAsync(run.RunId, default))
        {
            var bytes = (await landing.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();
            seeds.Add((LandedFileName.TryParse(name, out var parsed) ? parsed! : throw new InvalidOperationException(name), bytes));
        }

        // Per vendor, the smallest files of each kind that have records.
        var chosen = seeds.Where(s => s.Bytes.Length is > 64 and < 200_000)
            .GroupBy(s => (s.Name.Vendor, Kind: new string(s.Name.Kind.TakeWhile(char.IsLetter).ToArray())))
            .Select(g => g.OrderBy(s => s.Bytes.Length).First()).ToList();
        Assert.Contains(chosen, s => s.Name.Vendor == "realmagnet");
        Assert.Contains(chosen, s => s.Name.Vendor == "informz");
        Assert.Contains(chosen, s => s.Name.Vendor == "highroad");

        var ports = new InMemoryPorts();
        var fanOut = new LandedFileFanOut(pipeline.Services.GetServices<ITrackingParser>(), ports, ports, ports, ports, ports, TimeProvider.System,
            pipeline.Services.GetRequiredService<PipelineMetrics>(), NullLogger<LandedFileFanOut>.Instance);
        var counter = 0;
        var escaped = new List<string>();
        var gen = Gen.Select(Gen.Int[0, chosen.Count - 1], Gen.Int[0, 5], Gen.Double[0, 1], Gen.Int[0, 1000]);
        await gen.SampleAsync(async sample =>
        {
            var (seedIndex, mutation, at, extra) = sample;
            var (name, original) = chosen[seedIndex];
            var mutated = Mutate(original, mutation, at, extra);
            var fileName = (name with { RunId = "hostile-" + Interlocked.Increment(ref counter), Page = 1 }).ToString();
            ports.Files[fileName] = mutated;
            try
            {
                var entry = await fanOut.FanOutAsync(fileName, default);
                Assert.Contains(ports.FanOuts, f => f.LandedFile == fileName);
                Assert.True(entry.QuarantineReason is null || ports.Quarantined.ContainsKey(fileName));
                Assert.True(entry.BadRecords == 0 || ports.BadRecords.ContainsKey(fileName));
            }
            catch (Exception ex)
            {
                lock (escaped)
                {
                    escaped.Add($"{name.Vendor}/{name.Kind} mutation {mutation}: {ex}");
                }
            }
            finally
            {
                ports.Files.TryRemove(fileName, out _);
            }
        }, iter: 300, threads: 1, seed: "0N0XIzNsQ0O2");

        foreach (var line in escaped.Take(5))
        {
            output.WriteLine(line);
        }

        Assert.Empty(escaped);
        var entries = ports.FanOuts.ToList();
        Figures.Report(output, nameof(MutatedVendorFiles_NeverCrashTheFanOut_AndAreQuarantinedOrReported),
            $"{counter} mutated files from {chosen.Count} seed files ({string.Join(", ", chosen.Select(c => $"{c.Name.Vendor}/{c.Name.Kind}"))}); "
            + $"exceptions escaping FanOutAsync {escaped.Count}; quarantined {entries.Count(e => e.QuarantineReason is not null)}, "
            + $"with bad records reported {entries.Count(e => e.BadRecords > 0)}, clean {entries.Count(e => e.QuarantineReason is null && e.BadRecords == 0)}; "
            + $"run-log entries {entries.Count}");
    }

    [Fact]
    public async Task InformzXmlWithADtd_IsQuarantinedAtTheFanOut_WithoutExpandingIt()
    {
        await using var pipeline = await FaultPipeline.StartAsync();
        const string laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
            + "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\"><!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
            + "<GridResponse xmlns=\"http://partner.informz.net/aapi/2009/08/\"><Grids><Grid type=\"subscriber\"><Record row=\"1\"><Fields>"
            + "<Field element=\"email\">&lol2;&xxe;</Field></Fields></Record></Grid></Grids></GridResponse>";
        var name = new LandedFileName("informz", new DateOnly(2026, 11, 30), "dtd-1", "subscribers", 1, "xml");
        await pipeline.Services.GetRequiredService<ILandingZone>().LandAsync(name, Encoding.UTF8.GetBytes(laughs), new Dictionary<string, string>(), default);

        var files = await pipeline.Host.FireBlobTriggersAsync("dtd-1", default);

        Assert.Equal(1, files);
        var entry = Assert.Single(await pipeline.Services.GetRequiredService<IRunLog>().ReadFanOutsAsync("dtd-1", default));
        Assert.NotNull(entry.QuarantineReason);
        Assert.Equal(0, entry.Events);
        var reason = (await pipeline.Quarantine.GetBlobClient($"files/{name}.reason.json").DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("DTD", reason, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("lollol", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", reason, StringComparison.Ordinal);
        Figures.Report(output, nameof(InformzXmlWithADtd_IsQuarantinedAtTheFanOut_WithoutExpandingIt), $"quarantined: {entry.QuarantineReason}");
    }

    [Fact]
    public async Task HttpApi_InjectionOversizeAndMalformedInput_Get400Or413OrNothing_NeverAnotherIndividualOrAStackTrace()
    {
        await using var pipeline = await FaultPipeline.StartAsync();
        var export = new HighRoadExport(individuals: 3, events: 60, seed: 51);
        await pipeline.Services.GetRequiredService<ILandingZone>()
            .LandAsync(HighRoadExport.FileName("http-1"), export.ToBytes(), new Dictionary<string, string>(), default);
        await pipeline.ReplayAsync("http-1");
        var key = "code=" + pipeline.Runner.FunctionKey;
        var victim = HighRoadExport.IndividualId(0);
        var others = export.Ids().Where(id => id != victim).ToList();
        var responses = new List<(string Request, HttpStatusCode Status, string Body)>();

        async Task<(HttpStatusCode, string)> SendAsync(HttpRequestMessage request)
        {
            using var response = await pipeline.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            responses.Add(($"{request.Method} {request.RequestUri}", response.StatusCode, body));
            Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
            if ((int)response.StatusCode >= 400)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }

            return (response.StatusCode, body);
        }

        var injections = new[]
        {
            "' OR 1=1 --", "\" OR c.individualId != \"\"", "x') OR (1=1", "realmagnet\" OR true OR \"", "@vendor", "c.individualId",
            "1; SELECT * FROM c", "highroad' UNION SELECT * FROM c --",
        };
        foreach (var value in injections)
        {
            foreach (var (name, path) in new[]
                     {
                         ("vendor", $"/api/individuals/{victim}/email-integration/tracking"),
                         ("from", $"/api/individuals/{victim}/email-integration/link-tracking"),
                         ("to", $"/api/individuals/{victim}/email-integration/tracking"),
                         ("continuationToken", $"/api/individuals/{victim}/email-integration/tracking"),
                     })
            {
                var (status, body) = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"{path}?{name}={Uri.EscapeDataString(value)}&{key}"));
                Assert.True(status == HttpStatusCode.BadRequest || (status == HttpStatusCode.OK && (name != "vendor" || body.Contains("\"items\":[]", StringComparison.Ordinal))),
                    $"{name}={value}: {status} {body}");
                Assert.True(others.All(o => !body.Contains(o, StringComparison.Ordinal)), $"{name}={value} returned another individual's data");
            }

            var (idStatus, idBody) = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/individuals/{Uri.EscapeDataString(victim + value)}/email-integration?{key}"));
            Assert.Contains(idStatus, new[] { HttpStatusCode.BadRequest, HttpStatusCode.NotFound });
            Assert.True(others.All(o => !idBody.Contains(o, StringComparison.Ordinal)));
        }

        // A PUT larger than the limit, announced or streamed (chunked, no Content-Length).
        var huge = "{\"email\":\"a@example.org\",\"pad\":\"" + new string('x', 2 * 1024 * 1024) + "\"}";
        var (announced, _) = await SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/individuals/IND-H1?{key}") { Content = new StringContent(huge, Encoding.UTF8, "application/json") });
        Assert.Contains(announced, new[] { HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge });
        var streamed = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge)));
        streamed.Headers.ContentType = new("application/json");
        var chunked = new HttpRequestMessage(HttpMethod.Put, $"/api/individuals/IND-H1?{key}") { Content = streamed };
        chunked.Headers.TransferEncodingChunked = true;
        var (streamedStatus, _) = await SendAsync(chunked);
        Assert.Contains(streamedStatus, new[] { HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge });

        // Malformed JSON, wrong types, deep nesting.
        foreach (var body in new[] { "{\"email\":", "[1,2", "{\"email\": 42}", "{\"communicationPreferences\":\"x\"}", new string('[', 10_000), "\0\u0001", "{\"email\":\"a@b\",\"doNotEmail\":\"yes\"}" })
        {
            var (status, _) = await SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/individuals/IND-H2?{key}") { Content = new StringContent(body, Encoding.UTF8, "application/json") });
            Assert.Equal(HttpStatusCode.BadRequest, status);
        }

        using (var ok = await pipeline.Http.PutAsJsonAsync($"/api/individuals/IND-H3?{key}", new { email = "h3@example.org" }))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        Figures.Report(output, nameof(HttpApi_InjectionOversizeAndMalformedInput_Get400Or413OrNothing_NeverAnotherIndividualOrAStackTrace),
            $"{responses.Count} hostile requests: " + string.Join(", ", responses.GroupBy(r => (int)r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}"))
            + "; other individuals' data returned 0; stack traces 0");
    }

    private static byte[] Mutate(byte[] original, int mutation, double at, int extra)
    {
        var position = (int)(at * original.Length);
        var random = new Random(extra);
        switch (mutation)
        {
            case 0: // truncation
                return original[..position];
            case 1: // byte flips
            {
                var copy = (byte[])original.Clone();
                for (var i = 0; i <= extra % 16; i++)
                {
                    copy[random.Next(copy.Length)] ^= (byte)random.Next(1, 256);
                }

                return copy;
            }

            case 2: // wrong types / stray tokens
                return Insert(original, position, Junk[extra % Junk.Length]);
            case 3: // a huge string inside the nearest value
                return Insert(original, position, new string((char)('A' + (extra % 26)), 200_000 + extra));
            case 4: // deep nesting
                return Insert(original, position, extra % 2 == 0 ? new string('[', 20_000) : string.Concat(Enumerable.Repeat("<a>", 20_000)));
            default: // a run of random bytes
            {
                var noise = new byte[1 + extra];
                random.NextBytes(noise);
                return [.. original[..position], .. noise, .. original[position..]];
            }
        }
    }

    private static byte[] Insert(byte[] original, int position, string text) =>
        [.. original[..position], .. Encoding.UTF8.GetBytes(text), .. original[position..]];
}
