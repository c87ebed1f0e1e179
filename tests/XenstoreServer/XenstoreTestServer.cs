using System.Net.Sockets;
using XenHotplug.Host.Xenstore;

namespace XenHotplug.XenstoreServer;

/// <summary>
/// A small xenstored for tests: the real wire protocol over a Unix socket (good enough for Debian's xenstore-* tools
/// and <see cref="XenstoreClient"/>), a thread per connection, direct tree access for assertions, fault injection.
/// Relative request paths resolve under /local/domain/0.
/// </summary>
public sealed class XenstoreTestServer : IDisposable
{
    private readonly XenstoreStore _store = new();
    private readonly XenstoreRequestDispatcher _dispatcher;
    private readonly Socket _listener;
    private readonly Thread _acceptThread;
    private readonly List<(XenstoreFault Fault, string? PathContains)> _faults = [];
    private long _requestCount;
    private int _disposed;

    private XenstoreTestServer(string socketPath, Socket listener)
    {
        SocketPath = socketPath;
        _listener = listener;
        _dispatcher = new XenstoreRequestDispatcher(_store);
        _store.Mkdir(XenstorePath.Dom0Home);
        _acceptThread = new Thread(AcceptLoop) { IsBackground = true, Name = "xenstore-testd accept" };
    }

    /// <summary>The Unix socket the server listens on.</summary>
    public string SocketPath { get; }

    /// <summary>Requests received so far, over all connections.</summary>
    public long RequestCount => Interlocked.Read(ref _requestCount);

    /// <summary>Watches currently registered, over all connections.</summary>
    public int WatchCount
    {
        get
        {
            lock (_store.Sync)
            {
                return _store.Connections.Sum(c => c.Watches.Count);
            }
        }
    }

    /// <summary>Open client connections.</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_store.Sync)
            {
                return _store.Connections.Count;
            }
        }
    }

    /// <summary>Listens on <paramref name="socketPath"/> (a stale file there is replaced) and serves until disposed.</summary>
    public static XenstoreTestServer Start(string socketPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        if (File.Exists(socketPath))
        {
            File.Delete(socketPath);
        }

        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(socketPath));
            listener.Listen(128);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        var server = new XenstoreTestServer(socketPath, listener);
        server._acceptThread.Start();
        return server;
    }

    /// <summary>The value at an absolute path, or null when the node does not exist.</summary>
    public string? Read(string absPath)
    {
        RequireValid(absPath);
        lock (_store.Sync)
        {
            return _store.Tree.Find(absPath)?.Value;
        }
    }

    /// <summary>Whether a node exists at an absolute path.</summary>
    public bool Exists(string absPath) => Read(absPath) is not null;

    /// <summary>Writes a value (creating parents) and fires watches, as a client WRITE would.</summary>
    public void Write(string absPath, string value)
    {
        RequireValid(absPath);
        ArgumentNullException.ThrowIfNull(value);
        lock (_store.Sync)
        {
            _store.Write(absPath, value);
        }
    }

    /// <summary>Removes a node and its subtree (nothing when missing) and fires watches.</summary>
    public void Remove(string absPath)
    {
        RequireValid(absPath);
        if (absPath == "/")
        {
            throw new ArgumentException("the root cannot be removed", nameof(absPath));
        }

        lock (_store.Sync)
        {
            _store.Remove(absPath);
        }
    }

    /// <summary>The child names of a node; empty when it does not exist.</summary>
    public IReadOnlyList<string> Directory(string absPath)
    {
        RequireValid(absPath);
        lock (_store.Sync)
        {
            return _store.Tree.Find(absPath)?.Children.Keys.ToArray() ?? [];
        }
    }

    /// <summary>
    /// Injects <paramref name="fault"/> instead of answering the next request whose path contains
    /// <paramref name="pathContains"/> (any request when null). Faults queue up in the order given.
    /// </summary>
    public void FailNext(XenstoreFault fault, string? pathContains = null)
    {
        lock (_faults)
        {
            _faults.Add((fault, pathContains));
        }
    }

    /// <summary>Stops listening, closes every client connection and deletes the socket file.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _listener.Dispose();
        XenstoreServerConnection[] connections;
        lock (_store.Sync)
        {
            connections = [.. _store.Connections];
        }

        foreach (var connection in connections)
        {
            connection.Dispose();
        }

        _acceptThread.Join(TimeSpan.FromSeconds(5));
        try
        {
            File.Delete(SocketPath);
        }
        catch (IOException)
        {
            // Nothing more to do for a test server.
        }
    }

    private void AcceptLoop()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = _listener.Accept();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            var connection = new XenstoreServerConnection(client, Handle, Closed);
            lock (_store.Sync)
            {
                if (Volatile.Read(ref _disposed) != 0)
                {
                    client.Dispose();
                    return;
                }

                _store.AddConnection(connection);
            }

            connection.Start();
        }
    }

    private void Handle(XenstoreServerConnection connection, XenstoreMessage request)
    {
        if (connection.IsClosed)
        {
            return;
        }

        Interlocked.Increment(ref _requestCount);
        if (TakeFault(request) is { } fault)
        {
            if (fault == XenstoreFault.CloseConnection)
            {
                connection.Dispose();
            }
            else
            {
                // A header announcing a payload larger than the protocol allows.
                var frame = new byte[XenstoreMessageHeader.Size];
                new XenstoreMessageHeader(request.Type, request.RequestId, request.TransactionId, 0xFFFF).WriteTo(frame);
                connection.Send(frame);
            }

            return;
        }

        lock (_store.Sync)
        {
            _dispatcher.Handle(connection, request);
        }
    }

    private XenstoreFault? TakeFault(XenstoreMessage request)
    {
        lock (_faults)
        {
            if (_faults.Count == 0)
            {
                return null;
            }

            var payload = request.Payload.Span;
            int nul = payload.IndexOf((byte)0);
            string path = XenstorePayload.ParseRaw(nul < 0 ? payload : payload[..nul]);
            int index = _faults.FindIndex(f => f.PathContains is null || path.Contains(f.PathContains, StringComparison.Ordinal));
            if (index < 0)
            {
                return null;
            }

            var fault = _faults[index].Fault;
            _faults.RemoveAt(index);
            return fault;
        }
    }

    private void Closed(XenstoreServerConnection connection)
    {
        lock (_store.Sync)
        {
            _store.RemoveConnection(connection);
        }
    }

    private static void RequireValid(string absPath)
    {
        ArgumentNullException.ThrowIfNull(absPath);
        if (!XenstorePath.IsValidAbsolute(absPath))
        {
            throw new ArgumentException($"not a valid absolute xenstore path: \"{absPath}\"", nameof(absPath));
        }
    }
}
