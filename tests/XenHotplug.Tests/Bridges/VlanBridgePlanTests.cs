using XenHotplug.Core.Bridges;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Network;
using XenHotplug.Core.Vlan;

namespace XenHotplug.Tests.Bridges;

/// <summary>VLAN bridges (vlan = on a trunk) and VLAN-aware bridges (vlan_filtering, vids, pvid) as start, stop and rollback plan them.</summary>
public sealed class VlanBridgePlanTests
{
    private static List<string> Lines(IEnumerable<NetOp> plan) => plan.Select(op => op.ToString()).ToList();

    private static readonly IpAddress Dom0 = new("inet", "10.100.0.2", 24, null, "global", null, false, false, null, null);

    private static LinkState Nic(int index, string name, bool up = true, IReadOnlyList<IpAddress>? addresses = null) =>
        new(index, name, null, null, "52:54:00:00:00:0" + index, 1500, up, addresses ?? [], []);

    private static LinkState VlanDev(int index, string name, string parent, int vid, string? master = null, IReadOnlyList<IpAddress>? addresses = null) =>
        new(index, name, "vlan", master, "52:54:00:00:00:02", 1500, true, addresses ?? [], []) { VlanParent = parent, VlanId = vid };

    private static readonly BridgeSpec Xenbr100 = new("xenbr100", "xenbr100", "bond0", "bond0.100", null) { Vlan = 100 };

    [Fact]
    public void Start_creates_the_vlan_device_enslaves_it_and_brings_the_parent_up()
    {
        var state = new NetState([Nic(2, "bond0", up: false)]);
        Assert.Equal(
        [
            "ip link add link bond0 name bond0.100 type vlan id 100",
            "ip link add name xenbr100 address 52:54:00:00:00:02 mtu 1500 type bridge stp_state 0 forward_delay 0",
            "ip link set dev bond0.100 master xenbr100",
            "ip link set dev bond0 up",
            "ip link set dev bond0.100 up",
            "ip link set dev xenbr100 up",
        ], Lines(Converger.Plan(state, BridgePlanner.Start(state, Xenbr100))));
    }

    [Fact]
    public void Start_on_an_existing_vlan_device_moves_its_address_and_when_started_does_nothing()
    {
        var state = new NetState([Nic(2, "bond0"), VlanDev(3, "bond0.100", "bond0", 100, addresses: [Dom0])]);
        var plan = Lines(Converger.Plan(state, BridgePlanner.Start(state, Xenbr100)));
        Assert.DoesNotContain(plan, l => l.Contains("type vlan", StringComparison.Ordinal));
        Assert.Equal("ip address delete 10.100.0.2/24 dev bond0.100", plan[0]);
        Assert.Contains("ip address add 10.100.0.2/24 dev xenbr100", plan);
        var started = new NetState([Nic(2, "bond0"), VlanDev(3, "bond0.100", "bond0", 100, master: "xenbr100"),
            new LinkState(4, "xenbr100", "bridge", null, "52:54:00:00:00:02", 1500, true, [Dom0], [])]);
        Assert.Empty(Converger.Plan(started, BridgePlanner.Start(started, Xenbr100)));
        // Stop: the address goes back to the VLAN device, which stays (start did not create it).
        Assert.Equal(
        [
            "ip address delete 10.100.0.2/24 dev xenbr100",
            "ip link set dev bond0.100 nomaster",
            "ip address add 10.100.0.2/24 dev bond0.100",
            "ip link delete dev xenbr100",
        ], Lines(Converger.Plan(started, BridgePlanner.Stop(started, Xenbr100, null))));
    }

    [Fact]
    public void Stop_deletes_the_vlan_device_start_created_and_nothing_else()
    {
        var started = new NetState([Nic(2, "bond0"), VlanDev(3, "bond0.100", "bond0", 100, master: "xenbr100"),
            new LinkState(4, "xenbr100", "bridge", null, "52:54:00:00:00:02", 1500, true, [], [])]);
        var record = new UplinkRecord("xenbr100", "bond0", 1500, null, [], []) { CreatedPort = true };
        Assert.Equal(["ip link delete dev xenbr100", "ip link delete dev bond0.100"],
            Lines(Converger.Plan(started, BridgePlanner.Stop(started, Xenbr100, record))));
    }

