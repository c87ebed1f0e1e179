using XenHotplug.Core.Configuration;
using XenHotplug.Core.Distro;
using XenHotplug.Core.Network;
using XenHotplug.Host.Distro;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Distro;

public sealed class SuggestTests : IDisposable
{
    private readonly string _sys = Directory.CreateTempSubdirectory("xhp-suggest-").FullName;

    public void Dispose() => Directory.Delete(_sys, recursive: true);

    private static MultibridgeConfig Parse(string text) => TestConfig.Load(text);

    [Fact]
    public void Physical_nics_with_carrier_get_one_bridge_each_in_a_pool_with_their_addressing_noted()
    {
        NetState state = new([
            new LinkState(2, "enp3s0", null, null, "52:54:00:00:00:01", 1500, true,
                [new IpAddress("inet", "192.0.2.10", 24, ValidLft: 3600)], [new IpRoute("inet", "default", "192.0.2.1", "dhcp")]),
            new LinkState(3, "enp4s0", null, null, "52:54:00:00:00:02", 1500, true, [new IpAddress("inet", "198.51.100.5", 24)], []),
            new LinkState(4, "enp5s0", null, null, "52:54:00:00:00:03", 1500, true, [], []),
            new LinkState(5, "veth0", null, null, "52:54:00:00:00:04", 1500, true, [], []),
        ]);
        foreach (var nic in new[] { "enp3s0", "enp4s0", "enp5s0" }) Directory.CreateDirectory(Path.Combine(_sys, nic, "device"));
        var sysfs = new FakeSysfs();
        sysfs.Add("enp3s0", carrier: true);
        sysfs.Add("enp4s0", carrier: true);
        sysfs.Speeds["enp3s0"] = 1000;
        sysfs.Speeds["enp4s0"] = 10000;
        sysfs.Add("enp5s0", carrier: false);
        sysfs.Add("veth0", carrier: true);
        var nics = new SuggestService(sysfs, new NoFacts(), _sys).Find(state);
        Assert.Equal(["enp3s0", "enp4s0"], nics.Select(n => n.Name));
        var ini = IniSuggestion.Render(nics, "/etc/xen/multibridge.ini");
        Assert.Contains("# enp3s0: 52:54:00:00:00:01, 1000 Mb/s, 192.0.2.10/24, default route via 192.0.2.1\n", ini, StringComparison.Ordinal);
        Assert.Contains("is dynamic", ini, StringComparison.Ordinal);
        Assert.Contains("network-multibridge render", ini, StringComparison.Ordinal);
        var config = Parse(ini);
        Assert.Equal([("xenbr0", "enp3s0"), ("xenbr1", "enp4s0")], config.Bridges.Select(b => (b.Name, b.Uplink!)));
        Assert.Equal(10, config.Bridges[1].Weight);
        Assert.Equal("default", config.DefaultPool);
        Assert.Equal(["xenbr0", "xenbr1"], config.Pools["default"].Bridges);
    }

    [Fact]
    public void No_physical_nic_gives_a_host_only_bridge()
    {
        var config = Parse(IniSuggestion.Render([], "/etc/xen/multibridge.ini"));
        Assert.Null(Assert.Single(config.Bridges).Uplink);
    }

    private static LinkState Vlan(int index, string name, string parent, int vid, IReadOnlyList<IpAddress>? addresses = null, IReadOnlyList<IpRoute>? routes = null) =>
        new(index, name, "vlan", null, "52:54:00:00:00:01", 1500, true, addresses ?? [], routes ?? []) { VlanParent = parent, VlanId = vid };

