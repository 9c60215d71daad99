using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace EmailIntegration.FaultTests.Infrastructure;

/// <summary>
/// This project's own emulators, on their own ports, each its own process so a test can kill and
/// restart one (Azurite blob, queue and table separately; the Cosmos emulator) without touching the
/// shared emulators on 10000-10002/8081. All keep their data in memory: a restart empties them.
/// Processes are killed when the fixture is disposed, when the test process exits, and (from the
/// pid files in .local/) at the next start if a run was killed before it could clean up.
/// </summary>
public sealed class FaultEmulators : IAsyncLifetime
{
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The emulator's well-known key (also in local.settings.sample.json): a credential the logs must never show.</summary>
    public const string CosmosKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMSEcaGQw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Dictionary<Emulator, Process> processes = [];
    private readonly object gate = new();

    public enum Emulator { Blob, Queue, Table, Cosmos }

    public static int BlobPort { get; } = Port("FAULT_AZURITE_BLOB_PORT", 20000);

    public static int QueuePort { get; } = Port("FAULT_AZURITE_QUEUE_PORT", 20001);

    public static int TablePort { get; } = Port("FAULT_AZURITE_TABLE_PORT", 20002);

    public static int CosmosPort { get; } = Port("FAULT_COSMOS_PORT", 28081);

    public static string StorageConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AccountKey + ";"
        + $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;"
        + $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;"
        + $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    public static string CosmosEndpoint => $"https://127.0.0.1:{CosmosPort}/";

    /// <summary>How many times each emulator was started (a restart counts).</summary>
    public Dictionary<Emulator, int> Starts { get; } = [];

    private static string Root { get; } = FindRoot();

    private static string StateDir => Path.Combine(Root, ".local");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(StateDir, "logs"));
        KillLeftovers();
        await EnsureNodeModulesAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
        await Task.WhenAll(Enum.GetValues<Emulator>().Select(e => StartAsync(e)));
    }

    public Task DisposeAsync()
    {
        StopAll();
        return Task.CompletedTask;
    }

    public async Task StartAsync(Emulator emulator)
    {
        var port = PortOf(emulator);
        if (await IsUpAsync(port))
        {
            throw new InvalidOperationException(
                $"Port {port} is already in use; the fault tests need it for their own {emulator} emulator (set FAULT_*_PORT to move it).");
        }

        var modules = Path.Combine(Root, "emulators", "node_modules");
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.Combine(Root, "emulators"),
        };
        var azurite = Path.Combine(modules, "azurite", "dist", "src");
        var common = new[] { "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent" };
        string[] args = emulator switch
        {
            Emulator.Blob => [Path.Combine(azurite, "blob", "main.js"), "--blobHost", "127.0.0.1", "--blobPort", Str(port), .. common],
            Emulator.Queue => [Path.Combine(azurite, "queue", "main.js"), "--queueHost", "127.0.0.1", "--queuePort", Str(port), .. common],
            Emulator.Table => [Path.Combine(azurite, "table", "main.js"), "--tableHost", "127.0.0.1", "--tablePort", Str(port), .. common],
            _ => [Path.Combine(Root, "emulators", "cosmos-emulator.js")],
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["COSMOS_PORT"] = Str(CosmosPort);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start node for {emulator}.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (gate)
        {
            processes[emulator] = process;
            Starts[emulator] = Starts.GetValueOrDefault(emulator) + 1;
        }

        await File.WriteAllTextAsync(PidFile(emulator), Str(process.Id));
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await IsUpAsync(port))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The fault-test {emulator} emulator did not start on port {port}.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Kills the emulator process (its in-memory data goes with it) and waits until the port is closed.</summary>
    public async Task StopAsync(Emulator emulator)
    {
        Process? process;
        lock (gate)
        {
            processes.Remove(emulator, out process);
        }

        if (process is not null)
        {
            Kill(process);
        }

        File.Delete(PidFile(emulator));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await IsUpAsync(PortOf(emulator)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    public async Task RestartAsync(Emulator emulator)
    {
        await StopAsync(emulator);
        await StartAsync(emulator);
    }

    private void StopAll()
    {
        List<(Emulator, Process)> all;
        lock (gate)
        {
            all = processes.Select(p => (p.Key, p.Value)).ToList();
            processes.Clear();
        }

        foreach (var (emulator, process) in all)
        {
            Kill(process);
            File.Delete(PidFile(emulator));
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }

    /// <summary>Processes of an earlier run that was killed before it could clean up, found by their pid files.</summary>
    private static void KillLeftovers()
    {
        foreach (var emulator in Enum.GetValues<Emulator>())
        {
            var file = PidFile(emulator);
            if (!File.Exists(file))
            {
                continue;
            }

            if (int.TryParse(File.ReadAllText(file), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                try
                {
                    using var process = Process.GetProcessById(pid);
                    if (process.ProcessName.Contains("node", StringComparison.Ordinal))
                    {
                        Kill(process);
                    }
                }
                catch (ArgumentException)
                {
                    // Not running any more.
                }
            }

            File.Delete(file);
        }
    }

    private static async Task EnsureNodeModulesAsync()
    {
        if (Directory.Exists(Path.Combine(Root, "emulators", "node_modules", "azurite")))
        {
            return;
        }

        var info = new ProcessStartInfo("npm", ["ci", "--prefix", Path.Combine(Root, "emulators"), "--no-audit", "--no-fund"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var npm = Process.Start(info)!;
        var output = npm.StandardOutput.ReadToEndAsync();
        var error = npm.StandardError.ReadToEndAsync();
        await npm.WaitForExitAsync();
        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci failed: {await output}{await error}");
        }
    }

    private static async Task<bool> IsUpAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static int PortOf(Emulator emulator) => emulator switch
    {
        Emulator.Blob => BlobPort,
        Emulator.Queue => QueuePort,
        Emulator.Table => TablePort,
        _ => CosmosPort,
    };

    private static string PidFile(Emulator emulator) => Path.Combine(StateDir, $"faulttests-{emulator.ToString().ToLowerInvariant()}-{PortOf(emulator)}.pid");

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int Port(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : fallback;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EmailIntegration.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("EmailIntegration.sln not found above the test's output directory.");
    }
}

[CollectionDefinition(Name)]
public sealed class FaultCollection : ICollectionFixture<FaultEmulators>
{
    public const string Name = "Faults";
}
