using System.Net.Sockets;
using System.Text;
using EmailIntegration.Pipeline.Fetch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Renci.SshNet;
using Renci.SshNet.Common;
using Renci.SshNet.Sftp;

namespace EmailIntegration.Vendors.HighRoad;

/// <summary>A file in a remote directory.</summary>
public sealed record HighRoadRemoteFile(string Name, string FullPath, long Length, DateTimeOffset LastWriteUtc);

/// <summary>Opens SFTP sessions to HighRoad; the seam tests fake.</summary>
public interface IHighRoadSftpConnector
{
    /// <exception cref="VendorFetchException">Connection or authentication failed, or the host key did not match.</exception>
    Task<IHighRoadSftpSession> ConnectAsync(CancellationToken cancellationToken);
}

/// <summary>One connected SFTP session.</summary>
public interface IHighRoadSftpSession : IAsyncDisposable
{
    /// <summary>The regular files of <paramref name="directory"/> (not recursive).</summary>
    Task<IReadOnlyList<HighRoadRemoteFile>> ListFilesAsync(string directory, CancellationToken cancellationToken);

    Task DownloadAsync(string path, Stream destination, CancellationToken cancellationToken);

    Task UploadAsync(Stream content, string path, CancellationToken cancellationToken);

    /// <summary>Renames, replacing an existing target.</summary>
    Task RenameAsync(string from, string to, CancellationToken cancellationToken);
}

/// <summary>
/// SSH.NET's <see cref="SftpClient"/> behind <see cref="IHighRoadSftpConnector"/>: password or private-key authentication,
/// the server's host key checked against <see cref="HighRoadSftpOptions.HostKeySha256"/>. SSH.NET's exceptions become
/// <see cref="VendorFetchException"/>s that name the host and the operation, never a credential.
/// </summary>
public sealed class SshNetSftpConnector(IOptions<HighRoadOptions> options, ILogger<SshNetSftpConnector> logger) : IHighRoadSftpConnector
{
    public async Task<IHighRoadSftpSession> ConnectAsync(CancellationToken cancellationToken)
    {
        var o = options.Value.Sftp;
        if (string.IsNullOrWhiteSpace(o.Host) || string.IsNullOrWhiteSpace(o.UserName))
        {
            throw new VendorFetchException(HighRoadTrackingSource.VendorName, "SFTP is not configured (Sftp:Host and Sftp:UserName).", kind: VendorFailureKind.Permanent);
        }

        var methods = new List<AuthenticationMethod>();
        var keys = new List<IDisposable>();
        if (!string.IsNullOrWhiteSpace(o.PrivateKey))
        {
            try
            {
                using var keyStream = new MemoryStream(Encoding.UTF8.GetBytes(o.PrivateKey.Replace("\\n", "\n", StringComparison.Ordinal)));
                var key = string.IsNullOrEmpty(o.PrivateKeyPassphrase)
                    ? new PrivateKeyFile(keyStream)
                    : new PrivateKeyFile(keyStream, o.PrivateKeyPassphrase);
                keys.Add(key);
                methods.Add(new PrivateKeyAuthenticationMethod(o.UserName, key));
            }
            catch (Exception ex) when (ex is SshException or InvalidOperationException or ArgumentException or FormatException)
            {
                // Not the key's text nor the library's message (it may quote the key).
                throw new VendorFetchException(HighRoadTrackingSource.VendorName, "Sftp:PrivateKey is not a readable private key (or its passphrase is wrong).", kind: VendorFailureKind.Permanent);
            }
        }

        if (!string.IsNullOrEmpty(o.Password))
        {
            methods.Add(new PasswordAuthenticationMethod(o.UserName, o.Password));
        }

        var info = new ConnectionInfo(o.Host, o.Port, o.UserName, [.. methods]) { Timeout = o.ConnectTimeout };
        var client = new SftpClient(info);
        var expected = NormalizeFingerprint(o.HostKeySha256);
        var hostKeyRejected = false;
        client.HostKeyReceived += (_, e) =>
        {
            if (o.AllowAnyHostKey && expected is null && VendorEndpoints.IsLoopback(o.Host))
            {
                e.CanTrust = true;
                return;
            }

            e.CanTrust = expected is not null && string.Equals(NormalizeFingerprint(e.FingerPrintSHA256), expected, StringComparison.Ordinal);
            hostKeyRejected = !e.CanTrust;
        };

        try
        {
            await client.ConnectAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is SshException or SocketException or TimeoutException or ProxyException
                                       || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            client.Dispose();
            DisposeAll(keys);
            var reason = ex switch
            {
                _ when hostKeyRejected => "the server's host key does not match Sftp:HostKeySha256",
                SshAuthenticationException => "authentication was refused",
                SocketException s => $"the connection failed ({s.SocketErrorCode})",
                _ => $"the connection failed ({ex.GetType().Name})",
            };
            throw new VendorFetchException(HighRoadTrackingSource.VendorName, $"SFTP to {o.Host}:{o.Port}: {reason}.", ex);
        }

        logger.LogDebug("SFTP connected to {Host}:{Port}", o.Host, o.Port);
        return new Session(client, keys, o.Host);
    }

