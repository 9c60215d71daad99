using EmailIntegration.Pipeline.Fetch;
using System.Collections.Concurrent;
using EmailIntegration.Vendors.HighRoad;

namespace EmailIntegration.UnitTests.Vendors.HighRoad;

/// <summary>An in-memory SFTP server behind <see cref="IHighRoadSftpConnector"/>.</summary>
internal sealed class FakeSftp : IHighRoadSftpConnector
{
    public ConcurrentDictionary<string, (byte[] Content, DateTimeOffset LastWrite)> Files { get; } = new(StringComparer.Ordinal);

    public List<string> Operations { get; } = [];

    public VendorFetchException? FailConnect { get; set; }

    public int Connects;

    public int OpenSessions;

    public void Put(string path, string content, DateTimeOffset lastWrite) =>
        Files[path] = (System.Text.Encoding.UTF8.GetBytes(content), lastWrite);

    public Task<IHighRoadSftpSession> ConnectAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Connects);
        if (FailConnect is not null)
        {
            throw FailConnect;
        }

        Interlocked.Increment(ref OpenSessions);
        return Task.FromResult<IHighRoadSftpSession>(new Session(this));
    }

    private sealed class Session(FakeSftp server) : IHighRoadSftpSession
    {
        public Task<IReadOnlyList<HighRoadRemoteFile>> ListFilesAsync(string directory, CancellationToken cancellationToken)
        {
            server.Operations.Add($"list {directory}");
            var prefix = directory.TrimEnd('/') + "/";
            if (!server.Files.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal)))
            {
                throw new VendorFetchException(HighRoadTrackingSource.VendorName, $"SFTP fake: listing {directory}: not found.");
            }

            IReadOnlyList<HighRoadRemoteFile> files = server.Files
                .Where(f => f.Key.StartsWith(prefix, StringComparison.Ordinal) && !f.Key[prefix.Length..].Contains('/', StringComparison.Ordinal))
                .Select(f => new HighRoadRemoteFile(f.Key[prefix.Length..], f.Key, f.Value.Content.Length, f.Value.LastWrite))
                .ToList();
            return Task.FromResult(files);
        }

        public async Task DownloadAsync(string path, Stream destination, CancellationToken cancellationToken)
        {
            server.Operations.Add($"get {path}");
            var content = server.Files[path].Content;

            // In small chunks, as a network download arrives.
            foreach (var chunk in content.Chunk(7))
            {
                await destination.WriteAsync(chunk, cancellationToken);
            }
        }

        public async Task UploadAsync(Stream content, string path, CancellationToken cancellationToken)
        {
            server.Operations.Add($"put {path}");
            using var copy = new MemoryStream();
            await content.CopyToAsync(copy, cancellationToken);
            server.Files[path] = (copy.ToArray(), DateTimeOffset.UtcNow);
        }

        public Task RenameAsync(string from, string to, CancellationToken cancellationToken)
        {
            server.Operations.Add($"rename {from} {to}");
            server.Files.TryRemove(from, out var file);
            server.Files[to] = file;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            Interlocked.Decrement(ref server.OpenSessions);
            return ValueTask.CompletedTask;
        }
    }
}