    [Fact]
    public void Rollback_of_a_killed_start_deletes_the_created_vlan_device_and_puts_the_parent_down_again()
    {
        var before = new NetState([Nic(2, "bond0", up: false)]);
        var halfway = new NetState([Nic(2, "bond0"), VlanDev(3, "bond0.100", "bond0", 100)]);
        var restore = BridgePlanner.Restore(BridgePlanner.Affected(before, Xenbr100), "xenbr100", "bond0.100");
        Assert.Equal(["ip link set dev bond0 down", "ip link delete dev bond0.100"], Lines(Converger.Plan(halfway, restore)));
    }

    [Theory]
    [InlineData("eth9", "uplink eth9 (the parent of VLAN 100) does not exist")]
    [InlineData("br0", "uplink br0 is a bridge")]
    [InlineData("slave0", "uplink slave0 is a port of bond7")]
    public void Start_refuses_a_bad_parent(string parent, string expected)
    {
        var state = new NetState([new LinkState(5, "br0", "bridge", null, null, 1500, true, [], []),
            Nic(6, "slave0") with { Master = "bond7" }]);
        var spec = new BridgeSpec("xenbr100", "xenbr100", parent, parent + ".100", null) { Vlan = 100 };
        Assert.Contains(expected, Assert.Throws<BridgeException>(() => BridgePlanner.Start(state, spec)).Message);
    }

    [Fact]
    public void Start_refuses_a_device_name_that_is_something_else_or_the_vlan_under_another_name()
    {
        var taken = new NetState([Nic(2, "bond0"), Nic(3, "bond0.100")]);
        Assert.Contains("bond0.100 exists and is not VLAN 100 of bond0", Assert.Throws<BridgeException>(() => BridgePlanner.Start(taken, Xenbr100)).Message);
        var renamed = new NetState([Nic(2, "bond0"), VlanDev(3, "vlan100", "bond0", 100)]);
        Assert.Contains("already exists as vlan100; set uplink_name = vlan100", Assert.Throws<BridgeException>(() => BridgePlanner.Start(renamed, Xenbr100)).Message);
    }

    private static readonly BridgeSpec Aware = new("xenbr0", "xenbr0", "eth0", "eth0", null) { VlanFiltering = true, Vids = [10, 20], Pvid = 1 };

    [Fact]
    public void Start_of_a_vlan_aware_bridge_filters_from_creation_and_gives_the_uplink_its_vids()
    {
        var state = new NetState([Nic(2, "eth0")]);
        Assert.Equal(
        [
            "ip link add name xenbr0 address 52:54:00:00:00:02 mtu 1500 type bridge stp_state 0 forward_delay 0 vlan_filtering 1 vlan_default_pvid 1",
            "ip link set dev eth0 master xenbr0",
            "bridge vlan add dev eth0 vid 10",
            "bridge vlan add dev eth0 vid 20",
            "ip link set dev xenbr0 up",
        ], Lines(Converger.Plan(state, BridgePlanner.Start(state, Aware))));
        var started = new NetState([Nic(2, "eth0") with { Master = "xenbr0", PortVlans = [new VlanMember(1, true, true), new VlanMember(10, false, false), new VlanMember(20, false, false)] },
            new LinkState(4, "xenbr0", "bridge", null, "52:54:00:00:00:02", 1500, true, [], []) { VlanFiltering = true, DefaultPvid = 1 }]);
        Assert.Empty(Converger.Plan(started, BridgePlanner.Start(started, Aware)));
        var drifted = new NetState([started.Links[0] with { PortVlans = [new VlanMember(1, true, true), new VlanMember(30, false, false)] }, started.Links[1]]);
        Assert.Equal(["bridge vlan add dev eth0 vid 10", "bridge vlan add dev eth0 vid 20", "bridge vlan del dev eth0 vid 30"],
            Lines(Converger.Plan(drifted, BridgePlanner.Start(drifted, Aware))));
    }

