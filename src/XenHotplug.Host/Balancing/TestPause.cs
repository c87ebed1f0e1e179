namespace XenHotplug.Host.Balancing;

/// <summary>
/// A test's way to kill a move at a named step: with XEN_MULTIBRIDGE_TEST_PAUSE=STEP in the environment, the first
/// move reaching STEP says so on stderr ("paused at STEP") and waits (at most 30 s, then carries on) for the test to
/// SIGKILL it there. Steps: "moved" (the port is on the new bridge, its flags not yet copied), "twin" (the vif is
/// done, its emulated twin not yet moved). Without the variable it does nothing.
/// </summary>
public static class TestPause
{
    public const string Variable = "XEN_MULTIBRIDGE_TEST_PAUSE";
    private static readonly string? Step = Environment.GetEnvironmentVariable(Variable);
    private static int _paused;

    public static void At(string step)
    {
        if (Step != step || Interlocked.Exchange(ref _paused, 1) != 0) return;
        Console.Error.WriteLine($"paused at {step} ({Variable})");
        Console.Error.Flush();
        Thread.Sleep(TimeSpan.FromSeconds(30));
    }
}
