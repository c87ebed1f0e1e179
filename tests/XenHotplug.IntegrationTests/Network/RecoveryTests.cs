using XenHotplug.TestSupport;
using Xunit.Abstractions;

namespace XenHotplug.IntegrationTests.Network;

/// <summary>
/// Nothing lost: every `ip` call of start and stop fails in turn (PATH shim), and the process is killed -9 at
/// every call; each time the full network state must come back exactly as it was.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RecoveryTests(ITestOutputHelper output)
{
    private const string Xenbr = "[bridge:xenbr0]\nuplink = eth0\n\n[bridge:xenbr1]\nuplink = eth1\n";
    private const string Legacy = "[network]\nnaming = legacy\n\n[bridge:xenbr0]\nuplink = eth0\n\n[bridge:xenbr1]\nuplink = eth1\n";

    private static SimulatedDom0 Lab(string ini)
    {
        var lab = new SimulatedDom0();
        try
        {
            lab.AddLanUplink("eth0", 0, defaultRoute: true);
            lab.AddLanUplink("eth1", 1, defaultRoute: false);
            lab.WriteConfig(ini);
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    [Theory]
    [InlineData("xenbr", "start")]
    [InlineData("xenbr", "stop")]
    [InlineData("legacy", "start")]
    [InlineData("legacy", "stop")]
    public void Every_ip_call_failing_rolls_back_to_the_exact_state(string naming, string action)
    {
        using var lab = Lab(naming == "legacy" ? Legacy : Xenbr);
        var shim = new IpShim(lab.WorkDir);
        if (action == "stop") Assert.Equal(0, lab.NetworkTool("start").ExitCode);
        var before = lab.Snapshot(ignoreNoDad: true);

        // A clean run through the shim counts the calls, then is undone.
        var clean = lab.NetworkTool([action], shim.Env());
        Assert.True(clean.ExitCode == 0, clean.ToString());
        var calls = shim.Calls;
        output.WriteLine($"{naming} {action}: {calls} ip calls");
        Assert.InRange(calls, 7, 60);
        var undo = lab.NetworkTool(action == "start" ? "stop" : "start");
        Assert.True(undo.ExitCode == 0, undo.ToString());
        Assert.Null(lab.StateDifference(before, ignoreNoDad: true));
        before = lab.Snapshot();

        for (var k = 1; k <= calls; k++)
        {
            var run = lab.NetworkTool([action], shim.Env(failAt: k));
            Assert.True(run.ExitCode == 1, $"k={k}: {run}");
            Assert.Contains("injected failure", run.StdErr, StringComparison.Ordinal);
            if (File.Exists(Path.Combine(lab.RunDir, "network.journal")))
            {
                // The rollback itself was hit: the next run repairs it.
                var repair = lab.NetworkTool(action == "start" ? "stop" : "start");
                output.WriteLine($"k={k}: journal left, repaired by the next run (exit {repair.ExitCode})");
                if (action == "stop") Assert.Equal(0, lab.NetworkTool("start").ExitCode); else Assert.Equal(0, lab.NetworkTool("stop").ExitCode);
            }
            Assert.True(lab.StateDifference(before) is null, $"k={k}: state differs after rollback\n{lab.StateDifference(before)}\n{run}");
        }
    }

    [Theory]
    [InlineData("xenbr", "start", false)]
    [InlineData("xenbr", "start", true)]
    [InlineData("xenbr", "stop", true)]
    [InlineData("legacy", "start", true)]
    [InlineData("legacy", "stop", true)]
    public void Killed_at_every_ip_call_the_next_run_repairs(string naming, string action, bool afterTheCall)
    {
        using var lab = Lab(naming == "legacy" ? Legacy : Xenbr);
        var shim = new IpShim(lab.WorkDir);
        var initial = lab.Snapshot(ignoreNoDad: true);
        if (action == "stop") Assert.Equal(0, lab.NetworkTool("start").ExitCode);
        var before = lab.Snapshot();
        var clean = lab.NetworkTool([action], shim.Env());
        Assert.True(clean.ExitCode == 0, clean.ToString());
        var calls = shim.Calls;
        Assert.Equal(0, lab.NetworkTool(action == "start" ? "stop" : "start").ExitCode);
        before = lab.Snapshot();

        for (var k = 1; k <= calls; k++)
        {
            var process = lab.StartNetworkTool([action], shim.Env(sleepAt: k, sleepAfter: afterTheCall));
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!File.Exists(shim.SleeperFile) && !process.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(5);
            Assert.True(File.Exists(shim.SleeperFile), $"k={k}: the shim was not reached");
            Thread.Sleep(20);
            process.Kill(); // SIGKILL
            process.WaitForExit();
            var sleeper = File.ReadAllText(shim.SleeperFile).Trim();
            Proc.Run("kill", ["-9", sleeper]);

            // The next run of the same command repairs, then finishes the job.
            var next = lab.NetworkTool(action);
            Assert.True(next.ExitCode == 0, $"k={k}: {next}");
            Assert.False(File.Exists(Path.Combine(lab.RunDir, "network.journal")), $"k={k}: journal left");
            // ... and undoing it gives back the exact state from before.
            var undo = lab.NetworkTool(action == "start" ? "stop" : "start");
            Assert.True(undo.ExitCode == 0, $"k={k}: {undo}");
            Assert.True(lab.StateDifference(before) is null, $"k={k}: state differs after kill -9, repair and undo\n{lab.StateDifference(before)}");
        }
        // After a kill -9 and a stop, dom0 is as it was at the very beginning and reaches the lan.
        if (action == "start")
        {
            var process = lab.StartNetworkTool(["start"], shim.Env(sleepAt: Math.Max(1, calls - 3), sleepAfter: true));
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!File.Exists(shim.SleeperFile) && DateTime.UtcNow < deadline) Thread.Sleep(5);
            process.Kill();
            process.WaitForExit();
            Proc.Run("kill", ["-9", File.ReadAllText(shim.SleeperFile).Trim()]);
            Assert.Equal(0, lab.NetworkTool("stop").ExitCode);
            Assert.Null(lab.StateDifference(initial, ignoreNoDad: true));
            Assert.True(lab.Dom0.Ping("10.77.0.1", seconds: 5));
        }
    }
}
