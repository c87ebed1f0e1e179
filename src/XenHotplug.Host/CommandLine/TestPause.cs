using System.Globalization;

namespace XenHotplug.Host.CommandLine;

/// <summary>
/// A test's way to stop a run at a named step, to kill it there or to run something in the window: with
/// XEN_MULTIBRIDGE_TEST_PAUSE=STEP (or STEP:SECONDS) in the environment, the first time the run reaches STEP it says so
/// on stderr ("paused at STEP") and waits SECONDS (default and at most 30), then carries on. Steps: "moved" (a balancer
/// move: the port is on the new bridge, its flags not yet copied), "twin" (the vif is done, its emulated twin not yet
/// moved), "stop-checked" (`stop` found no guests, the bridges not yet removed). Without the variable it does nothing.
/// </summary>
public static class TestPause
{
    public const string Variable = "XEN_MULTIBRIDGE_TEST_PAUSE";
    private static readonly string? Setting = Environment.GetEnvironmentVariable(Variable);
    private static int _paused;

    public static void At(string step)
    {
        if (Setting is null) return;
        var colon = Setting.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? Setting : Setting[..colon];
        if (name != step || Interlocked.Exchange(ref _paused, 1) != 0) return;
        var seconds = colon >= 0 && double.TryParse(Setting[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? Math.Clamp(s, 0, 30) : 30;
        Console.Error.WriteLine($"paused at {step} ({Variable})");
        Console.Error.Flush();
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
    }
}
