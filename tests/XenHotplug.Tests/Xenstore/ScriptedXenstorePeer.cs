using System.Net.Sockets;
using XenHotplug.Host.Xenstore;

namespace XenHotplug.Tests.Xenstore;

/// <summary>
/// A fake xenstored that accepts one connection, reads one request and answers with whatever bytes the test
/// scripts (optionally closing afterwards): for replies the real test server would never send.
/// </summary>
internal sealed class ScriptedXenstorePeer : IDisposable
{
    private readonly Socket _listener;
    private readonly Task _serve;

    private ScriptedXenstorePeer(string socketPath, Socket listener, Func<XenstoreMessage, byte[]> answer, bool closeAfter)
    {
        SocketPath = socketPath;
        _listener = listener;
        _serve = Task.Run(() =>
        {
            using var connection = _listener.Accept();
            var header = new byte[XenstoreMessageHeader.Size];
            ReceiveExactly(connection, header);
            var parsed = XenstoreMessageHeader.ReadFrom(header);
            var payload = new byte[parsed.Length];
            ReceiveExactly(connection, payload);
            connection.Send(answer(XenstoreFrameCodec.Decode([.. header, .. payload])));
            if (!closeAfter)
            {
                // Keep the connection open until the client goes away.
                connection.Receive(new byte[1]);
            }
        });
    }

    public string SocketPath { get; }

    public static ScriptedXenstorePeer Start(Func<XenstoreMessage, byte[]> answer, bool closeAfter = false)
    {
        string path = TestSocketPath.Create();
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        return new ScriptedXenstorePeer(path, listener, answer, closeAfter);
    }

    public void Dispose()
    {
        _listener.Dispose();
        try
        {
            _serve.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The client may close first; nothing to report.
        }

        File.Delete(SocketPath);
    }

    private static void ReceiveExactly(Socket socket, byte[] buffer)
    {
        int received = 0;
        while (received < buffer.Length)
        {
            int n = socket.Receive(buffer, received, buffer.Length - received, SocketFlags.None);
            if (n == 0)
            {
                throw new IOException("client closed");
            }

            received += n;
        }
    }
}
