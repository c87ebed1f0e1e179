using Serilog.Core;
using Serilog.Events;

namespace XenHotplug.Host.Logging;

/// <summary>A Serilog sink writing "program: message" lines to stderr (warnings say "warning:").</summary>
public sealed class StderrSink(string program, TextWriter? writer = null) : ILogEventSink
{
    private readonly TextWriter _writer = writer ?? Console.Error;

    public void Emit(LogEvent logEvent)
    {
        var prefix = logEvent.Level switch
        {
            LogEventLevel.Warning => "warning: ",
            LogEventLevel.Debug or LogEventLevel.Verbose => "debug: ",
            _ => "",
        };
        try
        {
            _writer.WriteLine($"{program}: {prefix}{MessageText.Render(logEvent)}");
        }
        catch (IOException)
        {
            // stderr closed: nothing to do, syslog still has it.
        }
    }
}