    /// <summary>"SHA256:abc=" / "abc" → "abc" (unpadded base64, as ssh-keygen prints it).</summary>
    public static string? NormalizeFingerprint(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var v = value.Trim();
        if (v.StartsWith("SHA256:", StringComparison.OrdinalIgnoreCase))
        {
            v = v[7..];
        }

        return v.TrimEnd('=');
    }

    private static void DisposeAll(List<IDisposable> items)
    {
        foreach (var item in items)
        {
            item.Dispose();
        }
    }

    private sealed class Session(SftpClient client, List<IDisposable> keys, string host) : IHighRoadSftpSession
    {
        public async Task<IReadOnlyList<HighRoadRemoteFile>> ListFilesAsync(string directory, CancellationToken cancellationToken)
        {
            var files = new List<HighRoadRemoteFile>();
            await Wrap($"listing {directory}", async () =>
            {
                await foreach (var entry in client.ListDirectoryAsync(directory, cancellationToken))
                {
                    if (entry.IsRegularFile)
                    {
                        files.Add(new HighRoadRemoteFile(entry.Name, entry.FullName, entry.Length,
                            new DateTimeOffset(DateTime.SpecifyKind(entry.LastWriteTimeUtc, DateTimeKind.Utc))));
                    }
                }
            }, cancellationToken);
            return files;
        }

        public Task DownloadAsync(string path, Stream destination, CancellationToken cancellationToken) =>
            Wrap($"downloading {path}", () => client.DownloadFileAsync(path, destination, cancellationToken), cancellationToken);

        public Task UploadAsync(Stream content, string path, CancellationToken cancellationToken) =>
            Wrap($"uploading {path}", () => client.UploadFileAsync(content, path, cancellationToken), cancellationToken);

        public Task RenameAsync(string from, string to, CancellationToken cancellationToken) =>
            Wrap($"renaming {from}", async () =>
            {
                if (await client.ExistsAsync(to, cancellationToken))
                {
                    await client.DeleteFileAsync(to, cancellationToken);
                }

                await client.RenameFileAsync(from, to, cancellationToken);
            }, cancellationToken);

        public ValueTask DisposeAsync()
        {
            try
            {
                if (client.IsConnected)
                {
                    client.Disconnect();
                }
            }
            catch (Exception ex) when (ex is SshException or SocketException or ObjectDisposedException)
            {
                // Disconnecting a broken session: nothing left to do.
            }

            client.Dispose();
            DisposeAll(keys);
            return ValueTask.CompletedTask;
        }

        private async Task Wrap(string what, Func<Task> action, CancellationToken cancellationToken)
        {
            try
            {
                await action();
            }
            catch (SftpPathNotFoundException ex)
            {
                throw new VendorFetchException(HighRoadTrackingSource.VendorName, $"SFTP {host}: {what}: not found.", ex);
            }
            catch (SftpPermissionDeniedException ex)
            {
                throw new VendorFetchException(HighRoadTrackingSource.VendorName, $"SFTP {host}: {what}: permission denied.", ex);
            }
            catch (Exception ex) when (ex is SshException or SocketException or IOException or TimeoutException
                                           || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                throw new VendorFetchException(HighRoadTrackingSource.VendorName, $"SFTP {host}: {what} failed ({ex.GetType().Name}).", ex);
            }
        }
    }
}
