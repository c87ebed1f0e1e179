using System.Net.Sockets;

namespace XenHotplug.Host.Xenstore;

/// <summary>
/// A synchronous xenstore client speaking the xs_wire protocol over a stream: a xenstored Unix socket or the
/// xenbus device. ReadMany/WriteMany pipeline their requests (send all, then read all replies, matched by req_id).
/// Watch events that arrive while a reply is awaited are queued for <see cref="ReadWatchEvent"/>.
/// Calls are serialized with a lock; after a connection or protocol error the client is unusable.
/// </summary>
public sealed class XenstoreClient : IXenstore
{
    /// <summary>Requests sent before their replies are read; keeps a batch within the socket buffers.</summary>
    private const int PipelineWindow = 64;

    private const int ReceiveBufferSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly Lock _lock = new();
    private readonly Queue<XenstoreWatchEvent> _events = new();
    private readonly byte[] _receive = new byte[ReceiveBufferSize];
    private byte[] _send = new byte[8 * 1024];
    private int _sendLength;

    /// <summary>
    /// One request at a time: send a frame, read its reply, then send the next. Linux's xenbus device
    /// (xenbus_file_write) takes one message per write() into a per-file buffer, and xenbus_dev_request_and_reply
    /// queues that buffer's payload by reference for the xenbus thread to copy to the ring later; the next write()
    /// overwrites it. Pipelined requests there went out with another request's bytes: found under real Xen as
    /// "xenstore Read backend/vif/4/1/mtu: EINVAL", and it could as well read or write the wrong key silently.
    /// libxenstore never has more than one request in flight on the device either. A xenstored socket is a
    /// byte stream and keeps the pipeline.
    /// </summary>
    public bool OneRequestInFlight { get; init; }
    private int _receiveStart;
    private int _receiveEnd;
    private bool _isSocket;
    private uint _nextRequestId = 1;
    private string? _brokenReason;
    private bool _disposed;

