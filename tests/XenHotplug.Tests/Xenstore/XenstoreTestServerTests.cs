using XenHotplug.Host.Xenstore;
using XenHotplug.XenstoreServer;

namespace XenHotplug.Tests.Xenstore;

public sealed class XenstoreTestServerTests
{
    [Fact]
    public void Dispose_closes_clients_and_deletes_the_socket()
    {
        var server = XenstoreTestServer.Start(TestSocketPath.Create());
        using var client = XenstoreClient.Connect(server.SocketPath);
        client.Write("/a", "1");
        Assert.True(File.Exists(server.SocketPath));

        server.Dispose();

        Assert.False(File.Exists(server.SocketPath));
        Assert.Throws<XenstoreConnectionException>(() => client.Read("/a"));
        Assert.Throws<XenstoreConnectionException>(() => XenstoreClient.Connect(server.SocketPath));
    }

    [Fact]
    public void Starts_with_dom0_home_and_direct_access_works()
    {
        using var server = XenstoreTestServer.Start(TestSocketPath.Create());

        Assert.Equal(string.Empty, server.Read("/local/domain/0"));
        Assert.Equal(["local"], server.Directory("/"));
        server.Write("/x/y", "v");
        Assert.True(server.Exists("/x"));
        server.Remove("/x");
        Assert.Null(server.Read("/x/y"));
        Assert.Empty(server.Directory("/x"));
        Assert.Throws<ArgumentException>(() => server.Read("relative"));
    }

    [Fact]
    public void Counts_requests_and_connections()
    {
        using var server = XenstoreTestServer.Start(TestSocketPath.Create());
        using var client = XenstoreClient.Connect(server.SocketPath);

        client.ReadMany(["/a", "/b", "/c"]);

        Assert.Equal(3, server.RequestCount);
        Assert.Equal(1, server.ConnectionCount);
    }

    [Fact]
    public void Fault_only_hits_a_matching_path()
    {
        using var server = XenstoreTestServer.Start(TestSocketPath.Create());
        using var client = XenstoreClient.Connect(server.SocketPath);
        server.FailNext(XenstoreFault.MalformedReply, "target");

        client.Write("/unrelated", "1");
        Assert.Equal("1", client.Read("/unrelated"));
        Assert.Throws<XenstoreProtocolException>(() => client.Read("/the/target"));
    }

    [Fact]
    public void Closed_device_stream_is_a_connection_error()
    {
        // /dev/null stands in for the xenbus device: readable at once (poll), then end of file.
        using var client = XenstoreClient.ConnectDevice("/dev/null");

        var error = Assert.Throws<XenstoreConnectionException>(() => client.ReadWatchEvent(TimeSpan.FromSeconds(5)));

        Assert.Contains("/dev/null closed", error.Message, StringComparison.Ordinal);
    }
}
