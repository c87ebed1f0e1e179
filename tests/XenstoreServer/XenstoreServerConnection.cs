using System.Net.Sockets;
using XenHotplug.Host.Xenstore;

namespace XenHotplug.XenstoreServer;

/// <summary>
/// One client connection: a reader thread decoding requests and handing them to the server; replies and watch
/// events are written at once, in order, under a send lock (one thread per connection keeps latency low, as
/// the real xenstored's event loop does). Watches and transactions are guarded by the server's store lock.
/// </summary>
internal sealed class XenstoreServerConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly Action<XenstoreServerConnection, XenstoreMessage> _handle;
    private readonly Action<XenstoreServerConnection> _closed;
    private readonly Lock _sendLock = new();
    private readonly Thread _reader;
    private int _closing;

    public XenstoreServerConnection(Socket socket, Action<XenstoreServerConnection, XenstoreMessage> handle, Action<XenstoreServerConnection> closed)
    {
        _socket = socket;
        _handle = handle;
        _closed = closed;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "xenstore-testd reader" };
    }

    public List<XenstoreWatch> Watches { get; } = [];

    public Dictionary<uint, XenstoreTransaction> Transactions { get; } = [];

    public bool IsClosed => Volatile.Read(ref _closing) != 0;

    public void Start()
    {
        _reader.Start();
    }

    /// <summary>Sends a frame now; dropped when the connection is closing.</summary>
    public void Send(byte[] frame)
    {
        if (IsClosed) return;
        try
        {
            lock (_sendLock)
            {
                int sent = 0;
                while (sent < frame.Length)
                {
                    sent += _socket.Send(frame, sent, frame.Length - sent, SocketFlags.None);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Dispose();
        }
    }

    /// <summary>Closes the socket at once, dropping unsent frames (fault injection, server shutdown).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Peer already gone.
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }

        _socket.Dispose();
        _closed(this);
    }

    private void ReadLoop()
    {
        var buffer = new byte[64 * 1024];
        int start = 0;
        int end = 0;
        try
        {
            while (true)
            {
                while (XenstoreFrameCodec.TryDecode(buffer.AsSpan(start, end - start), out var message, out int consumed))
                {
                    start += consumed;
                    _handle(this, message!);
                }

                if (start == end)
                {
                    start = end = 0;
                }
                else if (buffer.Length - end < XenstoreMessageHeader.Size + XenstoreMessageHeader.MaxPayload)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }

                int read = _socket.Receive(buffer, end, buffer.Length - end, SocketFlags.None);
                if (read == 0)
                {
                    break;
                }

                end += read;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or XenstoreProtocolException)
        {
            // Peer closed, server shutting down, or the client broke the protocol: drop the connection.
        }

        Dispose();
    }
}
