using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Serilog.Core;
using Serilog.Events;

namespace XenHotplug.Host.Logging;

/// <summary>
/// A Serilog sink that sends RFC 5424 datagrams to the local syslog socket (/dev/log).
/// It never fails or delays a hotplug: the socket is non-blocking, so when syslog is absent, full or not
/// reading, the message is dropped at once (EAGAIN, ENOBUFS, ECONNREFUSED) instead of waited for.
/// </summary>
public sealed class SyslogSink : ILogEventSink, IDisposable
{
    /// <summary>LOG_DAEMON.</summary>
    public const int FacilityDaemon = 3;

    private readonly string _ident;
    private readonly string _socketPath;
    private readonly int _facility;
    private readonly string _hostName;
    private readonly int _pid = Environment.ProcessId;
    private Socket? _socket;
    private bool _unavailable;

    public SyslogSink(string ident, string socketPath = "/dev/log", int facility = FacilityDaemon)
    {
        _ident = ident;
        _socketPath = socketPath;
        _facility = facility;
        _hostName = SafeHostName();
    }

    public void Emit(LogEvent logEvent)
    {
        if (_unavailable) return;
        try
        {
            var datagram = Format(logEvent, _facility, _hostName, _ident, _pid);
            _socket ??= Connect();
            _socket?.Send(datagram);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.NoBufferSpaceAvailable)
        {
            // The reader is behind or stuck: this message is dropped, the next one may get through.
        }
        catch (SocketException)
        {
            _unavailable = true;
        }
        catch (ObjectDisposedException)
        {
            _unavailable = true;
        }
    }

    /// <summary>The RFC 5424 datagram for one event: &lt;PRI&gt;1 TIMESTAMP HOST APP PID - - MSG.</summary>
    public static byte[] Format(LogEvent logEvent, int facility, string hostName, string ident, int pid)
    {
        var priority = facility * 8 + Severity(logEvent.Level);
        var message = MessageText.Render(logEvent);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"<{priority}>1 {logEvent.Timestamp.UtcDateTime:yyyy-MM-ddTHH:mm:ss.ffffffZ} {hostName} {ident} {pid} - - {message}");
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>syslog severity: err=3, warning=4, info=6, debug=7.</summary>
    public static int Severity(LogEventLevel level) => level switch
    {
        LogEventLevel.Fatal => 2,
        LogEventLevel.Error => 3,
        LogEventLevel.Warning => 4,
        LogEventLevel.Information => 6,
        _ => 7,
    };

    public void Dispose() => _socket?.Dispose();

    private Socket? Connect()
    {
        if (!File.Exists(_socketPath))
        {
            _unavailable = true;
            return null;
        }
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(_socketPath));
            socket.Blocking = false; // never wait for a reader: a full queue drops the message
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            _unavailable = true;
            return null;
        }
    }

    private static string SafeHostName()
    {
        try
        {
            var name = Environment.MachineName;
            return string.IsNullOrEmpty(name) ? "-" : name;
        }
        catch (InvalidOperationException)
        {
            return "-";
        }
    }
}
