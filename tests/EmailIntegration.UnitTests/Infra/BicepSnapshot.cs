using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EmailIntegration.UnitTests.Infra;

/// <summary>
/// What infra/main.bicep deploys for one set of parameters, as the Bicep CLI predicts it (<c>bicep snapshot</c>): every
/// resource of every module, with parameters, variables, conditions and loops evaluated. Values known only during a
/// deployment (a principal id, an endpoint) stay ARM expressions; <see cref="Resolve"/> evaluates the few literal ones the
/// tests compare.
/// </summary>
public sealed partial class BicepSnapshot
{
    private BicepSnapshot(IReadOnlyList<InfraResource> resources, JsonObject outputs, JsonArray diagnostics)
    {
        Resources = resources;
        Outputs = outputs;
        Diagnostics = diagnostics;
    }

    public IReadOnlyList<InfraResource> Resources { get; }

    public JsonObject Outputs { get; }

    public JsonArray Diagnostics { get; }

    public IEnumerable<InfraResource> OfType(string type) =>
        Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    public InfraResource Single(string type)
    {
        var matches = OfType(type).ToList();
        Assert.True(matches.Count == 1, $"Expected one {type}, found {matches.Count}.");
        return matches[0];
    }

    /// <summary>The resource an extension resource (role assignment, diagnostic setting) is attached to.</summary>
    public static string ScopeOf(InfraResource extension)
    {
        var expression = ExtensionResourceIdPattern().Match(extension.Id);
        if (expression.Success)
        {
            return expression.Groups["scope"].Value;
        }

        var marker = $"/providers/{extension.Type}/";
        var at = extension.Id.LastIndexOf(marker, StringComparison.OrdinalIgnoreCase);
        Assert.True(at > 0, $"Cannot tell the scope of {extension.Type} {extension.Id}.");
        return extension.Id[..at];
    }

    /// <summary>
    /// Evaluates the literal parts of an ARM expression the snapshot leaves in place: <c>environment().suffixes.storage</c>
    /// (Azure public cloud), <c>format</c> and <c>resourceId(subscription, group, type, name)</c> over literals.
    /// A plain value comes back unchanged.
    /// </summary>
    public static string Resolve(string value)
    {
        if (!value.StartsWith('[') || !value.EndsWith(']'))
        {
            return value;
        }

        var text = value[1..^1].Replace("environment().suffixes.storage", "'core.windows.net'", StringComparison.Ordinal);
        string previous;
        do
        {
            previous = text;
            text = FormatPattern().Replace(text, m =>
            {
                var arguments = LiteralPattern().Matches(m.Groups["args"].Value).Select(a => Unquote(a.Value)).ToArray();
                return Quote(string.Format(System.Globalization.CultureInfo.InvariantCulture, Unquote(m.Groups["format"].Value), arguments));
            });
            text = ResourceIdPattern().Replace(text, m =>
                Quote($"/subscriptions/{Unquote(m.Groups["sub"].Value)}/resourceGroups/{Unquote(m.Groups["rg"].Value)}/providers/" +
                      $"{Unquote(m.Groups["type"].Value)}/{Unquote(m.Groups["name"].Value)}"));
        }
        while (text != previous);

        return LiteralOnlyPattern().IsMatch(text) ? Unquote(text) : value;
    }

