using System.Collections.Concurrent;
using System.Net.Sockets;
using XenHotplug.Xenstore;

namespace XenHotplug.XenstoreServer;

/// <summary>
/// One client connection: a reader thread decoding requests and handing them to the server, and a writer thread
/// draining an outbox (replies and watch events, in order) so a slow client never blocks the store.
/// Watches and transactions are guarded by the server's store lock.
/// </summary>
internal sealed class XenstoreServerConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly Action<XenstoreServerConnection, XenstoreMessage> _handle;
    private readonly Action<XenstoreServerConnection> _closed;
    private readonly BlockingCollection<byte[]> _outbox = new();
    private readonly Thread _reader;
    private readonly Thread _writer;
    private int _closing;

    public XenstoreServerConnection(Socket socket, Action<XenstoreServerConnection, XenstoreMessage> handle, Action<XenstoreServerConnection> closed)
    {
        _socket = socket;
        _handle = handle;
        _closed = closed;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "xenstore-testd reader" };
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "xenstore-testd writer" };
    }

    public List<XenstoreWatch> Watches { get; } = [];

    public Dictionary<uint, XenstoreTransaction> Transactions { get; } = [];

    public bool IsClosed => Volatile.Read(ref _closing) != 0;

    public void Start()
    {
        _writer.Start();
        _reader.Start();
    }

    /// <summary>Queues a frame for sending; dropped when the connection is closing.</summary>
    public void Send(byte[] frame)
    {
        try
        {
            _outbox.TryAdd(frame);
        }
        catch (InvalidOperationException)
        {
            // Adding completed (or the collection disposed): the connection is closing.
        }
    }

    /// <summary>Closes the socket at once, dropping unsent frames (fault injection, server shutdown).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        _outbox.CompleteAdding();
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

        // Let the writer flush what is queued (replies to the last requests) before closing.
        _outbox.CompleteAdding();
        _writer.Join(TimeSpan.FromSeconds(5));
        Dispose();
    }

    private void WriteLoop()
    {
        try
        {
            foreach (var frame in _outbox.GetConsumingEnumerable())
            {
                int sent = 0;
                while (sent < frame.Length)
                {
                    sent += _socket.Send(frame, sent, frame.Length - sent, SocketFlags.None);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
        {
            Dispose();
        }
    }
}
