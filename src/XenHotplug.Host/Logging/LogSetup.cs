using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace XenHotplug.Host.Logging;

/// <summary>The tools' logger: syslog (facility daemon, ident = program name) and stderr.</summary>
public static class LogSetup
{
    /// <summary>
    /// Creates the logger. Syslog gets Information and above (Debug with verbose); stderr gets
    /// Warning and above (Information with verbose). $XEN_MULTIBRIDGE_SYSLOG overrides the socket path.
    /// </summary>
    public static Logger Create(string program, bool verbose)
    {
        var socket = Environment.GetEnvironmentVariable("XEN_MULTIBRIDGE_SYSLOG");
        var syslog = new SyslogSink(program, string.IsNullOrEmpty(socket) ? "/dev/log" : socket);
        return new LoggerConfiguration()
            .MinimumLevel.Is(verbose ? LogEventLevel.Debug : LogEventLevel.Information)
            .WriteTo.Sink(syslog)
            .WriteTo.Sink(new StderrSink(program), verbose ? LogEventLevel.Information : LogEventLevel.Warning)
            .CreateLogger();
    }
}
