using System.Net;
using System.Net.Sockets;
using Peeker.Activities.Common;

namespace Peeker.Tests.Activities.Common;

/// <summary>The connect-time SSRF guard shared by webhooks, forwarding checks and profile pictures.</summary>
public sealed class OutboundHttpGuardTests
{
    [Theory]
    [InlineData("127.0.0.1")] // loopback
    [InlineData("10.0.0.7")] // private
    [InlineData("169.254.169.254")] // cloud metadata
    public async Task Handler_NameResolvingToInternalAddress_IsRefusedAtConnectTime(string address)
    {
        // A listener on loopback: were the guard to connect anyway, the loopback case would show up here.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            using var client = new HttpClient(
                OutboundHttpGuard.CreateHandler((_, _) => Task.FromResult(new[] { IPAddress.Parse(address) }))
            );

            var error = await Assert.ThrowsAnyAsync<HttpRequestException>(() =>
                client.GetAsync(new Uri($"http://pictures.example:{port}/ada.png"))
            );

            Assert.NotNull(OutboundRequestRefusedException.Find(error));
            Assert.False(listener.Pending());
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task Handler_LocalDevelopmentHostWithoutTheOption_IsRefused()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            using var client = new HttpClient(OutboundHttpGuard.CreateHandler());

            var error = await Assert.ThrowsAnyAsync<HttpRequestException>(() =>
                client.GetAsync(new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/"))
            );

            Assert.NotNull(OutboundRequestRefusedException.Find(error));
            Assert.False(listener.Pending());
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task ReadBoundedAsync_StreamOverTheCap_IsRefused()
    {
        // No Content-Length: the cap holds while the body streams in.
        using var content = new StreamContent(new UnknownLengthStream(new byte[1025]));

        await Assert.ThrowsAsync<InvalidDataException>(() => OutboundHttpGuard.ReadBoundedAsync(content, 1024, CancellationToken.None));
    }

    [Fact]
    public async Task ReadBoundedAsync_DeclaredLengthOverTheCap_IsRefusedBeforeReading()
    {
        using var content = new ByteArrayContent(new byte[2048]);

        await Assert.ThrowsAsync<InvalidDataException>(() => OutboundHttpGuard.ReadBoundedAsync(content, 1024, CancellationToken.None));
    }

    [Fact]
    public async Task ReadBoundedAsync_AtTheCap_ReturnsTheBytes()
    {
        using var content = new StreamContent(new UnknownLengthStream(new byte[1024]));

        var bytes = await OutboundHttpGuard.ReadBoundedAsync(content, 1024, CancellationToken.None);

        Assert.Equal(1024, bytes.Length);
    }

    /// <summary>A body whose length is not known up front (as with chunked transfer).</summary>
    internal sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
