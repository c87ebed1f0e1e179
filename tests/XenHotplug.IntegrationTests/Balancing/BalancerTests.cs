using System.Globalization;
using System.Text.Json.Nodes;
using XenHotplug.IntegrationTests.Metrics;
using XenHotplug.TestSupport;
using Xunit.Abstractions;

namespace XenHotplug.IntegrationTests.Balancing;

/// <summary>
/// The balancer on real bridges: a simulated dom0 whose uplinks are cabled to one lan switch (a bridge "sw" in a lan
/// namespace, 10.99.0.1/24), guests hotplugged by vif-multibridge, carrier cut by taking the switch's port down.
/// Every wait is on a condition with a generous bound; the numbers (failover gap, throughput) are in `make bench`.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BalancerTests(ITestOutputHelper output) : IDisposable
{
    private readonly List<SimulatedDom0> _hosts = [];

    public void Dispose()
    {
        foreach (var h in _hosts) h.Dispose();
    }

    internal static string Config(bool shared, bool failback = false, string extra = "") => $"""
        [policy]
        default_pool = p
        [balancer]
        interval = 0.5
        [bridge:xbr0]
        uplink = u0
        [bridge:xbr1]
        uplink = u1
        [bridge:xbr2]
        uplink = u2
        [pool:p]
        bridges = xbr0 xbr1 xbr2
        shared_segment = {(shared ? "yes" : "no")}
        failback = {(failback ? "yes" : "no")}
        {extra}
        """;

    /// <summary>
    /// dom0 with bridges xbr0..2, uplinks u0..2 whose peers l0..2 are ports of one switch in the lan namespace; under
    /// <paramref name="legacy"/> naming the bridges are u0..2 and their NICs pu0..2.
    /// </summary>
    private (SimulatedDom0 Host, Netns Lan) Host(string config, bool legacy = false)
    {
        var made = NewHost(config, legacy);
        _hosts.Add(made.Host);
        return made;
    }

    /// <summary>The same, for another test class (which disposes the host).</summary>
    internal static (SimulatedDom0 Host, Netns Lan) NewHost(string config, bool legacy = false)
    {
        var host = new SimulatedDom0(config);
        var lan = host.NewNamespace("lan");
        lan.Ip("link", "add", "sw", "type", "bridge", "stp_state", "0", "forward_delay", "0");
        lan.Ip("address", "add", "10.99.0.1/24", "dev", "sw");
        lan.Ip("link", "set", "sw", "up");
        for (var i = 0; i < 3; i++)
        {
            var (bridge, nic) = legacy ? ($"u{i}", $"pu{i}") : ($"xbr{i}", $"u{i}");
            host.AddBridge(bridge);
            host.Dom0.Ip("link", "add", nic, "type", "veth", "peer", "name", $"l{i}", "netns", lan.Name);
            lan.Ip("link", "set", $"l{i}", "master", "sw", "up");
            host.Dom0.Ip("link", "set", nic, "master", bridge, "up");
        }
        return (host, lan);
    }

    internal static void Online(SimulatedDom0 host, int domid)
    {
        var r = host.Hotplug("online", domid, 0);
        Assert.True(r.Ok, r.ToString());
    }

    internal static Dictionary<string, string> Env(SimulatedDom0 host, string? interval = null)
    {
        var env = new Dictionary<string, string>
        {
            ["XEN_MULTIBRIDGE_CONFIG"] = host.ConfigPath,
            ["XEN_MULTIBRIDGE_RUNDIR"] = host.RunDir,
            ["XENSTORED_PATH"] = host.Xenstore.SocketPath,
            ["XEN_MULTIBRIDGE_SYSLOG"] = Path.Combine(host.WorkDir, "no-syslog"),
        };
        if (interval is not null) env["XEN_MULTIBRIDGE_balancer__interval"] = interval;
        return env;
    }

    private ProcResult Balance(SimulatedDom0 host, params string[] args)
    {
        var r = host.Dom0.Exec(Binaries.Network, ["balance", .. args], Env(host, "0.2"), TimeSpan.FromSeconds(60));
        output.WriteLine(r.ToString());
        Assert.True(r.Ok, r.ToString());
        return r;
    }

    internal static bool WaitFor(Func<bool> condition, TimeSpan limit)
    {
        var end = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < end)
        {
            if (condition()) return true;
            Thread.Sleep(100);
        }
        return condition();
    }

    internal static int GuestsOn(SimulatedDom0 host, string bridge) => host.Dom0.Ports(bridge).Count(p => p.StartsWith("vif", StringComparison.Ordinal));

    /// <summary>The guest's NIC takes the MAC xenstore gives it, as a netfront's does (the one the balancer announces).</summary>
    internal static string RealMac(SimulatedDom0 host, int domid)
    {
        var mac = host.Backend(domid, 0, "mac")!;
        host.Guest(domid).Ip("link", "set", "eth0", "address", mac);
        return mac;
    }

    /// <summary>Four pingable guests, placed by least-loaded: xbr0 gets two of them (guests 1 and 4).</summary>
    private static void PingableGuests(SimulatedDom0 host, int count = 4)
    {
        for (var d = 1; d <= count; d++)
        {
            host.AddGuest(d, 0, "pool:p", $"10.99.0.{10 + d}/24");
            Online(host, d);
        }
    }

    [Fact]
    public void Watch_fails_over_a_dead_uplink_and_back_and_guests_keep_reaching_the_lan()
    {
        var (host, lan) = Host(Config(shared: true, failback: true));
        PingableGuests(host);
        Assert.Equal(["xbr0", "xbr1", "xbr2", "xbr0"], Enumerable.Range(1, 4).Select(d => host.Dom0.MasterOf($"vif{d}.0")));
        for (var d = 1; d <= 4; d++) Assert.True(host.Guest(d).Ping("10.99.0.1"), $"guest {d} before");

        // The metrics textfile ([metrics] textfile), read all along as node_exporter's textfile collector would.
        var textfile = Path.Combine(host.WorkDir, "node-exporter", "xen_multibridge.prom");
        var env = Env(host, "1");
        env["XEN_MULTIBRIDGE_metrics__textfile"] = textfile;
        using var reader = new TextfileReader(textfile);
        const string Failovers = "xen_multibridge_balancer_moves_total{reason=\"failover\"} 2\n", Failbacks = "xen_multibridge_balancer_moves_total{reason=\"failback\"} 2\n";
        using var watch = host.Dom0.Start(Binaries.Network, ["watch", "-v"], env);
        try
        {
            // The watch is subscribed once it has written its first record.
            Assert.True(WaitFor(() => File.Exists(Path.Combine(host.RunDir, "balancer.json")), TimeSpan.FromSeconds(20)), "watch did not start");
            lan.Ip("link", "set", "l0", "down"); // u0 loses carrier
            Assert.True(WaitFor(() => GuestsOn(host, "xbr0") == 0, TimeSpan.FromSeconds(10)), "guests still on xbr0: " + string.Join(" ", host.Dom0.Ports("xbr0")));
            Assert.Equal(4, GuestsOn(host, "xbr1") + GuestsOn(host, "xbr2"));
            for (var d = 1; d <= 4; d++) Assert.True(host.Guest(d).Ping("10.99.0.1"), $"guest {d} after failover");
            Assert.True(WaitFor(() => reader.Latest?.Contains(Failovers, StringComparison.Ordinal) == true, TimeSpan.FromSeconds(10)), "textfile after failover:\n" + reader.Latest);
            Assert.Contains("xen_multibridge_uplink_carrier{bridge=\"xbr0\",pool=\"p\",uplink=\"u0\"} 0\n", reader.Latest, StringComparison.Ordinal);
            // Carrier back, failback = yes: the two guests go home.
            lan.Ip("link", "set", "l0", "up");
            Assert.True(WaitFor(() => host.Dom0.MasterOf("vif1.0") == "xbr0" && host.Dom0.MasterOf("vif4.0") == "xbr0", TimeSpan.FromSeconds(10)),
                "no failback: " + host.Dom0.MasterOf("vif1.0") + " " + host.Dom0.MasterOf("vif4.0"));
            Assert.Equal(["xbr0", "xbr1", "xbr2", "xbr0"], Enumerable.Range(1, 4).Select(d => host.Dom0.MasterOf($"vif{d}.0")));
            for (var d = 1; d <= 4; d++) Assert.True(host.Guest(d).Ping("10.99.0.1"), $"guest {d} after failback");
            // status shows the traffic watch measures (every second here).
            Assert.True(WaitFor(() => host.Dom0.Exec(Binaries.Network, ["status"], Env(host)).StdOut.Contains("TRAFFIC", StringComparison.Ordinal), TimeSpan.FromSeconds(10)),
                host.Dom0.Exec(Binaries.Network, ["status"], Env(host)).ToString());
            Assert.True(WaitFor(() => reader.Latest?.Contains(Failbacks, StringComparison.Ordinal) == true, TimeSpan.FromSeconds(10)), "textfile after failback:\n" + reader.Latest);
            Assert.Contains(Failovers, reader.Latest, StringComparison.Ordinal);
            Assert.Contains("xen_multibridge_bridge_guests{bridge=\"xbr0\",pool=\"p\",uplink=\"u0\"} 2\n", reader.Latest, StringComparison.Ordinal);
            var check = Promtool.CheckMetrics(reader.Latest!);
            Assert.True(check.Ok, check.ToString());
        }
        finally
        {
            Proc.Run("kill", ["-TERM", watch.Id.ToString(CultureInfo.InvariantCulture)]);
            var r = Proc.Wait(watch, TimeSpan.FromSeconds(10));
            output.WriteLine(r.ToString());
        }
        Assert.Equal(0, watch.ExitCode);
        reader.Dispose();
        output.WriteLine($"textfile: {reader.Reads} reads, {reader.Versions} versions, {reader.Torn.Count} torn");
        Assert.Empty(reader.Torn);
        Assert.True(reader.Versions >= 3, $"{reader.Versions} versions of the textfile seen");
        Assert.False(File.Exists(textfile + ".tmp"));
    }

    [Fact]
    public void Balance_fails_over_once_and_logs_the_reason()
    {
        var (host, lan) = Host(Config(shared: true));
        PingableGuests(host);
        lan.Ip("link", "set", "l0", "down");
        var dry = Balance(host, "--dry-run");
        Assert.Contains("would move vif1.0 xbr0 -> ", dry.StdOut, StringComparison.Ordinal);
        Assert.Contains(": carrier lost on u0", dry.StdOut, StringComparison.Ordinal);
        Assert.Equal(2, GuestsOn(host, "xbr0")); // a dry run changes nothing
        var r = Balance(host);
        Assert.Contains("moved vif1.0 xbr0 -> ", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("moved vif4.0 xbr0 -> ", r.StdOut, StringComparison.Ordinal);
        Assert.Equal(0, GuestsOn(host, "xbr0"));
        for (var d = 1; d <= 4; d++) Assert.True(host.Guest(d).Ping("10.99.0.1"), $"guest {d}");
        // failback = no: carrier back, the guests failed over stay where they are (held there too); the idle
        // pool, now 0 / 2 / 2, is evened out by count with a guest that was not moved.
        var placed = new[] { host.Dom0.MasterOf("vif1.0"), host.Dom0.MasterOf("vif4.0") };
        lan.Ip("link", "set", "l0", "up");
        var after = Balance(host).StdOut;
        Assert.DoesNotContain("failback", after, StringComparison.Ordinal);
        Assert.Equal(placed, new[] { host.Dom0.MasterOf("vif1.0"), host.Dom0.MasterOf("vif4.0") });
        Assert.Contains("-> xbr0: rebalance: ", after, StringComparison.Ordinal);
        Assert.Contains("(traffic below min_rate)", after, StringComparison.Ordinal);
        Assert.Equal(1, GuestsOn(host, "xbr0"));
    }

    [Fact]
    public void A_pool_without_shared_segment_is_never_touched()
    {
        var (host, lan) = Host(Config(shared: false, failback: true));
        PingableGuests(host);
        lan.Ip("link", "set", "l0", "down");
        var r = Balance(host);
        Assert.Contains("nothing is balanced", r.StdOut, StringComparison.Ordinal);
        Assert.Equal(["xbr0", "xbr1", "xbr2", "xbr0"], Enumerable.Range(1, 4).Select(d => host.Dom0.MasterOf($"vif{d}.0")));
    }

    [Fact]
    public void Pinned_guests_never_move()
    {
        var (host, lan) = Host(Config(shared: true, extra: "[domain:pin-*]\nbridge = xbr0\n"));
        host.AddGuest(1, 0, "xbr0", "10.99.0.11/24");                     // explicit bridge=
        host.AddGuest(2, 0, "pool:p", "10.99.0.12/24", name: "pin-db");   // a rule with bridge =
        host.AddGuest(3, 0, "pool:p", "10.99.0.13/24");                   // the pool's
        for (var d = 1; d <= 3; d++) Online(host, d);
        host.Dom0.Ip("link", "set", "vif3.0", "master", "xbr0"); // put the pool's guest on xbr0 too
        lan.Ip("link", "set", "l0", "down");
        var r = Balance(host);
        Assert.Equal("xbr0", host.Dom0.MasterOf("vif1.0"));
        Assert.Equal("xbr0", host.Dom0.MasterOf("vif2.0"));
        Assert.NotEqual("xbr0", host.Dom0.MasterOf("vif3.0"));
        Assert.Contains("moved vif3.0 xbr0 -> ", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void The_announce_frame_reaches_the_lan_switch_on_the_new_uplink()
    {
        var (host, lan) = Host(Config(shared: true));
        // A silent guest (no address, no IPv6): only the balancer's announcement can teach the switch its MAC.
        host.AddGuest(1, 0, "pool:p", createDevice: false);
        host.Guest(1).Exec("sysctl", ["-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"]);
        host.CreateGuestDevice(1, 0, null);
        Online(host, 1);
        Assert.Equal("xbr0", host.Dom0.MasterOf("vif1.0"));
        var mac = host.Backend(1, 0, "mac")!;
        lan.Ip("link", "set", "l0", "down"); // also flushes what the switch learnt on l0
        Assert.DoesNotContain(mac, SwitchPortsOf(lan, mac));
        Balance(host);
        var bridge = host.Dom0.MasterOf("vif1.0");
        Assert.NotEqual("xbr0", bridge);
        var cable = "l" + bridge![^1];
        Assert.Equal([cable], SwitchPortsOf(lan, mac));
    }

    /// <summary>The switch ports where the lan switch has learnt <paramref name="mac"/>.</summary>
    private static List<string> SwitchPortsOf(Netns lan, string mac) =>
        JsonNode.Parse(lan.Exec("bridge", ["-j", "fdb", "show", "br", "sw"]).StdOut is { Length: > 0 } s ? s : "[]")!.AsArray()
            .Where(e => string.Equals(e!["mac"]!.GetValue<string>(), mac, StringComparison.OrdinalIgnoreCase))
            .Select(e => e!["ifname"]!.GetValue<string>()).ToList();

    [Fact]
    public void A_balancer_killed_mid_move_leaves_every_vif_on_one_bridge_and_the_next_pass_converges()
    {
        var (host, lan) = Host(Config(shared: true));
        const int guests = 24;
        for (var d = 1; d <= guests; d++)
        {
            host.AddLightGuest(d, 0, "pool:p");
            Online(host, d);
            host.Dom0.Ip("link", "set", $"vif{d}.0", "master", "xbr0");
        }
        lan.Ip("link", "set", "l0", "down");
        var rng = new Random(11);
        for (var round = 0; round < 6; round++)
        {
            var p = host.Dom0.Start(Binaries.Network, ["balance"], Env(host, "0.2"));
            Thread.Sleep(200 + rng.Next(0, 150)); // somewhere in the measurement or the moves: either way the invariant must hold
            Proc.Run("kill", ["-9", p.Id.ToString(CultureInfo.InvariantCulture)]);
            p.WaitForExit();
            AssertEveryVifOnExactlyOneBridge(host, guests);
        }
        Balance(host);
        AssertEveryVifOnExactlyOneBridge(host, guests);
        Assert.Equal(0, GuestsOn(host, "xbr0"));
        Assert.Equal(guests, GuestsOn(host, "xbr1") + GuestsOn(host, "xbr2"));
    }

    private static void AssertEveryVifOnExactlyOneBridge(SimulatedDom0 host, int guests)
    {
        var ports = new[] { "xbr0", "xbr1", "xbr2" }.SelectMany(b => host.Dom0.Ports(b)).Where(p => p.StartsWith("vif", StringComparison.Ordinal)).ToList();
        Assert.Equal(guests, ports.Count);
        Assert.Equal(guests, ports.Distinct().Count());
    }

    [Fact]
    public void Hotplugs_running_during_balancing_all_succeed()
    {
        var (host, lan) = Host(Config(shared: true));
        const int guests = 32;
        for (var d = 1; d <= guests; d++) host.AddLightGuest(d, 0, "pool:p");
        lan.Ip("link", "set", "l0", "down");
        using var watch = host.Dom0.Start(Binaries.Network, ["watch"], Env(host, "0.2"));
        var stopFlapping = false;
        var flapper = new Thread(() =>
        {
            // carrier flaps under the hotplugs: every flap is a failover pass taking the attach lock
            while (!Volatile.Read(ref stopFlapping))
            {
                Proc.Run("ip", ["-n", lan.Name, "link", "set", "l1", "down"]);
                Thread.Sleep(50);
                Proc.Run("ip", ["-n", lan.Name, "link", "set", "l1", "up"]);
                Thread.Sleep(50);
            }
        });
        flapper.Start();
        try
        {
            var results = new ProcResult[guests];
            Parallel.For(1, guests + 1, new ParallelOptions { MaxDegreeOfParallelism = 8 }, d => results[d - 1] = host.Hotplug("online", d, 0));
            Assert.All(results, r => Assert.True(r.Ok, r.ToString()));
        }
        finally
        {
            Volatile.Write(ref stopFlapping, true);
            flapper.Join();
            Proc.Run("kill", ["-TERM", watch.Id.ToString(CultureInfo.InvariantCulture)]);
            Proc.Wait(watch, TimeSpan.FromSeconds(10));
        }
        AssertEveryVifOnExactlyOneBridge(host, guests);
        // With l1 up and l0 down at the end, one balance pass leaves nothing on the dead bridge.
        lan.Ip("link", "set", "l1", "up");
        Balance(host);
        Assert.Equal(0, GuestsOn(host, "xbr0"));
    }

    [Fact]
    public void Least_traffic_placement_weighs_the_traffic_watch_measured()
    {
        var (host, _) = Host(Config(shared: true).Replace("failback = no", "strategy = least-traffic", StringComparison.Ordinal));
        for (var d = 1; d <= 3; d++)
        {
            host.AddLightGuest(d, 0, "pool:p");
            Online(host, d);
        }
        Assert.Equal(["xbr0", "xbr1", "xbr2"], Enumerable.Range(1, 3).Select(d => host.Dom0.MasterOf($"vif{d}.0"))); // nothing measured: by count
        // What `watch` writes after a measurement: xbr0 and xbr2 busy, xbr1 nearly idle.
        void Measured(double xbr0, double xbr1, double xbr2) => File.WriteAllText(Path.Combine(host.RunDir, "balancer.json"), $$"""
            {"moves": [], "homes": {}, "bridge_rates": {"xbr0": {{xbr0}}, "xbr1": {{xbr1}}, "xbr2": {{xbr2}}}, "measured_at": "{{DateTimeOffset.UtcNow:O}}"}
            """);
        Measured(9e6, 1e5, 6e6);
        host.AddLightGuest(4, 0, "pool:p");
        var explain = host.Dom0.Exec(Binaries.Vif, ["explain", "4", "0"], host.LibxlEnvironment(4, 0));
        Assert.Contains("strategy least-traffic", explain.StdOut, StringComparison.Ordinal);
        Assert.Contains("traffic 72.0 Mbit/s", explain.StdOut, StringComparison.Ordinal);
        Online(host, 4);
        Assert.Equal("xbr1", host.Dom0.MasterOf("vif4.0"));
        Measured(1e5, 9e6, 6e6);
        host.AddLightGuest(5, 0, "pool:p");
        Online(host, 5);
        Assert.Equal("xbr0", host.Dom0.MasterOf("vif5.0"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_hvm_guests_emulated_twin_moves_with_its_vif_also_when_renamed(bool renamed)
    {
        var (host, lan) = Host(Config(shared: true));
        host.AddGuest(1, 0, "pool:p", "10.99.0.11/24", backend: renamed ? new Dictionary<string, string> { ["vifname"] = "web1" } : null);
        RealMac(host, 1);
        Online(host, 1);
        host.Dom0.Ip("tuntap", "add", "dev", "vif1.0-emu", "mode", "tap");
        var add = host.Hotplug("add", 1, 0, type: "tap");
        Assert.True(add.Ok, add.ToString());
        var (vif, tap) = renamed ? ("web1", "web1-emu") : ("vif1.0", "vif1.0-emu");
        Assert.Equal("xbr0", host.Dom0.MasterOf(vif));
        Assert.Equal("xbr0", host.Dom0.MasterOf(tap));
        // Two more guests on xbr1 and xbr2: the twin is no guest of its own, so an idle pass finds 1 / 1 / 1 even.
        for (var d = 2; d <= 3; d++)
        {
            host.AddLightGuest(d, 0, "pool:p");
            Online(host, d);
        }
        Assert.DoesNotContain("moved", Balance(host).StdOut, StringComparison.Ordinal);
        lan.Ip("link", "set", "l0", "down");
        var r = Balance(host);
        Assert.Contains($"moved {vif} xbr0 -> ", r.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain($"moved {tap}", r.StdOut, StringComparison.Ordinal);
        var to = host.Dom0.MasterOf(vif);
        Assert.NotEqual("xbr0", to);
        Assert.Equal(to, host.Dom0.MasterOf(tap));
        Assert.True(host.Guest(1).Ping("10.99.0.1"), "the moved guest reaches the lan");
    }

    [Fact]
    public void Legacy_naming_fails_over_between_the_bridges_named_after_their_nics()
    {
        var (host, lan) = Host("[network]\nnaming = legacy\n" + Config(shared: true), legacy: true);
        PingableGuests(host, 3);
        Assert.Equal(["u0", "u1", "u2"], Enumerable.Range(1, 3).Select(d => host.Dom0.MasterOf($"vif{d}.0")));
        lan.Ip("link", "set", "l0", "down");
        var r = Balance(host);
        Assert.Contains("moved vif1.0 u0 -> ", r.StdOut, StringComparison.Ordinal);
        Assert.Contains(": carrier lost on pu0", r.StdOut, StringComparison.Ordinal);
        Assert.Equal(0, GuestsOn(host, "u0"));
        for (var d = 1; d <= 3; d++) Assert.True(host.Guest(d).Ping("10.99.0.1"), $"guest {d}");
    }

    [Fact]
    public void The_ip_backend_moves_and_announces_too()
    {
        var (host, lan) = Host(Config(shared: true) + "\n[hotplug]\nnetwork_backend = ip\n");
        host.AddGuest(1, 0, "pool:p", "10.99.0.11/24");
        var mac = RealMac(host, 1);
        host.Guest(1).Exec("sysctl", ["-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"]);
        Online(host, 1);
        Assert.Equal("xbr0", host.Dom0.MasterOf("vif1.0"));
        lan.Ip("link", "set", "l0", "down");
        Assert.Empty(SwitchPortsOf(lan, mac));
        var r = Balance(host);
        Assert.Contains("moved vif1.0 xbr0 -> ", r.StdOut, StringComparison.Ordinal);
        var cable = "l" + host.Dom0.MasterOf("vif1.0")![^1];
        Assert.Equal([cable], SwitchPortsOf(lan, mac)); // the announce, before the guest said anything
        Assert.True(host.Guest(1).Ping("10.99.0.1"));
    }

    [Fact]
    public void A_silent_guest_is_reachable_from_the_lan_right_after_a_move()
    {
        var (host, lan) = Host(Config(shared: true));
        host.AddGuest(1, 0, "pool:p", "10.99.0.11/24");
        var mac = RealMac(host, 1);
        host.Guest(1).Exec("sysctl", ["-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"]);
        Online(host, 1);
        Assert.Equal("xbr0", host.Dom0.MasterOf("vif1.0"));
        // The guest's ARP request went round through the lan switch: xbr1 and xbr2 learnt its MAC on their uplinks.
        Assert.True(host.Guest(1).Ping("10.99.0.1"));
        Assert.True(WaitFor(() => BridgePortsOf(host.Dom0, "xbr1", mac).Contains("u1"), TimeSpan.FromSeconds(5)), "xbr1 did not learn the guest's MAC on u1");
        lan.Ip("neigh", "replace", "10.99.0.11", "lladdr", mac, "dev", "sw", "nud", "permanent");
        lan.Ip("link", "set", "l0", "down");
        Balance(host);
        var bridge = host.Dom0.MasterOf("vif1.0")!;
        Assert.NotEqual("xbr0", bridge);
        // The new bridge forgot the stale entry: the lan reaches the guest before the guest says anything.
        Assert.DoesNotContain("u" + bridge[^1], BridgePortsOf(host.Dom0, bridge, mac));
        Assert.True(lan.Ping("10.99.0.11"), "the lan cannot reach the silent guest on " + bridge);
    }

    /// <summary>The ports where a dom0 bridge has learnt <paramref name="mac"/>.</summary>
    private static List<string> BridgePortsOf(Netns ns, string bridge, string mac) =>
        JsonNode.Parse(ns.Exec("bridge", ["-j", "fdb", "show", "br", bridge]).StdOut is { Length: > 0 } s ? s : "[]")!.AsArray()
            .Where(e => string.Equals(e!["mac"]!.GetValue<string>(), mac, StringComparison.OrdinalIgnoreCase))
            .Select(e => e!["ifname"]!.GetValue<string>()).ToList();
}