    [Fact]
    public void A_nics_vlan_devices_get_vlan_bridges_instead_of_a_bridge_on_the_nic()
    {
        NetState state = new([
            new LinkState(2, "eth0", null, null, "52:54:00:00:00:01", 1500, true, [], []),
            Vlan(3, "eth0.100", "eth0", 100, [new IpAddress("inet", "192.0.2.10", 24)], [new IpRoute("inet", "default", "192.0.2.1", null)]),
            Vlan(4, "eth0.200", "eth0", 200),
            Vlan(5, "vlan300", "eth0", 300),
            new LinkState(6, "eth1", null, null, "52:54:00:00:00:02", 1500, true, [], []),
            Vlan(7, "bond0.5", "bond0", 5), // a VLAN of something that is no physical NIC: not suggested here
        ]);
        foreach (var nic in new[] { "eth0", "eth1" }) Directory.CreateDirectory(Path.Combine(_sys, nic, "device"));
        var sysfs = new FakeSysfs().Add("eth0").Add("eth1");
        var nics = new SuggestService(sysfs, new NoFacts(), _sys).Find(state);
        Assert.Equal(["eth0", "eth0.100", "eth0.200", "vlan300", "eth1"], nics.Select(n => n.Name));
        Assert.Equal(["eth0.100", "eth0.200", "vlan300"], nics[0].Vlans);
        var ini = IniSuggestion.Render(nics, "/etc/xen/multibridge.ini");
        Assert.Contains("# eth0: 52:54:00:00:00:01, no address\n#   a trunk carrying eth0.100, eth0.200, vlan300: bridges on its VLANs follow; eth0 itself keeps its addressing\n", ini, StringComparison.Ordinal);
        Assert.Contains("""
            # eth0.100: VLAN 100 of eth0, 52:54:00:00:00:01, 192.0.2.10/24, default route via 192.0.2.1
            #   static: 'network-multibridge start' can move its addressing onto the bridge
            [bridge:xenbr100]
            uplink = eth0
            vlan = 100

            """.ReplaceLineEndings("\n"), ini, StringComparison.Ordinal);
        Assert.Contains("[bridge:xenbr300]\nuplink = eth0\nvlan = 300\nuplink_name = vlan300\n", ini, StringComparison.Ordinal);
        var config = Parse(ini);
        Assert.Equal([("xenbr100", "eth0", 100), ("xenbr200", "eth0", 200), ("xenbr300", "eth0", 300), ("xenbr0", "eth1", 0)],
            config.Bridges.Select(b => (b.Name, b.Uplink!, (int)(b.Vlan ?? 0))));
        Assert.Equal("vlan300", config.UplinkPort("xenbr300"));
        Assert.Equal(["xenbr0"], config.Pools["default"].Bridges); // each VLAN is a network of its own: in no pool
    }

    [Fact]
    public void An_existing_bond_is_an_uplink_and_its_slaves_are_not()
    {
        NetState state = new([
            new LinkState(2, "eth0", null, "bond0", "52:54:00:00:00:01", 1500, true, [], []),
            new LinkState(3, "eth1", null, "bond0", "52:54:00:00:00:01", 1500, true, [], []),
            new LinkState(4, "bond0", "bond", null, "52:54:00:00:00:01", 1500, true, [new IpAddress("inet", "192.0.2.10", 24)], []) { BondMode = "802.3ad" },
            Vlan(5, "bond0.100", "bond0", 100),
            new LinkState(6, "eth2", null, null, "52:54:00:00:00:03", 1500, true, [], []),
        ]);
        foreach (var nic in new[] { "eth0", "eth1", "eth2" }) Directory.CreateDirectory(Path.Combine(_sys, nic, "device"));
        var nics = new SuggestService(new FakeSysfs().Add("eth0").Add("eth1").Add("eth2").Add("bond0"), new NoFacts(), _sys).Find(state);
        Assert.Equal(["bond0", "bond0.100", "eth2"], nics.Select(n => n.Name));
        var ini = IniSuggestion.Render(nics, "/etc/xen/multibridge.ini");
        Assert.Contains("# bond0: a bond (802.3ad) of eth0 eth1, 52:54:00:00:00:01, 192.0.2.10/24\n#   a trunk carrying bond0.100", ini, StringComparison.Ordinal);
        var config = Parse(ini);
        Assert.Equal([("xenbr100", "bond0", 100), ("xenbr0", "eth2", 0)], config.Bridges.Select(b => (b.Name, b.Uplink!, (int)(b.Vlan ?? 0))));
        // Without VLANs the bond itself gets the bridge.
        NetState plain = new([.. state.Links.Where(l => l.Name != "bond0.100")]);
        var bridged = Parse(IniSuggestion.Render(new SuggestService(new FakeSysfs().Add("eth0").Add("eth1").Add("eth2").Add("bond0"), new NoFacts(), _sys).Find(plain), "/etc/xen/multibridge.ini"));
        Assert.Equal([("xenbr0", "bond0"), ("xenbr1", "eth2")], bridged.Bridges.Select(b => (b.Name, b.Uplink!)));
    }

    [Fact]
    public void Only_vlan_bridges_give_no_pool()
    {
        NetState state = new([new LinkState(2, "eth0", null, null, "52:54:00:00:00:01", 1500, true, [], []), Vlan(3, "eth0.10", "eth0", 10)]);
        Directory.CreateDirectory(Path.Combine(_sys, "eth0", "device"));
        var ini = IniSuggestion.Render(new SuggestService(new FakeSysfs().Add("eth0"), new NoFacts(), _sys).Find(state), "/etc/xen/multibridge.ini");
        var config = Parse(ini);
        Assert.Equal(["xenbr10"], config.Bridges.Select(b => b.Name));
        Assert.Empty(config.Pools);
        Assert.Null(config.DefaultPool);
        Assert.DoesNotContain("auto_bridge", ini, StringComparison.Ordinal);
    }

    private sealed class NoFacts : IUplinkProbe
    {
        public UplinkFacts Probe(LinkState nic) => UplinkFacts.None;
    }
}
