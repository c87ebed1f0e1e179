using System.Diagnostics;
using System.Globalization;
using System.Text;
using XenHotplug.TestSupport;
using Xunit.Abstractions;
using static XenHotplug.IntegrationTests.Balancing.BalancerTests;

namespace XenHotplug.IntegrationTests.Balancing;

/// <summary>
/// The balancer against crashes, hostile run-directory state and an administrator's own ports (issue 16): moves killed
/// at a named step (XEN_MULTIBRIDGE_TEST_PAUSE) and finished by the next pass, FIFOs as state files, a full run
/// directory, admin taps and veths on pool bridges, `stop` racing onlines.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BalancerRobustnessTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly List<SimulatedDom0> _hosts = [];

    public void Dispose()
    {
        foreach (var h in _hosts) h.Dispose();
    }

    private (SimulatedDom0 Host, Netns Lan) Host(string config)
    {
        var made = NewHost(config);
        _hosts.Add(made.Host);
        return made;
    }

    private ProcResult Balance(SimulatedDom0 host)
    {
        var r = host.Dom0.Exec(Binaries.Network, ["balance"], Env(host, "0.2"), TimeSpan.FromSeconds(60));
        output.WriteLine(r.ToString());
        Assert.True(r.Ok, r.ToString());
        return r;
    }

    private static System.Text.Json.Nodes.JsonArray Pending(SimulatedDom0 host) =>
        System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(host.RunDir, "balancer.json")))!["pending"]!.AsArray();

    private static string Flag(SimulatedDom0 host, string port, string flag) => host.Dom0.ReadSys(port, "brport/" + flag);

    /// <summary>A started process whose stderr lines are collected as they come (it is stopped by pid, never by name).</summary>
    private sealed class Running : IDisposable
    {
        private readonly StringBuilder _lines = new();
        public Process Process { get; }

        public Running(Process process)
        {
            Process = process;
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (_lines) _lines.AppendLine(e.Data);
            };
            process.BeginErrorReadLine();
            _ = process.StandardOutput.ReadToEndAsync();
        }

        public string Stderr
        {
            get
            {
                lock (_lines) return _lines.ToString();
            }
        }

        public bool WaitForLine(string text, TimeSpan limit) => WaitFor(() => Stderr.Contains(text, StringComparison.Ordinal) || Process.HasExited, limit)
            && Stderr.Contains(text, StringComparison.Ordinal);

        public void Signal(string signal)
        {
            if (!Process.HasExited) Proc.Run("kill", ["-" + signal, Process.Id.ToString(CultureInfo.InvariantCulture)]);
            Process.WaitForExit(10_000);
        }

        public void Dispose()
        {
            Signal("KILL");
            Process.Dispose();
        }
    }

    /// <summary>`balance` stopped at a step of its first move and killed there with SIGKILL.</summary>
    private static void KillBalanceAt(SimulatedDom0 host, string step)
    {
        var env = Env(host, "0.2");
        env["XEN_MULTIBRIDGE_TEST_PAUSE"] = step;
        using var run = new Running(host.Dom0.Start(Binaries.Network, ["balance"], env));
        Assert.True(run.WaitForLine($"paused at {step}", Bound), "never paused: " + run.Stderr);
        run.Signal("KILL");
        Assert.NotEqual(0, run.Process.ExitCode);
    }

    [Fact]
    public void A_move_killed_before_its_flags_were_copied_is_finished_by_the_next_pass()
    {
        var (host, lan) = Host(Config(shared: true));
        host.AddGuest(1, 0, "pool:p", "10.99.0.11/24");
        Online(host, 1);
        Assert.Equal("xbr0", host.Dom0.MasterOf("vif1.0"));
        host.Dom0.Exec("bridge", ["link", "set", "dev", "vif1.0", "isolated", "on", "learning", "off"]);
        Assert.Equal(("1", "0"), (Flag(host, "vif1.0", "isolated"), Flag(host, "vif1.0", "learning")));
        lan.Ip("link", "set", "l0", "down");
        KillBalanceAt(host, "moved");
        // Killed in the window: on the new bridge with the kernel's defaults (not isolated, learning).
        var to = host.Dom0.MasterOf("vif1.0");
        Assert.NotEqual("xbr0", to);
        Assert.Equal(("0", "1"), (Flag(host, "vif1.0", "isolated"), Flag(host, "vif1.0", "learning")));
        Assert.Equal("vif1.0", Assert.Single(Pending(host))!["vif"]!.GetValue<string>());
        // The next pass finishes the move from its recorded intent; later passes keep it so.
        for (var pass = 0; pass < 2; pass++)
        {
            Balance(host);
            Assert.Equal(to, host.Dom0.MasterOf("vif1.0"));
            Assert.Equal(("1", "0"), (Flag(host, "vif1.0", "isolated"), Flag(host, "vif1.0", "learning")));
        }
        Assert.Empty(Pending(host));
    }

    [Fact]
    public void A_move_killed_between_a_vif_and_its_twin_is_rejoined_also_without_a_record()
    {
        var (host, lan) = Host(Config(shared: true));
        host.AddGuest(1, 0, "pool:p", "10.99.0.11/24");
        RealMac(host, 1);
        Online(host, 1);
        host.Dom0.Ip("tuntap", "add", "dev", "vif1.0-emu", "mode", "tap");
        var add = host.Hotplug("add", 1, 0, type: "tap");
        Assert.True(add.Ok, add.ToString());
        Assert.Equal("xbr0", host.Dom0.MasterOf("vif1.0-emu"));
        host.Dom0.Exec("bridge", ["link", "set", "dev", "vif1.0-emu", "isolated", "on"]);
        lan.Ip("link", "set", "l0", "down");
        KillBalanceAt(host, "twin");
        var to = host.Dom0.MasterOf("vif1.0");
        Assert.NotEqual("xbr0", to);
        Assert.Equal("xbr0", host.Dom0.MasterOf("vif1.0-emu")); // split across two bridges
        // Check and repair: with the intent lost too, the planner sees the pair split and rejoins it, flags and all.
        File.Delete(Path.Combine(host.RunDir, "balancer.json"));
        var r = Balance(host);
        Assert.Contains($"moved vif1.0-emu xbr0 -> {to}: rejoin: vif1.0 is on {to}", r.StdOut, StringComparison.Ordinal);
        for (var pass = 0; pass < 2; pass++)
        {
            if (pass > 0) Assert.Contains("nothing to move", Balance(host).StdOut, StringComparison.Ordinal);
            Assert.Equal(to, host.Dom0.MasterOf("vif1.0"));
            Assert.Equal(to, host.Dom0.MasterOf("vif1.0-emu"));
            Assert.Equal("1", Flag(host, "vif1.0-emu", "isolated"));
        }
    }

    [Fact]
    public void The_twin_killed_mid_move_with_its_record_follows_its_vif_with_its_flags()
    {
        var (host, lan) = Host(Config(shared: true));
        host.AddGuest(1, 0, "pool:p", "10.99.0.11/24");
        Online(host, 1);
        host.Dom0.Ip("tuntap", "add", "dev", "vif1.0-emu", "mode", "tap");
        Assert.True(host.Hotplug("add", 1, 0, type: "tap").Ok);
        host.Dom0.Exec("bridge", ["link", "set", "dev", "vif1.0", "isolated", "on"]);
        host.Dom0.Exec("bridge", ["link", "set", "dev", "vif1.0-emu", "learning", "off"]);
        lan.Ip("link", "set", "l0", "down");
        KillBalanceAt(host, "twin");
        var to = host.Dom0.MasterOf("vif1.0");
        Balance(host);
        Assert.Equal(to, host.Dom0.MasterOf("vif1.0-emu"));
        Assert.Equal(("1", "0"), (Flag(host, "vif1.0", "isolated"), Flag(host, "vif1.0-emu", "learning")));
    }

    [Fact]
    public void An_admins_tap_and_veth_on_a_pool_bridge_are_no_guests()
    {
        var (host, _) = Host(Config(shared: true));
        host.Dom0.Ip("tuntap", "add", "dev", "tap0", "mode", "tap");
        host.Dom0.Ip("link", "add", "vethadm", "type", "veth", "peer", "name", "vethadm-p");
        foreach (var port in new[] { "tap0", "vethadm" }) host.Dom0.Ip("link", "set", port, "master", "xbr0", "up");
        for (var d = 1; d <= 3; d++)
        {
            host.AddLightGuest(d, 0, "pool:p");
            Online(host, d);
        }
        Assert.Equal(["xbr0", "xbr1", "xbr2"], Enumerable.Range(1, 3).Select(d => host.Dom0.MasterOf($"vif{d}.0")));
        // The balancer neither counts nor moves them (an idle pool: by count, one guest a bridge is even).
        var r = Balance(host);
        Assert.DoesNotContain("moved", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("xbr0 1 (1.0x fair share)", r.StdOut, StringComparison.Ordinal);
        Assert.Equal("xbr0", host.Dom0.MasterOf("tap0"));
        Assert.Equal("xbr0", host.Dom0.MasterOf("vethadm"));
    }

    private static void Fifo(string path) => Assert.True(Proc.Run("mkfifo", [path]).Ok);

    [Fact]
    public void A_fifo_as_balancer_json_never_blocks_watch_hotplugs_or_status()
    {
        var (host, lan) = Host(Config(shared: true));
        host.AddLightGuest(1, 0, "pool:p");
        Online(host, 1);
        var state = Path.Combine(host.RunDir, "balancer.json");
        Fifo(state);
        var status = host.Dom0.Exec(Binaries.Network, ["status"], Env(host), Bound);
        Assert.Contains($"{state} is a FIFO, not a regular file: not read (remove it)", status.StdErr, StringComparison.Ordinal);
        using var watch = new Running(host.Dom0.Start(Binaries.Network, ["watch", "-v"], Env(host, "0.5")));
        Assert.True(watch.WaitForLine($"{state} is a FIFO, not a regular file", Bound), watch.Stderr);
        // watch carries on (it replaced the FIFO with its record): hotplugs get the lock, failover happens.
        Assert.True(WaitFor(() => File.Exists(state) && !IsFifo(state), Bound), "the FIFO was not replaced");
        host.AddLightGuest(2, 0, "pool:p");
        var online = host.Hotplug("online", 2, 0);
        Assert.True(online.Ok, online.ToString());
        lan.Ip("link", "set", "l0", "down");
        Assert.True(WaitFor(() => GuestsOn(host, "xbr0") == 0, Bound), watch.Stderr);
        watch.Signal("TERM");
        Assert.Equal(0, watch.Process.ExitCode);
    }

    private static bool IsFifo(string path) => Proc.Run("test", ["-p", path]).Ok;

    [Theory]
    [InlineData("balancer.json")]
    [InlineData("rr-p")]
    public void Least_traffic_and_round_robin_hotplugs_do_not_hang_on_a_fifo(string file)
    {
        var strategy = file == "rr-p" ? "round-robin" : "least-traffic";
        var (host, _) = Host(Config(shared: true).Replace("failback = no", "strategy = " + strategy, StringComparison.Ordinal));
        Directory.CreateDirectory(host.RunDir);
        var path = Path.Combine(host.RunDir, file);
        Fifo(path);
        host.AddLightGuest(1, 0, "pool:p");
        var watch = Stopwatch.StartNew();
        var r = host.Hotplug("online", 1, 0);
        Assert.True(r.Ok, r.ToString());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
        Assert.Contains($"{path} is a FIFO, not a regular file: not read (remove it)", r.StdErr, StringComparison.Ordinal);
        Assert.Single(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.NotNull(host.Dom0.MasterOf("vif1.0"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_full_run_directory_does_not_stop_failover(bool failback)
    {
        var (host, lan) = Host(Config(shared: true, failback: failback));
        for (var d = 1; d <= 4; d++)
        {
            host.AddGuest(d, 0, "pool:p", $"10.99.0.{10 + d}/24");
            Online(host, d);
        }
        // The watch's run directory: a 16 KiB tmpfs in a mount namespace of its own, filled before it starts.
        var full = Path.Combine(host.WorkDir, "full-run");
        Directory.CreateDirectory(full);
        var env = Env(host, "0.5");
        env["XEN_MULTIBRIDGE_RUNDIR"] = full;
        const string Script = "mount -t tmpfs -o size=16k,nr_inodes=64 xhp-full \"$0\" && { dd if=/dev/zero of=\"$0/fill\" bs=1k 2>/dev/null; true; } && exec \"$@\"";
        using var watch = new Running(host.Dom0.Start("unshare", ["-m", "--propagation", "private", "sh", "-c", Script, full, Binaries.Network, "watch", "-v"], env));
        Assert.True(watch.WaitForLine("watching pools", Bound), watch.Stderr);
        lan.Ip("link", "set", "l0", "down");
        Assert.True(WaitFor(() => GuestsOn(host, "xbr0") == 0, Bound), "guests still on xbr0: " + watch.Stderr);
        for (var d = 1; d <= 4; d++) Assert.True(host.Guest(d).Ping("10.99.0.1"), $"guest {d} after failover");
        Assert.False(watch.Process.HasExited, watch.Stderr);
        Assert.Contains($"cannot record the intent of moving vif1.0 xbr0 -> ", watch.Stderr, StringComparison.Ordinal);
        Assert.Contains($"in {full}/balancer.json: ", watch.Stderr, StringComparison.Ordinal);
        if (failback) Assert.Contains("(and its home xbr0: failback will not bring it back)", watch.Stderr, StringComparison.Ordinal);
        watch.Signal("TERM");
        Assert.Equal(0, watch.Process.ExitCode);
    }

    [Fact]
    public void Stop_racing_onlines_never_leaves_a_connected_vif_on_no_bridge()
    {
        // A declared host-only bridge: `stop` deletes it when no guest is on it; onlines with bridge=xbrh race it.
        var host = new SimulatedDom0("[bridge:xbrh]\n");
        _hosts.Add(host);
        var start = host.Dom0.Exec(Binaries.Network, ["start"], Env(host));
        Assert.True(start.Ok, start.ToString());
        // The window itself: stop has found no guest and not yet deleted the bridge; an online comes then.
        var env = Env(host);
        env["XEN_MULTIBRIDGE_TEST_PAUSE"] = "stop-checked:2";
        host.AddLightGuest(1, 0, "xbrh");
        using (var stop = new Running(host.Dom0.Start(Binaries.Network, ["stop"], env)))
        {
            Assert.True(stop.WaitForLine("paused at stop-checked", Bound), stop.Stderr);
            var online = host.Hotplug("online", 1, 0);
            output.WriteLine(online.ToString());
            Assert.True(stop.Process.WaitForExit(30_000), stop.Stderr);
            AssertConnectedMeansOnTheBridge(host, 1, online);
        }
        StopClean(host);
        // And many onlines at once against stops, round after round.
        const int rounds = 4, guests = 6;
        for (var round = 0; round < rounds; round++)
        {
            Assert.True(host.Dom0.Exec(Binaries.Network, ["start"], Env(host)).Ok);
            var first = round * guests + 2;
            for (var d = first; d < first + guests; d++) host.AddLightGuest(d, 0, "xbrh");
            var results = new ProcResult[guests + 1];
            Parallel.For(0, guests + 1, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
                results[i] = i == 0 ? host.Dom0.Exec(Binaries.Network, ["stop"], Env(host)) : host.Hotplug("online", first + i - 1, 0));
            output.WriteLine($"round {round}: stop exit {results[0].ExitCode}; onlines ok {results.Skip(1).Count(r => r.Ok)}");
            for (var i = 1; i <= guests; i++) AssertConnectedMeansOnTheBridge(host, first + i - 1, results[i]);
            StopClean(host);
        }
    }

    /// <summary>An online that said connected left its vif on an existing xbrh; one that failed left it on no bridge.</summary>
    private static void AssertConnectedMeansOnTheBridge(SimulatedDom0 host, int domid, ProcResult online)
    {
        var connected = host.Backend(domid, 0, "hotplug-status") == "connected";
        var master = host.Dom0.MasterOf($"vif{domid}.0");
        Assert.Equal(online.Ok, connected);
        if (connected) Assert.True(master == "xbrh" && host.Dom0.Has("xbrh"), $"vif{domid}.0 connected but on '{master}'");
        else Assert.Null(master);
        host.Dom0.Ip("link", "del", $"vif{domid}.0");
    }

    private static void StopClean(SimulatedDom0 host)
    {
        var stop = host.Dom0.Exec(Binaries.Network, ["stop"], Env(host));
        Assert.True(stop.Ok, stop.ToString());
        Assert.False(host.Dom0.Has("xbrh"));
    }
}
