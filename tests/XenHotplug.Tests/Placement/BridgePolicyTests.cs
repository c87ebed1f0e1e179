using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Placement;
using XenHotplug.Core.Request;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Placement;

public class BridgePolicyTests
{
    private const string Ini = """
        [policy]
        auto_bridge = xenbr0
        [bridge:xenbr0]
        uplink = eth0
        [bridge:xenbr1]
        uplink = eth1
        [bridge:xenbr2]
        uplink = eth2
        [pool:default]
        bridges = xenbr0 xenbr1
        [pool:rr]
        bridges = xenbr0 xenbr1 xenbr2
        strategy = round-robin
        [pool:storage]
        bridges = xenbr2
        [domain:db-*]
        pool = storage
        [domain:pinned]
        bridge = xenbr1
        """;

    private static MultibridgeConfig Config(string extra = "") =>
        TestConfig.Load(Ini + "\n" + extra);

    private static FakeSysfs Host()
    {
        var s = new FakeSysfs();
        foreach (var i in new[] { "0", "1", "2" })
        {
            s.Add("xenbr" + i, bridge: true).Add("eth" + i, master: "xenbr" + i);
        }
        return s;
    }

    private static readonly HotplugRequest Request = new(HotplugCommand.Online, InterfaceType.Vif, "vif3.0", "backend/vif/3/0", 3, 0, new Dictionary<string, string>());

    private static VifSettings Vm(string? bridge, string? name = "web1") => new(bridge, null, null, null, null, null, name, "uuid-3");

    private static BridgeDecision Decide(MultibridgeConfig config, FakeSysfs host, string? bridge, string? name = "web1") =>
        BridgePolicy.Decide(config, Request, Vm(bridge, name), host);