    [Fact]
    public void An_existing_bridge_is_made_vlan_aware_without_a_native_vlan()
    {
        var spec = Aware with { Pvid = null };
        var state = new NetState([Nic(2, "eth0") with { Master = "xenbr0" },
            new LinkState(4, "xenbr0", "bridge", null, "52:54:00:00:00:02", 1500, true, [], []) { DefaultPvid = 1 }]);
        Assert.Equal(
        [
            "ip link set dev xenbr0 type bridge vlan_filtering 1 vlan_default_pvid 0",
            "bridge vlan add dev eth0 vid 10",
            "bridge vlan add dev eth0 vid 20",
        ], Lines(Converger.Plan(state, BridgePlanner.Start(state, spec))));
    }

    [Fact]
    public void A_vlan_aware_bridge_without_pvid_refuses_to_cut_off_dom0s_address()
    {
        var state = new NetState([Nic(2, "eth0", addresses: [Dom0])]);
        var e = Assert.Throws<BridgeException>(() => BridgePlanner.Start(state, Aware with { Pvid = null }));
        Assert.Contains("dom0's addresses on eth0 would be cut off", e.Message);
        Assert.Contains("set pvid", e.Message);
    }

    private static MultibridgeConfig Load(string ini) =>
        Host.Configuration.ConfigLoader.Build(IniDocument.Parse("/etc/xen/multibridge.ini", ini), new Dictionary<string, string>());

    [Fact]
    public void The_ini_describes_vlan_bridges_on_one_trunk_and_a_vlan_aware_bridge()
    {
        var c = Load("[bridge:xenbr10]\nuplink = bond0\nvlan = 10\n[bridge:xenbr20]\nuplink = bond0\nvlan = 20\nuplink_name = vlan20\n"
            + "[bridge:xenbr1]\nuplink = eth2\nvlan_filtering = yes\nvids = 10, 20 100-102\npvid = 1\n");
        Assert.Equal("bond0.10", c.UplinkPort("xenbr10"));
        Assert.Equal("vlan20", c.UplinkPort("xenbr20"));
        var spec = BridgeSpec.From(c.FindBridge("xenbr1")!, c.Naming);
        Assert.Equal([10, 20, 100, 101, 102], spec.Vids.Select(v => (int)v));
        Assert.Equal("xenbr10 (uplink bond0.10, VLAN 10 of bond0)", BridgeSpec.From(c.FindBridge("xenbr10")!, BridgeNaming.Legacy).ToString());
        Assert.Equal("xenbr10", c.BridgeInterface("xenbr10"));
    }

    [Theory]
    [InlineData("[bridge:b]\nuplink = eth0\nvlan = 4095\n", "'4095' is not a VLAN id (1-4094)")]
    [InlineData("[bridge:b]\nvlan = 10\n", "a VLAN bridge needs 'uplink'")]
    [InlineData("[bridge:b]\nuplink = eth0\nuplink_name = x\n", "it needs 'vlan'")]
    [InlineData("[bridge:b]\nuplink = eth0\nvlan = 10\nvlan_filtering = yes\n", "cannot also filter VLANs")]
    [InlineData("[bridge:b]\nuplink = eth0\nvids = 10\n", "set 'vlan_filtering = yes'")]
    [InlineData("[bridge:b]\nuplink = eth0\nvlan_filtering = yes\nvids = 10-20 15\n", "VLAN 15 is listed twice")]
    [InlineData("[bridge:b]\nuplink = eth0\nvlan_filtering = yes\nvids = 20-10\n", "ends before it starts")]
    [InlineData("[bridge:b]\nuplink = eth0\nvlan_filtering = yes\nvids = 10\npvid = 10\n", "both the native VLAN")]
    [InlineData("[bridge:b]\nuplink = verylongname0\nvlan = 1000\n", "name it with 'uplink_name'")]
    [InlineData("[bridge:a]\nuplink = bond0\nvlan = 10\n[bridge:b]\nuplink = bond0\nvlan = 10\n", "'bond0.10' is already the uplink of [bridge:a]")]
    [InlineData("[bridge:a]\nuplink = bond0\n[bridge:b]\nuplink = bond0\nvlan = 10\n", "is the untagged uplink of [bridge:a]")]
    public void Bad_vlan_keys_are_refused_naming_the_key(string ini, string expected)
    {
        Assert.Contains(expected, Assert.Throws<ConfigException>(() => Load(ini)).Message);
    }
}