    public static async Task<BicepSnapshot> CreateAsync(string name, IReadOnlyDictionary<string, string> parameters)
    {
        var bicep = await BicepCli.LocateAsync();
        var folder = Path.Combine(RepoPaths.Root, ".local", "bicep-snapshots", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var main = Path.GetRelativePath(folder, Path.Combine(RepoPaths.Root, "infra", "main.bicep")).Replace('\\', '/');
            var lines = new List<string> { $"using '{main}'" };
            lines.AddRange(parameters.Select(p => $"param {p.Key} = '{p.Value}'"));
            var parameterFile = Path.Combine(folder, $"{name}.bicepparam");
            await File.WriteAllLinesAsync(parameterFile, lines);

            await BicepCli.RunAsync(bicep, folder,
                "snapshot", parameterFile, "--mode", "overwrite",
                "--subscription-id", "00000000-0000-0000-0000-00000000aaaa",
                "--tenant-id", "00000000-0000-0000-0000-00000000bbbb",
                "--location", "eastus2");

            var snapshot = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, $"{name}.snapshot.json")))!.AsObject();
            var resources = snapshot["predictedResources"]!.AsArray()
                .Select(r => new InfraResource((string)r!["id"]!, (string)r["type"]!, (string)r["name"]!, r.AsObject()))
                .ToList();
            return new BicepSnapshot(resources, snapshot["outputs"]?.AsObject() ?? [], snapshot["diagnostics"]?.AsArray() ?? []);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Quote(string literal) => $"'{literal.Replace("'", "''", StringComparison.Ordinal)}'";

    private static string Unquote(string literal) => literal.Trim()[1..^1].Replace("''", "'", StringComparison.Ordinal);

    [GeneratedRegex(@"\A\[extensionResourceId\('(?<scope>[^']+)',")]
    private static partial Regex ExtensionResourceIdPattern();

    [GeneratedRegex(@"format\((?<format>'(?:[^']|'')*')(?<args>(?:,\s*'(?:[^']|'')*')*)\)")]
    private static partial Regex FormatPattern();

    [GeneratedRegex(@"resourceId\((?<sub>'(?:[^']|'')*'),\s*(?<rg>'(?:[^']|'')*'),\s*(?<type>'(?:[^']|'')*'),\s*(?<name>'(?:[^']|'')*')\)")]
    private static partial Regex ResourceIdPattern();

    [GeneratedRegex(@"'(?:[^']|'')*'")]
    private static partial Regex LiteralPattern();

    [GeneratedRegex(@"\A'(?:[^']|'')*'\z")]
    private static partial Regex LiteralOnlyPattern();
}

/// <summary>One predicted resource; <see cref="Node"/> is its whole JSON (properties, sku, ...).</summary>
public sealed record InfraResource(string Id, string Type, string Name, JsonObject Node)
{
    public JsonObject Properties => Node["properties"]?.AsObject() ?? [];

    public string? Property(string path)
    {
        JsonNode? node = Properties;
        foreach (var part in path.Split('.'))
        {
            node = node is JsonArray array && int.TryParse(part, out var index)
                ? (index < array.Count ? array[index] : null)
                : node is JsonObject obj ? obj[part] : null;
        }

        return node?.ToString();
    }
}

/// <summary>The Bicep CLI that scripts/validate-infra.sh uses: same pinned version, same NuGet folder; restored if missing.</summary>
public static partial class BicepCli
{
    private static readonly SemaphoreSlim RestoreLock = new(1, 1);

    public static async Task<string> LocateAsync()
    {
        var script = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "scripts", "validate-infra.sh"));
        var version = VersionPattern().Match(script);
        Assert.True(version.Success, "scripts/validate-infra.sh has no BICEP_VERSION=<version> line.");
        var packages = Path.Combine(RepoPaths.Root, ".local", "nuget");
        var bicep = Path.Combine(packages, "azure.bicep.commandline.linux-x64", version.Groups["version"].Value, "tools", "bicep");

        await RestoreLock.WaitAsync();
        try
        {
            if (!File.Exists(bicep))
            {
                await RunAsync("dotnet", RepoPaths.Root,
                    "restore", Path.Combine(RepoPaths.Root, "tools", "bicep", "bicep-tool.csproj"), "--packages", packages, "--nologo", "-v", "quiet");
            }

            // NuGet extracts files without the execute bit (the package is the linux-x64 CLI, as in CI).
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(bicep, File.GetUnixFileMode(bicep) | UnixFileMode.UserExecute);
            }
        }
        finally
        {
            RestoreLock.Release();
        }

        return bicep;
    }

    public static async Task RunAsync(string fileName, string workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0,
            $"{Path.GetFileName(fileName)} {string.Join(' ', arguments.Take(2))} exited {process.ExitCode}:\n{await output}\n{await error}");
    }

    [GeneratedRegex(@"^BICEP_VERSION=(?<version>[0-9.]+)$", RegexOptions.Multiline)]
    private static partial Regex VersionPattern();
}

public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EmailIntegration.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No EmailIntegration.sln above {AppContext.BaseDirectory}.");
    }
}
