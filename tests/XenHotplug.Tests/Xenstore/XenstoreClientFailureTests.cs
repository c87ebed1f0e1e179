using XenHotplug.Host.Xenstore;
using XenHotplug.XenstoreServer;

namespace XenHotplug.Tests.Xenstore;

public sealed class XenstoreClientFailureTests
{
    [Fact]
    public void Missing_socket_names_the_path()
    {
        string path = TestSocketPath.Create();

        var error = Assert.Throws<XenstoreConnectionException>(() => XenstoreClient.Connect(path));

        Assert.Equal($"cannot connect to xenstore at {path}: No such file or directory", error.Message);
    }

    [Fact]
    public void Missing_device_names_the_path()
    {
        string path = TestSocketPath.Create();

        var error = Assert.Throws<XenstoreConnectionException>(() => XenstoreClient.ConnectDevice(path));

        Assert.Equal($"cannot connect to xenstore at {path}: No such file or directory", error.Message);
    }

    [Fact]
    public void Server_closing_mid_request_is_a_connection_error()
    {
        using var server = XenstoreTestServer.Start(TestSocketPath.Create());
        using var client = XenstoreClient.Connect(server.SocketPath);
        server.FailNext(XenstoreFault.CloseConnection, "hotplug-status");

        client.Write("/other", "ok");
        var error = Assert.Throws<XenstoreConnectionException>(() => client.Read("/backend/vif/1/0/hotplug-status"));

        Assert.Contains("closed", error.Message, StringComparison.Ordinal);
        Assert.Contains(server.SocketPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("hotplug-status", error.Message, StringComparison.Ordinal);
        Assert.Throws<XenstoreConnectionException>(() => client.Read("/other"));
    }

    [Fact]
    public void Server_closing_during_a_pipelined_batch_is_a_connection_error()
    {
        using var server = XenstoreTestServer.Start(TestSocketPath.Create());
        using var client = XenstoreClient.Connect(server.SocketPath);
        server.FailNext(XenstoreFault.CloseConnection, "/batch/7");

        Assert.Throws<XenstoreConnectionException>(() => client.ReadMany([.. Enumerable.Range(0, 20).Select(i => $"/batch/{i}")]));
    }

    [Fact]
    public void Malformed_reply_is_a_protocol_error()
    {
        using var server = XenstoreTestServer.Start(TestSocketPath.Create());
        using var client = XenstoreClient.Connect(server.SocketPath);
        server.FailNext(XenstoreFault.MalformedReply);

        var error = Assert.Throws<XenstoreProtocolException>(() => client.Read("/x"));

        Assert.Equal("EPROTO", error.ErrorName);
        Assert.Throws<XenstoreConnectionException>(() => client.Read("/x"));
    }

    [Fact]
    public void A_new_connection_works_after_a_fault()
    {
        using var server = XenstoreTestServer.Start(TestSocketPath.Create());
        server.FailNext(XenstoreFault.CloseConnection);
        using (var first = XenstoreClient.Connect(server.SocketPath))
        {
            Assert.Throws<XenstoreConnectionException>(() => first.Write("/a", "1"));
        }

        using var second = XenstoreClient.Connect(server.SocketPath);
        second.Write("/a", "2");
        Assert.Equal("2", server.Read("/a"));
    }

    [Fact]
    public void A_xenstored_that_stops_accepting_fails_the_connect_within_the_budget()
    {
        string path = TestSocketPath.Create();
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
        listener.Listen(0);
        // Fill the listen queue: connections nobody accepts, made without waiting.
        var fillers = new List<System.Net.Sockets.Socket>();
        try
        {
            while (fillers.Count < 8)
            {
                var filler = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified) { Blocking = false };
                fillers.Add(filler);
                try
                {
                    filler.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
                }
                catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.WouldBlock)
                {
                    break; // the queue is full
                }
            }

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var error = Assert.Throws<XenstoreConnectionException>(() =>
                XenstoreClient.Connect(new XenstoreEndpoint(path, XenstoreEndpointKind.UnixSocket), () => 300));

            Assert.Contains("no answer in time", error.Message, StringComparison.Ordinal);
            Assert.InRange(clock.ElapsedMilliseconds, 250, 10_000);
        }
        finally
        {
            foreach (var filler in fillers) filler.Dispose();
        }
    }

    [Fact]
    public void A_xenstored_that_stops_reading_fails_the_send_within_the_budget()
    {
        string path = TestSocketPath.Create();
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        using var client = XenstoreClient.Connect(new XenstoreEndpoint(path, XenstoreEndpointKind.UnixSocket), () => 300);
        using var accepted = listener.Accept(); // accepted, never read

        // Writes bigger than any socket buffer: the first send blocks until its time is up.
        var value = new string('x', 4000);
        var writes = Enumerable.Range(0, 2000).Select(i => new KeyValuePair<string, string>($"/big/{i}", value)).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = Assert.Throws<XenstoreConnectionException>(() => client.WriteMany(writes));

        Assert.Contains("cannot send", error.Message, StringComparison.Ordinal);
        Assert.InRange(clock.ElapsedMilliseconds, 250, 10_000);
    }

    /// <summary>A READ against a peer that answers with <paramref name="answer"/>: the exception the client throws.</summary>
    private static XenstoreProtocolException ReadFailsWith(Func<XenstoreMessage, byte[]> answer)
    {
        using var peer = ScriptedXenstorePeer.Start(answer);
        using var client = XenstoreClient.Connect(peer.SocketPath);
        return Assert.Throws<XenstoreProtocolException>(() => client.Read("/x"));
    }

    [Fact]
    public void Error_reply_without_terminator_is_a_protocol_error() =>
        ReadFailsWith(request => XenstoreFrameCodec.Encode(XenstoreMessageType.Error, request.RequestId, 0, "ENOENT"u8));

    [Fact]
    public void Reply_for_an_unknown_request_id_is_a_protocol_error()
    {
        var error = ReadFailsWith(request => XenstoreFrameCodec.Encode(XenstoreMessageType.Read, request.RequestId + 100, 0, "v"u8));
        Assert.Contains("req_id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reply_of_the_wrong_type_is_a_protocol_error() =>
        ReadFailsWith(request => XenstoreFrameCodec.Encode(XenstoreMessageType.Directory, request.RequestId, 0, "a\0"u8));

    [Fact]
    public void Truncated_reply_then_close_is_a_connection_error()
    {
        using var peer = ScriptedXenstorePeer.Start(request =>
            XenstoreFrameCodec.Encode(XenstoreMessageType.Read, request.RequestId, 0, "value"u8)[..18], closeAfter: true);
        using var client = XenstoreClient.Connect(peer.SocketPath);

        var error = Assert.Throws<XenstoreConnectionException>(() => client.Read("/x"));
        Assert.Contains("middle of a frame", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_message_type_is_EINVAL_from_the_server()
    {
        using var server = XenstoreTestServer.Start(TestSocketPath.Create());
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(server.SocketPath));

        socket.Send(XenstoreFrameCodec.Encode((XenstoreMessageType)99, 5, 0, "x\0"u8));
        var buffer = new byte[64];
        int received = 0;
        while (received < XenstoreMessageHeader.Size + 7)
        {
            received += socket.Receive(buffer, received, buffer.Length - received, System.Net.Sockets.SocketFlags.None);
        }

        var reply = XenstoreFrameCodec.Decode(buffer.AsSpan(0, received));
        Assert.Equal(XenstoreMessageType.Error, reply.Type);
        Assert.Equal(5u, reply.RequestId);
        Assert.Equal("EINVAL", XenstorePayload.ParseError(reply.Payload.Span));
    }
}
