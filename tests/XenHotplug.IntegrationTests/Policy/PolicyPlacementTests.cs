using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Policy;

/// <summary>The bridge policy on real bridges: pools, strategies, rules, health, concurrency.</summary>
public sealed class PolicyPlacementTests : IDisposable
{
    private readonly List<SimulatedDom0> _hosts = [];

    public void Dispose()
    {
        foreach (var h in _hosts) h.Dispose();
    }

    private SimulatedDom0 Host(string config, params string[] bridgesWithUplinks)
    {
        var host = new SimulatedDom0(config);
        _hosts.Add(host);
        foreach (var b in bridgesWithUplinks)
        {
            host.AddBridge(b);
            host.AddUplink("u" + b, b);
        }
        return host;
    }

    private static Dictionary<string, int> Count(SimulatedDom0 host, params string[] bridges) =>
        bridges.ToDictionary(b => b, b => host.Dom0.Ports(b).Count(p => p.StartsWith("vif", StringComparison.Ordinal)));

    private static void Online(SimulatedDom0 host, int domid, int devid = 0)
    {
        var r = host.Hotplug("online", domid, devid);
        Assert.True(r.Ok, r.ToString());
    }

    [Fact]
    public void Least_loaded_spreads_thirty_guests_ten_ten_ten()
    {
        var host = Host("""
            [policy]
            default_pool = default
            [bridge:xbr0]
            uplink = uxbr0
            [bridge:xbr1]
            uplink = uxbr1
            [bridge:xbr2]
            uplink = uxbr2
            [pool:default]
            bridges = xbr0 xbr1 xbr2
            strategy = least-loaded
            """, "xbr0", "xbr1", "xbr2");
        for (var d = 1; d <= 30; d++)
        {
            host.AddLightGuest(d, 0, bridge: null);
            Online(host, d);
        }
        Assert.Equal(new Dictionary<string, int> { ["xbr0"] = 10, ["xbr1"] = 10, ["xbr2"] = 10 }, Count(host, "xbr0", "xbr1", "xbr2"));
        // online again (idempotent): every vif stays where it is, although xbr0 now looks "fuller" to the one asking.
        var before = Enumerable.Range(1, 30).Select(d => host.Dom0.MasterOf($"vif{d}.0")).ToList();
        for (var d = 1; d <= 30; d++) Online(host, d);
        Assert.Equal(before, Enumerable.Range(1, 30).Select(d => host.Dom0.MasterOf($"vif{d}.0")));
        // The uplinks are ports too, but never counted as guests.
        Assert.Contains("uxbr0", host.Dom0.Ports("xbr0"));
    }

    private const string StickyConfig = """
        [bridge:xbr0]
        uplink = uxbr0
        [bridge:xbr1]
        uplink = uxbr1
        [bridge:xbr2]
        uplink = uxbr2
        [pool:web]
        bridges = xbr0 xbr1 xbr2
        strategy = sticky
        """;

    [Fact]
    public void Sticky_keeps_placement_across_reboots_and_hosts()
    {
        var a = Host(StickyConfig, "xbr0", "xbr1", "xbr2");
        var b = Host(StickyConfig, "xbr0", "xbr1", "xbr2");
        var placement = new Dictionary<int, string?>();
        for (var d = 1; d <= 12; d++)
        {
            a.AddLightGuest(d, 0, "pool:web", name: "web-" + d);
            Online(a, d);
            placement[d] = a.Dom0.MasterOf($"vif{d}.0");
        }
        Assert.True(placement.Values.Distinct().Count() > 1, "twelve guests should not all land on one bridge");
        for (var d = 1; d <= 12; d++)
        {
            Assert.True(a.Hotplug("offline", d, 0).Ok);
        }
        for (var d = 12; d >= 1; d--)
        {
            Online(a, d); // another order, another load: same bridges
            Assert.Equal(placement[d], a.Dom0.MasterOf($"vif{d}.0"));
        }
        // A second host with the same config (a migration target) gives the same guest the same bridge,
        // even with other domids.
        for (var d = 1; d <= 12; d++)
        {
            b.AddLightGuest(d + 40, 0, "pool:web", name: "web-" + d);
            Online(b, d + 40);
            Assert.Equal(placement[d], b.Dom0.MasterOf($"vif{d + 40}.0"));
        }
    }

