using System.Diagnostics;
using System.Runtime.InteropServices;
using XenHotplug.Core.CommandLine;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Metrics;
using XenHotplug.Host.Ip;
using XenHotplug.Host.Metrics;
using XenHotplug.Host.Sysfs;

namespace XenHotplug.NetworkMultibridge;

/// <summary>
/// `top`: the live view (<see cref="TopView"/>) refreshed every [balancer] interval seconds until q, Q, Ctrl-C or
/// SIGTERM, in the terminal's alternate screen with the cursor hidden, both restored on the way out. When stdout is
/// no terminal: one screen as plain text, the rates measured over one interval, and exit.
/// </summary>
internal static class TopCommand
{
    private const string Enter = "\e[?1049h", Leave = "\e[?1049l", Home = "\e[H", ClearToEnd = "\e[J", ClearLine = "\e[K";

    public static int Run(MultibridgeConfig config, NetworkArguments command, Serilog.ILogger log)
    {
        var specs = command.Bridges(config);
        var sysfs = new SysfsNet();
        var runner = new IpRunner();
        void Quiet(string problem) => log.Debug("{Problem}", problem);
        var collector = new MetricsCollector(config, sysfs, Quiet);
        MetricsInput Sample() => collector.Collect(StatusReader.Read(config, specs, runner, sysfs, Quiet));
        var interval = TimeSpan.FromSeconds(config.Balancer.Interval);

        if (Console.IsOutputRedirected)
        {
            var first = Sample();
            var started = Stopwatch.GetTimestamp();
            Thread.Sleep(interval);
            var second = Sample();
            Console.Out.Write(TopView.Text(TopView.Render(second, first, Stopwatch.GetElapsedTime(started).TotalSeconds, DateTimeOffset.UtcNow, config.Balancer.Interval)));
            return 0;
        }

        using var stop = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => { c.Cancel = true; stop.Cancel(); });
        var keys = !Console.IsInputRedirected;
        if (keys) Console.TreatControlCAsInput = true; // Ctrl-C read as a key too (as well as SIGINT, when it comes as one)
        var output = Console.Out;
        output.Write(Enter);
        output.Flush();
        Console.CursorVisible = false; // through .NET's terminal handling, which otherwise restores its own idea of it at exit
        try
        {
            MetricsInput? before = null;
            var beforeAt = 0L;
            while (!stop.IsCancellationRequested)
            {
                var now = Sample();
                var at = Stopwatch.GetTimestamp();
                var seconds = before is null ? 0 : Stopwatch.GetElapsedTime(beforeAt, at).TotalSeconds;
                var (width, height) = Size();
                var lines = TopView.Render(now, before, seconds, DateTimeOffset.UtcNow, config.Balancer.Interval, width, height - 1);
                output.Write(Home + string.Concat(lines.Select(l => l + ClearLine + "\n")) + "q quits" + ClearLine + ClearToEnd);
                output.Flush();
                (before, beforeAt) = (now, at);
                if (WaitForQuit(interval, keys, stop.Token)) break;
            }
        }
        finally
        {
            output.Write(Leave);
            output.Flush();
            Console.CursorVisible = true;
            if (keys) Console.TreatControlCAsInput = false;
        }
        return 0;
    }

    /// <summary>Waits up to <paramref name="wait"/>; true when q, Q or Ctrl-C was typed or a signal asked to stop.</summary>
    private static bool WaitForQuit(TimeSpan wait, bool keys, CancellationToken stop)
    {
        var end = Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);
        do
        {
            while (keys && Console.KeyAvailable)
            {
                var key = Console.ReadKey(intercept: true);
                if (key.KeyChar is 'q' or 'Q' || (key.Key == ConsoleKey.C && key.Modifiers.HasFlag(ConsoleModifiers.Control)) || key.KeyChar == '\x03') return true;
            }
            if (stop.WaitHandle.WaitOne(50)) return true;
        }
        while (Stopwatch.GetTimestamp() < end);
        return stop.IsCancellationRequested;
    }

    private static (int Width, int Height) Size()
    {
        try
        {
            return (Math.Clamp(Console.WindowWidth, 40, 250), Math.Clamp(Console.WindowHeight, 10, 200));
        }
        catch (IOException)
        {
            return (80, 24);
        }
    }
}