    /// <summary>A client over an already open stream (the socket or xenbus device as a file descriptor, a test pipe); watch waits poll(2) a FileStream.</summary>
    public XenstoreClient(Stream stream, string endpointDescription)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(endpointDescription);
        _stream = stream;
        Endpoint = endpointDescription;
    }

    /// <summary>The path (or description) of the endpoint, for messages.</summary>
    public string Endpoint { get; }

    /// <summary>
    /// How long a reply may still take, in milliseconds, asked before every wait (null: no limit). A xenstored
    /// that accepts but never answers, or stops in the middle of a frame, then fails the call instead of
    /// hanging the hotplug until libxl kills it.
    /// </summary>
    public Func<int>? ReplyTimeoutMilliseconds { get; set; }

    /// <summary>Connects like libxenstore: $XENSTORED_PATH, else /var/run/xenstored/socket, else /dev/xen/xenbus.</summary>
    public static XenstoreClient Connect() => Connect(XenstoreEndpointSelector.ChooseFromEnvironment());

    /// <summary>
    /// Connects like <see cref="Connect()"/>, with every wait — the connect, each send, each reply — bounded by
    /// what <paramref name="timeoutMilliseconds"/> says is left when the wait begins.
    /// </summary>
    public static XenstoreClient Connect(Func<int> timeoutMilliseconds) =>
        Connect(XenstoreEndpointSelector.ChooseFromEnvironment(), timeoutMilliseconds);

    /// <summary>Connects to the given endpoint; with <paramref name="timeoutMilliseconds"/>, every wait is bounded as above.</summary>
    public static XenstoreClient Connect(XenstoreEndpoint endpoint, Func<int>? timeoutMilliseconds = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var client = endpoint.Kind == XenstoreEndpointKind.Device
            ? ConnectDevice(endpoint.Path)
            : ConnectSocket(endpoint.Path, timeoutMilliseconds?.Invoke());
        client.ReplyTimeoutMilliseconds = timeoutMilliseconds;
        return client;
    }

    /// <summary>
    /// Connects to a xenstored Unix socket. The socket is made with socket(2)/connect(2) directly and read
    /// and written as a file descriptor: a hotplug script lives a few milliseconds, and .NET's socket layer
    /// costs a noticeable part of that to initialise.
    /// </summary>
    public static XenstoreClient Connect(string socketPath) => ConnectSocket(socketPath, null);

    private static XenstoreClient ConnectSocket(string socketPath, int? timeoutMilliseconds)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        var handle = UnixStreamSocket.Connect(socketPath, out var error, timeoutMilliseconds);
        if (handle is null)
            throw new XenstoreConnectionException($"cannot connect to xenstore at {socketPath}: {error}");
        return new XenstoreClient(new FileStream(handle, FileAccess.ReadWrite, bufferSize: 0), socketPath) { _isSocket = true };
    }

    /// <summary>Opens the xenbus device (read/write) and speaks the same protocol over it.</summary>
    public static XenstoreClient ConnectDevice(string devicePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(devicePath);
        FileStream stream;
        try
        {
            stream = new FileStream(devicePath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new XenstoreConnectionException($"cannot connect to xenstore at {devicePath}: No such file or directory", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new XenstoreConnectionException($"cannot connect to xenstore at {devicePath}: Permission denied", ex);
        }
        catch (IOException ex)
        {
            throw new XenstoreConnectionException($"cannot connect to xenstore at {devicePath}: {ex.Message}", ex);
        }

        return new XenstoreClient(stream, devicePath) { OneRequestInFlight = true };
    }

    /// <inheritdoc />
    public string? Read(string path, uint transaction = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        var reply = Single(XenstoreMessageType.Read, transaction, XenstorePayload.Strings(path), path);
        if (ErrorName(reply) is { } error)
        {
            return error == "ENOENT" ? null : throw Failure(XenstoreMessageType.Read, path, error);
        }

        return XenstorePayload.ParseRaw(reply.Payload.Span);
    }

    /// <inheritdoc />
    public IReadOnlyList<string?> ReadMany(IReadOnlyList<string> paths, uint transaction = 0)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var payloads = new byte[paths.Count][];
        for (int i = 0; i < paths.Count; i++)
        {
            payloads[i] = XenstorePayload.Strings(paths[i] ?? throw new ArgumentException("null path", nameof(paths)));
        }

        var replies = Pipeline(XenstoreMessageType.Read, transaction, payloads, i => paths[i]);
        var values = new string?[replies.Length];
        XenstoreException? failure = null;
        for (int i = 0; i < replies.Length; i++)
        {
            if (ErrorName(replies[i]) is { } error)
            {
                if (error != "ENOENT")
                {
                    failure ??= Failure(XenstoreMessageType.Read, paths[i], error);
                }
            }
            else
            {
                values[i] = XenstorePayload.ParseRaw(replies[i].Payload.Span);
            }
        }

        return failure is null ? values : throw failure;
    }

    /// <inheritdoc />
    public void Write(string path, string value, uint transaction = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(value);
        var reply = Single(XenstoreMessageType.Write, transaction, XenstorePayload.PathAndValue(path, value), path);
        ThrowIfError(reply, XenstoreMessageType.Write, path);
    }

    /// <inheritdoc />
    public void WriteMany(IReadOnlyList<KeyValuePair<string, string>> values, uint transaction = 0)
    {
        ArgumentNullException.ThrowIfNull(values);
        var payloads = new byte[values.Count][];
        for (int i = 0; i < values.Count; i++)
        {
            var (path, value) = (values[i].Key, values[i].Value);
            ArgumentNullException.ThrowIfNull(path, nameof(values));
            ArgumentNullException.ThrowIfNull(value, nameof(values));
            payloads[i] = XenstorePayload.PathAndValue(path, value);
        }

        var replies = Pipeline(XenstoreMessageType.Write, transaction, payloads, i => values[i].Key);
        for (int i = 0; i < replies.Length; i++)
        {
            ThrowIfError(replies[i], XenstoreMessageType.Write, values[i].Key);
        }
    }

    /// <inheritdoc />
    public void Remove(string path, uint transaction = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        var reply = Single(XenstoreMessageType.Rm, transaction, XenstorePayload.Strings(path), path);
        if (ErrorName(reply) is { } error && error != "ENOENT")
        {
            throw Failure(XenstoreMessageType.Rm, path, error);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Directory(string path, uint transaction = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        var reply = Single(XenstoreMessageType.Directory, transaction, XenstorePayload.Strings(path), path);
        if (ErrorName(reply) is { } error)
        {
            return error == "ENOENT" ? [] : throw Failure(XenstoreMessageType.Directory, path, error);
        }

        return XenstorePayload.ParseStrings(reply.Payload.Span, $"DIRECTORY {path} reply");
    }

    /// <inheritdoc />
    public void Mkdir(string path, uint transaction = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        var reply = Single(XenstoreMessageType.Mkdir, transaction, XenstorePayload.Strings(path), path);
        ThrowIfError(reply, XenstoreMessageType.Mkdir, path);
    }

    /// <inheritdoc />
    public string GetDomainPath(int domainId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(domainId);
        string id = domainId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var reply = Single(XenstoreMessageType.GetDomainPath, 0, XenstorePayload.Strings(id), id);
        ThrowIfError(reply, XenstoreMessageType.GetDomainPath, id);
        return XenstorePayload.ParseSingleString(reply.Payload.Span, "GET_DOMAIN_PATH reply");
    }

    /// <inheritdoc />
    public uint TransactionStart()
    {
        var reply = Single(XenstoreMessageType.TransactionStart, 0, XenstorePayload.Strings(string.Empty), string.Empty);
        ThrowIfError(reply, XenstoreMessageType.TransactionStart, string.Empty);
        return XenstorePayload.ParseTransactionId(reply.Payload.Span);
    }

    /// <inheritdoc />
    public bool TransactionEnd(uint transaction, bool commit)
    {
        var reply = Single(XenstoreMessageType.TransactionEnd, transaction, XenstorePayload.TransactionEnd(commit), commit ? "T" : "F");
        if (ErrorName(reply) is { } error)
        {
            return error == "EAGAIN"
                ? false
                : throw Failure(XenstoreMessageType.TransactionEnd, $"transaction {transaction}", error);
        }

        return true;
    }

    /// <inheritdoc />
    public void Watch(string path, string token)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(token);
        var reply = Single(XenstoreMessageType.Watch, 0, XenstorePayload.Strings(path, token), path);
        ThrowIfError(reply, XenstoreMessageType.Watch, path);
    }

    /// <inheritdoc />
    public void Unwatch(string path, string token)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(token);
        var reply = Single(XenstoreMessageType.Unwatch, 0, XenstorePayload.Strings(path, token), path);
        ThrowIfError(reply, XenstoreMessageType.Unwatch, path);
    }

    /// <inheritdoc />
    public XenstoreWatchEvent? ReadWatchEvent(TimeSpan timeout)
    {
        lock (_lock)
        {
            EnsureUsable();
            if (_events.TryDequeue(out var queued))
            {
                return queued;
            }

            bool infinite = timeout == Timeout.InfiniteTimeSpan;
            long deadline = Environment.TickCount64 + (infinite ? 0 : (long)Math.Max(0, timeout.TotalMilliseconds));
            try
            {
                while (true)
                {
                    if (TryTakeBufferedFrame(out var message))
                    {
                        if (message!.Type != XenstoreMessageType.WatchEvent)
                        {
                            throw new XenstoreProtocolException(
                                $"unexpected {message.Type} frame (req_id {message.RequestId}) from xenstore at {Endpoint} while no request was pending");
                        }

                        return ParseWatchEvent(message);
                    }

                    int waitMs = infinite ? -1 : (int)Math.Clamp(deadline - Environment.TickCount64, 0, int.MaxValue);
                    if (!infinite && waitMs == 0 && !WaitReadable(0))
                    {
                        return null;
                    }

                    if (waitMs != 0 && !WaitReadable(waitMs))
                    {
                        return null;
                    }

                    FillReceiveBuffer("a watch event");
                }
            }
            catch (XenstoreException ex) when (ex is XenstoreProtocolException or XenstoreConnectionException)
            {
                _brokenReason = ex.Message;
                throw;
            }
        }
    }

    /// <summary>Number of watch events already received and queued.</summary>
    public int PendingWatchEvents
    {
        get
        {
            lock (_lock)
            {
                return _events.Count;
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _stream.Dispose();
        }
    }

    private XenstoreMessage Single(XenstoreMessageType type, uint transaction, byte[] payload, string what) =>
        Pipeline(type, transaction, [payload], _ => what)[0];

    /// <summary>Sends every payload as a request of <paramref name="type"/> and returns the replies in request order.</summary>
    private XenstoreMessage[] Pipeline(XenstoreMessageType type, uint transaction, byte[][] payloads, Func<int, string> describe)
    {
        for (int i = 0; i < payloads.Length; i++)
        {
            if (payloads[i].Length > XenstoreMessageHeader.MaxPayload)
            {
                throw new XenstoreException("E2BIG",
                    $"xenstore {type} {describe(i)}: request of {payloads[i].Length} bytes exceeds the maximum of {XenstoreMessageHeader.MaxPayload}");
            }
        }

        var replies = new XenstoreMessage[payloads.Length];
        lock (_lock)
        {
            EnsureUsable();
            try
            {
                int window = OneRequestInFlight ? 1 : PipelineWindow;
                for (int start = 0; start < payloads.Length; start += window)
                {
                    int count = Math.Min(window, payloads.Length - start);
                    uint firstId = _nextRequestId;
                    _nextRequestId += (uint)count;
                    if (_nextRequestId < firstId || _nextRequestId == 0)
                    {
                        firstId = 1;
                        _nextRequestId = (uint)count + 1;
                    }

                    _sendLength = 0;
                    for (int i = 0; i < count; i++)
                    {
                        AppendFrame(type, firstId + (uint)i, transaction, payloads[start + i]);
                    }

                    SendBuffered(type, describe(start));
                    ReceiveReplies(type, firstId, replies.AsSpan(start, count), i => describe(start + i));
                }
            }
            catch (XenstoreException ex) when (ex is XenstoreProtocolException or XenstoreConnectionException)
            {
                _brokenReason = ex.Message;
                throw;
            }
        }

        return replies;
    }

    private void AppendFrame(XenstoreMessageType type, uint requestId, uint transaction, byte[] payload)
    {
        int needed = _sendLength + XenstoreMessageHeader.Size + payload.Length;
        if (needed > _send.Length)
        {
            Array.Resize(ref _send, Math.Max(needed, _send.Length * 2));
        }

        _sendLength += XenstoreFrameCodec.Encode(_send.AsSpan(_sendLength), type, requestId, transaction, payload);
    }

    private void SendBuffered(XenstoreMessageType type, string what)
    {
        try
        {
            if (_isSocket && ReplyTimeoutMilliseconds is { } timeout && _stream is FileStream file)
            {
                // A xenstored that stopped reading fills the socket buffer: the send then fails instead of hanging.
                UnixStreamSocket.SetSendTimeout((int)file.SafeFileHandle.DangerousGetHandle(), timeout());
            }
            _stream.Write(_send, 0, _sendLength);
            _stream.Flush();
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            throw new XenstoreConnectionException($"cannot send {type} {what} to xenstore at {Endpoint}: {ex.Message}", ex);
        }
    }

    private void ReceiveReplies(XenstoreMessageType type, uint firstId, Span<XenstoreMessage> replies, Func<int, string> describe)
    {
        int outstanding = replies.Length;
        while (outstanding > 0)
        {
            XenstoreMessage? message;
            while (!TryTakeBufferedFrame(out message))
            {
                int next = replies.Length - outstanding;
                for (int i = 0; i < replies.Length; i++)
                {
                    if (replies[i] is null)
                    {
                        next = i;
                        break;
                    }
                }

                FillReceiveBuffer($"{type} {describe(next)}");
            }

            if (message!.Type == XenstoreMessageType.WatchEvent)
            {
                _events.Enqueue(ParseWatchEvent(message));
                continue;
            }

            uint index = message.RequestId - firstId;
            if (index >= (uint)replies.Length || replies[(int)index] is not null)
            {
                throw new XenstoreProtocolException(
                    $"xenstore at {Endpoint} answered req_id {message.RequestId}, which is not pending (type {message.Type})");
            }

            if (message.Type != type && message.Type != XenstoreMessageType.Error)
            {
                throw new XenstoreProtocolException(
                    $"xenstore at {Endpoint} answered {type} {describe((int)index)} with a {message.Type} frame");
            }

            if (message.Type == XenstoreMessageType.Error)
            {
                XenstorePayload.ParseError(message.Payload.Span);
            }

            replies[(int)index] = message;
            outstanding--;
        }
    }

    private bool TryTakeBufferedFrame(out XenstoreMessage? message)
    {
        if (XenstoreFrameCodec.TryDecode(_receive.AsSpan(_receiveStart, _receiveEnd - _receiveStart), out message, out int consumed))
        {
            _receiveStart += consumed;
            if (_receiveStart == _receiveEnd)
            {
                _receiveStart = _receiveEnd = 0;
            }

            return true;
        }

        return false;
    }

    private void FillReceiveBuffer(string waitingFor)
    {
        if (_receive.Length - _receiveEnd < XenstoreMessageHeader.Size + XenstoreMessageHeader.MaxPayload)
        {
            Buffer.BlockCopy(_receive, _receiveStart, _receive, 0, _receiveEnd - _receiveStart);
            _receiveEnd -= _receiveStart;
            _receiveStart = 0;
        }

        if (ReplyTimeoutMilliseconds is { } timeout && !WaitReadable(Math.Max(0, timeout())))
        {
            string partial = _receiveEnd > _receiveStart ? $" (in the middle of a frame, {_receiveEnd - _receiveStart} bytes received)" : string.Empty;
            throw new XenstoreConnectionException($"xenstore at {Endpoint} did not answer {waitingFor} in time{partial}");
        }

        int read;
        try
        {
            read = _stream.Read(_receive, _receiveEnd, _receive.Length - _receiveEnd);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            throw new XenstoreConnectionException($"xenstore connection to {Endpoint} failed while waiting for {waitingFor}: {ex.Message}", ex);
        }

        if (read == 0)
        {
            string partial = _receiveEnd > _receiveStart ? $" (in the middle of a frame, {_receiveEnd - _receiveStart} bytes received)" : string.Empty;
            throw new XenstoreConnectionException($"xenstore connection to {Endpoint} closed while waiting for {waitingFor}{partial}");
        }

        _receiveEnd += read;
    }

    private bool WaitReadable(int timeoutMilliseconds)
    {
        if (_stream is FileStream file)
        {
            return FileDescriptorPoll.WaitReadable(file.SafeFileHandle, timeoutMilliseconds);
        }

        return true;
    }

    private static XenstoreWatchEvent ParseWatchEvent(XenstoreMessage message)
    {
        var (path, token) = XenstorePayload.ParseWatch(message.Payload.Span, "WATCH_EVENT");
        return new XenstoreWatchEvent(path, token);
    }

    private void EnsureUsable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_brokenReason is not null)
        {
            throw new XenstoreConnectionException($"xenstore connection to {Endpoint} is unusable after an earlier error: {_brokenReason}");
        }
    }

    private static string? ErrorName(XenstoreMessage reply) =>
        reply.Type == XenstoreMessageType.Error ? XenstorePayload.ParseError(reply.Payload.Span) : null;

    private static void ThrowIfError(XenstoreMessage reply, XenstoreMessageType type, string path)
    {
        if (ErrorName(reply) is { } error)
        {
            throw Failure(type, path, error);
        }
    }

    private static XenstoreException Failure(XenstoreMessageType type, string path, string error) =>
        new(error, $"xenstore {type} {path}: {error}");
}
