using System.Net.Sockets;
using System.Text;
using Serilog.Events;
using Serilog.Parsing;
using XenHotplug.Host.Logging;

namespace XenHotplug.Tests.Logging;

public class SyslogSinkTests
{
    private static LogEvent Event(LogEventLevel level, string text) =>
        new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), level, null, new MessageTemplateParser().Parse(text), []);

    [Fact]
    public void Formats_like_syslog3_with_facility_daemon()
    {
        var bytes = SyslogSink.Format(Event(LogEventLevel.Error, "attach failed"), SyslogSink.FacilityDaemon, "vif-multibridge", 42);
        Assert.Equal("<27>vif-multibridge[42]: attach failed", Encoding.UTF8.GetString(bytes));
        Assert.Equal("<30>i[1]: x", Encoding.UTF8.GetString(SyslogSink.Format(Event(LogEventLevel.Information, "x"), 3, "i", 1)));
        Assert.Equal("<28>i[1]: x", Encoding.UTF8.GetString(SyslogSink.Format(Event(LogEventLevel.Warning, "x"), 3, "i", 1)));
    }

    [Fact]
    public void One_event_is_one_line()
    {
        var text = Encoding.UTF8.GetString(SyslogSink.Format(Event(LogEventLevel.Error, "a\nb"), 3, "i", 1));
        Assert.Equal("<27>i[1]: a b", text);
    }

    [Fact]
    public void Never_fails_when_syslog_is_absent()
    {
        using var sink = new SyslogSink("t", "/nonexistent/log");
        sink.Emit(Event(LogEventLevel.Error, "x"));
        sink.Emit(Event(LogEventLevel.Error, "y"));
    }

    [Fact]
    public void Delivers_a_datagram_to_the_socket()
    {
        var path = Path.Combine(Path.GetTempPath(), "xhp-log-" + Guid.NewGuid().ToString("N"));
        using var server = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        server.Bind(new UnixDomainSocketEndPoint(path));
        try
        {
            using (var sink = new SyslogSink("vif-multibridge", path))
            {
                sink.Emit(Event(LogEventLevel.Warning, "hello"));
            }
            server.ReceiveTimeout = 2000;
            var buffer = new byte[2048];
            var n = server.Receive(buffer);
            var text = Encoding.UTF8.GetString(buffer, 0, n);
            Assert.Equal("<28>vif-multibridge[" + Environment.ProcessId + "]: hello", text);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