    [Fact]
    public void Explicit_real_bridge_wins_over_everything()
    {
        var d = Decide(Config("[policy]".Length > 0 ? "" : ""), Host(), "xenbr2", name: "db-1");
        Assert.Equal("xenbr2", d.Bridge);
        Assert.Contains("explicit", d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Domain_rule_wins_over_a_pool_reference_and_auto_bridge()
    {
        Assert.Equal("xenbr2", Decide(Config(), Host(), "pool:default", name: "db-7").Bridge);
        Assert.Equal("xenbr2", Decide(Config(), Host(), "xenbr0", name: "db-7").Bridge);
        var pinned = Decide(Config(), Host(), "pool:default", name: "pinned");
        Assert.Equal("xenbr1", pinned.Bridge);
        Assert.Contains("[domain:pinned]", pinned.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Pool_reference_uses_the_pool()
    {
        var host = Host();
        host.Add("vif1.0", master: "xenbr0");
        var d = Decide(Config(), host, "pool:default");
        Assert.Equal("xenbr1", d.Bridge);
        Assert.Equal("default", d.Pool);
        Assert.Equal("least-loaded", d.Strategy);
        Assert.Equal([1, 0], d.Candidates.Select(c => c.Load));
    }

    [Fact]
    public void Auto_bridge_without_rule_or_default_pool_is_taken_literally()
    {
        Assert.Equal("xenbr0", Decide(Config(), Host(), "xenbr0").Bridge);
    }

    [Fact]
    public void Auto_bridge_falls_to_the_default_pool()
    {
        var c = Config() with { DefaultPool = "rr" };
        var d = BridgePolicy.Decide(c, Request, Vm("xenbr0"), Host(), new PlacementFacts(null, new Dictionary<string, long> { ["rr"] = 2 }, null));
        Assert.Equal("xenbr2", d.Bridge);
        Assert.Equal(3, d.NextCursor);
    }

    [Fact]
    public void Unknown_pool_is_a_clear_error()
    {
        var e = Assert.Throws<HotplugException>(() => Decide(Config(), Host(), "pool:nope"));
        Assert.Contains("unknown pool 'nope' in backend/vif/3/0/bridge (declared: default, rr, storage", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Uplinks_and_non_guest_ports_do_not_count_as_load()
    {
        var host = Host();
        host.Add("veth-mon", master: "xenbr0").Add("vif9.0", master: "xenbr1").Add("guestnic", master: "xenbr1", alias: "xen-vif-8.0");
        var d = Decide(Config(), host, "pool:default");
        Assert.Equal([0, 2], d.Candidates.Select(c => c.Load));
        Assert.Equal("xenbr0", d.Bridge);
    }

    [Fact]
    public void Unhealthy_bridges_are_skipped()
    {
        var host = Host();
        host.Links["eth0"].Carrier = false;
        var d = Decide(Config(), host, "pool:default");
        Assert.Equal("xenbr1", d.Bridge);
        Assert.Contains("no carrier", d.Candidates[0].Health, StringComparison.Ordinal);
        host.Links["eth0"].Carrier = true;
        host.Links["eth0"].Up = false;
        Assert.Equal("xenbr1", Decide(Config(), host, "pool:default").Bridge);
    }

    [Fact]
    public void No_healthy_bridge_falls_back_with_a_warning_or_fails()
    {
        var host = Host();
        host.Links["eth0"].Carrier = false;
        host.Links["eth1"].Carrier = false;
        host.Add("vif1.0", master: "xenbr0");
        var d = Decide(Config(), host, "pool:default");
        Assert.Equal("xenbr1", d.Bridge);
        Assert.Contains("no healthy bridge in pool 'default'", d.Warning, StringComparison.Ordinal);
        var strict = Config() with { WhenUnhealthy = UnhealthyAction.Fail };
        Assert.Contains("no healthy bridge in pool 'default' (xenbr0: uplink eth0 no carrier, xenbr1: uplink eth1 no carrier)",
            Assert.Throws<HotplugException>(() => Decide(strict, host, "pool:default")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sticky_gives_the_same_bridge_on_every_host()
    {
        var config = Config("[pool:s]\nbridges = xenbr0 xenbr1 xenbr2\nstrategy = sticky\n");
        var a = Decide(config, Host(), "pool:s", name: "app-42").Bridge;
        var other = Host();
        other.Add("vif1.0", master: a); // load does not matter to sticky
        Assert.Equal(a, Decide(config, other, "pool:s", name: "app-42").Bridge);
    }

    [Fact]
    public void Declared_but_missing_bridge_is_chosen_for_creation()
    {
        var host = Host();
        host.Links.Remove("xenbr2");
        host.Links["eth2"].Master = null;
        var d = Decide(Config(), host, "xenbr2");
        Assert.Equal("xenbr2", d.Bridge);
    }

    [Fact]
    public void The_two_halves_of_an_hvm_nic_go_to_one_bridge()
    {
        // least-loaded would pick xenbr1 (xenbr0 holds the guest's vif): the tap joins its vif instead, and back.
        var host = Host().Add("vif3.0", master: "xenbr0");
        var tap = Request with { Type = InterfaceType.Tap, Command = HotplugCommand.Add, Device = "vif3.0-emu" };
        var d = BridgePolicy.Decide(Config(), tap, Vm("pool:default"), host);
        Assert.Equal("xenbr0", d.Bridge);
        Assert.Contains("vif3.0, the other half of this NIC, is on xenbr0", d.Reason, StringComparison.Ordinal);
        var vifFirst = Host().Add("vif3.0-emu", master: "xenbr0");
        Assert.Equal("xenbr0", Decide(Config(), vifFirst, "pool:default").Bridge);
        // Renamed (vifname web3): the twin is known by the alias vif-multibridge gave it; another device of that name is not.
        var renamed = Host().Add("web3", master: "xenbr0", alias: "xen-vif-3.0");
        Assert.Equal("xenbr0", BridgePolicy.Decide(Config(), tap, Vm("pool:default") with { VifName = "web3" }, renamed).Bridge);
        var stranger = Host().Add("web3", master: "xenbr1");
        Assert.Equal("xenbr0", BridgePolicy.Decide(Config(), tap, Vm("pool:default") with { VifName = "web3" }, stranger).Bridge);
        // Not on a usable bridge of the pool: placed as usual.
        var elsewhere = Host().Add("vif3.0", master: "xenbr2");
        Assert.Equal("xenbr0", BridgePolicy.Decide(Config(), tap, Vm("pool:default"), elsewhere).Bridge);
    }
}