    [Fact]
    public void A_bridge_whose_uplink_lost_carrier_is_skipped()
    {
        var host = Host("""
            [bridge:xbr0]
            uplink = uxbr0
            [bridge:xbr1]
            uplink = uxbr1
            [pool:p]
            bridges = xbr0 xbr1
            """, "xbr0", "xbr1");
        // The far end of xbr0's uplink goes down: no carrier on uxbr0.
        var lan = host.NewNamespace("probe");
        _ = lan;
        host.Dom0.Exec("true", []);
        Proc.Check("ip", "-n", host.Prefix + "-lan-uxbr0", "link", "set", "lan0", "down");
        Assert.Equal("0", host.Dom0.ReadSys("uxbr0", "carrier"));
        for (var d = 1; d <= 4; d++)
        {
            host.AddLightGuest(d, 0, "pool:p");
            Online(host, d);
        }
        Assert.Equal(new Dictionary<string, int> { ["xbr0"] = 0, ["xbr1"] = 4 }, Count(host, "xbr0", "xbr1"));
        var explain = host.Dom0.Exec(Binaries.Vif, ["explain", "1", "0"], host.LibxlEnvironment(1, 0));
        Assert.Contains("uplink uxbr0 no carrier", explain.StdOut, StringComparison.Ordinal);
        Assert.Contains("UNHEALTHY", explain.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void No_healthy_bridge_falls_back_with_a_warning_or_fails_when_configured()
    {
        var host = Host("""
            [bridge:xbr0]
            uplink = uxbr0
            [pool:p]
            bridges = xbr0
            """, "xbr0");
        Proc.Check("ip", "-n", host.Prefix + "-lan-uxbr0", "link", "set", "lan0", "down");
        host.AddLightGuest(1, 0, "pool:p");
        var r = host.Hotplug("online", 1, 0);
        Assert.True(r.Ok, r.ToString());
        Assert.Contains("warning: vif1.0: no healthy bridge in pool 'p'", r.StdErr, StringComparison.Ordinal);
        Assert.Equal("xbr0", host.Dom0.MasterOf("vif1.0"));

        host.AddLightGuest(2, 0, "pool:p");
        var strict = host.Hotplug("online", 2, 0, extraEnv: new Dictionary<string, string> { ["XEN_MULTIBRIDGE_policy__when_unhealthy"] = "fail" });
        Assert.Equal(1, strict.ExitCode);
        Assert.Equal("no healthy bridge in pool 'p' (xbr0: uplink uxbr0 no carrier)", host.Backend(2, 0, "hotplug-error"));
        Assert.Null(host.Dom0.MasterOf("vif2.0"));
    }

    [Fact]
    public void Round_robin_cursor_persists_across_runs()
    {
        var host = Host("""
            [bridge:xbr0]
            [bridge:xbr1]
            [bridge:xbr2]
            [pool:rr]
            bridges = xbr0 xbr1 xbr2
            strategy = round-robin
            """, "xbr0", "xbr1", "xbr2");
        var order = new List<string?>();
        for (var d = 1; d <= 7; d++)
        {
            host.AddLightGuest(d, 0, "pool:rr");
            Online(host, d);
            order.Add(host.Dom0.MasterOf($"vif{d}.0"));
        }
        Assert.Equal(["xbr0", "xbr1", "xbr2", "xbr0", "xbr1", "xbr2", "xbr0"], order);
    }

    [Fact]
    public void Precedence_explicit_then_rule_then_pool_then_default()
    {
        var host = Host("""
            [policy]
            auto_bridge = xenbr0
            default_pool = main
            [bridge:xbr0]
            [bridge:xbr1]
            [bridge:xbr2]
            [pool:main]
            bridges = xbr0
            [pool:other]
            bridges = xbr1
            [domain:db-*]
            bridge = xbr2
            """, "xbr0", "xbr1", "xbr2");
        host.AddLightGuest(1, 0, "xbr1", name: "db-1");      // explicit real bridge wins over the rule
        host.AddLightGuest(2, 0, "pool:other", name: "db-2"); // the rule wins over a pool reference
        host.AddLightGuest(3, 0, "pool:other", name: "web");  // pool reference
        host.AddLightGuest(4, 0, "xenbr0", name: "web2");     // libxl's default: the default pool
        host.AddLightGuest(5, 0, null, name: "web3");         // nothing set: the default pool
        for (var d = 1; d <= 5; d++) Online(host, d);
        Assert.Equal(["xbr1", "xbr2", "xbr1", "xbr0", "xbr0"], Enumerable.Range(1, 5).Select(d => host.Dom0.MasterOf($"vif{d}.0")));
        var explain = host.Dom0.Exec(Binaries.Vif, ["explain", "2", "0"], host.LibxlEnvironment(2, 0));
        Assert.Contains("why: rule [domain:db-*] matches guest 'db-2'", explain.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_pool_is_a_clear_error_and_nothing_changes()
    {
        var host = Host("[bridge:xbr0]\n[pool:a]\nbridges = xbr0\n", "xbr0");
        host.AddLightGuest(1, 0, "pool:nope");
        var r = host.Hotplug("online", 1, 0);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"unknown pool 'nope' in backend/vif/1/0/bridge (declared: a in {host.ConfigPath})", host.Backend(1, 0, "hotplug-error"));
        Assert.Null(host.Dom0.MasterOf("vif1.0"));
    }

    [Fact]
    public void Bad_policy_config_names_section_and_key()
    {
        var host = Host("[bridge:xbr0]\nweight = -1\n", "xbr0");
        host.AddLightGuest(1, 0, "xbr0");
        var r = host.Hotplug("online", 1, 0);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"{host.ConfigPath}:2: [bridge:xbr0] weight: '-1' is not a positive number", host.Backend(1, 0, "hotplug-error"));
    }

    [Fact]
    public void A_declared_bridge_that_does_not_exist_is_created()
    {
        var host = Host("[bridge:xnew]\nmtu = 9000\n[pool:p]\nbridges = xnew\n");
        host.AddLightGuest(1, 0, "pool:p");
        Online(host, 1);
        Assert.Equal("xnew", host.Dom0.MasterOf("vif1.0"));
        Assert.Equal("9000", host.Dom0.ReadSys("xnew", "mtu"));
        Assert.Equal("0", host.Dom0.ReadSys("xnew", "bridge/stp_state"));
        Assert.Equal("0", host.Dom0.ReadSys("xnew", "bridge/forward_delay"));
    }

    [Fact]
    public void A_hotplug_killed_while_holding_the_lock_leaves_no_stale_lock()
    {
        var host = Host("[bridge:xbr0]\n[pool:p]\nbridges = xbr0\n", "xbr0");
        host.AddLightGuest(1, 0, "pool:p");
        Directory.CreateDirectory(host.RunDir);
        // Another process takes the attach lock and is killed with SIGKILL while holding it.
        var lockFile = Path.Combine(host.RunDir, "attach.lock");
        using var holder = Proc.Start("flock", [lockFile, "sleep", "60"]);
        Assert.True(FileLocks.WaitFor(lockFile, holders: 1, waiters: 0), "the holder never took the lock");
        using var waiting = host.Dom0.Start(Binaries.Vif, ["online", "type_if=vif"], host.LibxlEnvironment(1, 0));
        // It waits for the lock in the kernel (a blocked flock on the same file)...
        Assert.True(FileLocks.WaitFor(lockFile, holders: 1, waiters: 1), "vif-multibridge never queued for the lock");
        Assert.False(waiting.HasExited);
        holder.Kill(entireProcessTree: true);
        var r = Proc.Wait(waiting, TimeSpan.FromSeconds(30)); // ...and gets it the moment its holder dies
        Assert.True(r.Ok, r.ToString());
        Assert.Equal("xbr0", host.Dom0.MasterOf("vif1.0"));
    }

    [Fact]
    public void Sixty_four_simultaneous_onlines_end_thirty_two_thirty_two()
    {
        var host = Host("""
            [bridge:xbr0]
            [bridge:xbr1]
            [pool:p]
            bridges = xbr0 xbr1
            """, "xbr0", "xbr1");
        for (var d = 1; d <= 64; d++) host.AddLightGuest(d, 0, "pool:p");
        var processes = Enumerable.Range(1, 64)
            .Select(d => host.Dom0.Start(Binaries.Vif, ["online", "type_if=vif"], host.LibxlEnvironment(d, 0))).ToList();
        var results = processes.Select(p => Proc.Wait(p, TimeSpan.FromSeconds(120))).ToList();
        foreach (var p in processes) p.Dispose();
        Assert.All(results, r => Assert.True(r.Ok, r.ToString()));
        Assert.Equal(new Dictionary<string, int> { ["xbr0"] = 32, ["xbr1"] = 32 }, Count(host, "xbr0", "xbr1"));
        Assert.All(Enumerable.Range(1, 64), d => Assert.Equal("connected", host.Backend(d, 0, "hotplug-status")));
    }
}
