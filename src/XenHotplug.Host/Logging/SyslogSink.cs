using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Serilog.Core;
using Serilog.Events;

namespace XenHotplug.Host.Logging;

/// <summary>
/// A Serilog sink that sends datagrams to the local syslog socket (/dev/log) framed as syslog(3) frames them,
/// `&lt;PRI&gt;TAG[PID]: message`: journald stores TAG as SYSLOG_IDENTIFIER (so `journalctl -t TAG` finds the
/// entries) and rsyslog/syslog-ng parse it the same way (journald does not parse RFC 5424).
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
    private readonly int _pid = Environment.ProcessId;
    private Socket? _socket;
    private bool _unavailable;

    public SyslogSink(string ident, string socketPath = "/dev/log", int facility = FacilityDaemon)
    {
        _ident = ident;
        _socketPath = socketPath;
        _facility = facility;
    }

    public void Emit(LogEvent logEvent)
    {
        if (_unavailable) return;
        try
        {
            var datagram = Format(logEvent, _facility, _ident, _pid);
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

    /// <summary>
    /// The datagram for one event, as glibc's syslog(3) sends it to a local socket: &lt;PRI&gt;TAG[PID]: MSG
    /// (no timestamp or host name: the local daemon stamps its own; MessageText makes line breaks spaces, so one
    /// event stays one entry).
    /// </summary>
    public static byte[] Format(LogEvent logEvent, int facility, string ident, int pid)
    {
        var priority = facility * 8 + Severity(logEvent.Level);
        var message = MessageText.Render(logEvent);
        var text = string.Create(CultureInfo.InvariantCulture, $"<{priority}>{ident}[{pid}]: {message}");
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
}
