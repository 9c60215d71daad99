using EmailIntegration.Pipeline.Fetch;
using System.Net;
using System.Net.Sockets;
using EmailIntegration.Vendors.HighRoad;
using Microsoft.Extensions.Logging.Abstractions;

namespace EmailIntegration.UnitTests.Vendors.HighRoad;

/// <summary>The real SSH.NET connector's failure paths, on 127.0.0.1 only.</summary>
public class SshNetSftpConnectorTests
{
    private static SshNetSftpConnector Connector(Action<HighRoadSftpOptions> configure)
    {
        var options = HighRoadTestSupport.Options(o =>
        {
            o.Source = HighRoadSource.Sftp;
            o.Sftp.Host = "127.0.0.1";
            o.Sftp.UserName = "assoc";
            o.Sftp.Password = "sftp-s3cret";
            o.Sftp.AllowAnyHostKey = true;
            o.Sftp.ConnectTimeout = TimeSpan.FromSeconds(5);
            configure(o.Sftp);
        });
        return new SshNetSftpConnector(Microsoft.Extensions.Options.Options.Create(options), NullLogger<SshNetSftpConnector>.Instance);
    }

    [Fact]
    public async Task A_refused_connection_is_a_vendor_failure_naming_the_host_only()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now

        var ex = await Assert.ThrowsAsync<VendorFetchException>(() => Connector(s => s.Port = port).ConnectAsync(default));

        Assert.StartsWith($"SFTP to 127.0.0.1:{port}: the connection failed", ex.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("sftp-s3cret", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_is_not_ssh_is_a_vendor_failure()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            await stream.WriteAsync("HTTP/1.1 400 Bad Request\r\n\r\n"u8.ToArray());
            await Task.Delay(200);
        });

        try
        {
            var ex = await Assert.ThrowsAsync<VendorFetchException>(() => Connector(s => s.Port = port).ConnectAsync(default));
            Assert.StartsWith($"SFTP to 127.0.0.1:{port}:", ex.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain("sftp-s3cret", ex.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await server;
            listener.Stop();
        }
    }

    [Fact]
    public async Task An_unreadable_private_key_is_named_but_not_shown()
    {
        const string key = "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-really-a-key-SECRETMATERIAL\n-----END OPENSSH PRIVATE KEY-----";

        var ex = await Assert.ThrowsAsync<VendorFetchException>(() => Connector(s =>
        {
            s.Password = null;
            s.PrivateKey = key;
        }).ConnectAsync(default));

        Assert.Equal("Sftp:PrivateKey is not a readable private key (or its passphrase is wrong).", ex.Detail);
        Assert.True(ex.IsPermanent);
        Assert.DoesNotContain("SECRETMATERIAL", ex.ToString(), StringComparison.Ordinal);
    }
}
