using System.Globalization;
using XenHotplug.Host.Native;

namespace XenHotplug.Host.Hotplug;

/// <summary>
/// The crash tests' hook: every change a hotplug makes to the kernel (one rtnetlink operation, one nf_tables
/// batch) is a numbered step, and with XENHOTPLUG_TEST_STOP_AT=N in the environment the process stops itself
/// (SIGSTOP) just before step N, naming it on stderr, so a test can SIGKILL it exactly between two netlink
/// messages — and prove that every such interleaving is cleaned up by the next run. Unset, it costs a counter.
/// </summary>
public static class StepStop
{
    public const string Variable = "XENHOTPLUG_TEST_STOP_AT";

    private static readonly int StopAt = int.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
    private static int _step;

    /// <summary>Counts a step; stops the process before it when it is the one asked for.</summary>
    public static void Before(string what)
    {
        var step = Interlocked.Increment(ref _step);
        if (StopAt == 0 || step != StopAt) return;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Variable}: stopped before step {step}: {what}"));
        Console.Error.Flush();
        _ = LibC.kill(LibC.getpid(), LibC.SIGSTOP);
    }
}
