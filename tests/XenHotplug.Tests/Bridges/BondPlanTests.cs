using XenHotplug.Core.Bridges;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Network;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Bridges;

/// <summary>[bond:NAME]: the bond start builds before the bridges, stop takes apart, a killed run's rollback removes; the keys and refusals.</summary>
public sealed class BondPlanTests
{
    private static List<string> Lines(IEnumerable<NetOp> plan) => plan.Select(op => op.ToString()).ToList();

    private static readonly IpAddress Dom0 = new("inet", "192.0.2.2", 24, null, "global", null, false, false, null, null);

    private static readonly IpRoute Default = new("inet", "default", "192.0.2.1", "static");

    private static LinkState Nic(int index, string name, string? master = null, IReadOnlyList<IpAddress>? addresses = null,
        IReadOnlyList<IpRoute>? routes = null, bool up = true, int mtu = 1500) =>
        new(index, name, null, master, "52:54:00:00:00:0" + index, mtu, up, addresses ?? [], routes ?? []);

    private static LinkState Bond(int index, string name, string mac, IReadOnlyList<IpAddress>? addresses = null, IReadOnlyList<IpRoute>? routes = null,
        string? master = null) =>
        new(index, name, "bond", master, mac, 1500, true, addresses ?? [], routes ?? []) { BondMode = "active-backup" };

    private static readonly BondSpec Bond0 = new("bond0", ["eth0", "eth1"], BondMode.ActiveBackup, 100) { Primary = "eth0" };

    [Fact]
    public void Start_creates_the_bond_with_its_options_and_the_first_slaves_mac_and_moves_the_address_and_route()
    {
        var state = new NetState([Nic(2, "eth0", addresses: [Dom0], routes: [Default]), Nic(3, "eth1", up: false)]);
        Assert.Equal(
        [
            "ip route delete 0.0.0.0/0 via 192.0.2.1 metric 0 dev eth0",
            "ip address delete 192.0.2.2/24 dev eth0",
            "ip link add name bond0 address 52:54:00:00:00:02 mtu 1500 type bond mode active-backup miimon 100 primary eth0",
            "ip link set dev eth0 down",
            "ip link set dev eth0 master bond0",
            "ip link set dev eth1 master bond0",
            "ip link set dev eth1 up",
            "ip link set dev bond0 up",
            "ip address add 192.0.2.2/24 dev bond0",
            "ip route add 0.0.0.0/0 via 192.0.2.1 proto static dev bond0",
        ], Lines(Converger.Plan(state, BondPlanner.Start(state, Bond0))));
    }

    private static NetState Started() => new([
        Nic(2, "eth0", master: "bond0"), Nic(3, "eth1", master: "bond0") with { Mac = "52:54:00:00:00:02" },
        Bond(4, "bond0", "52:54:00:00:00:02", [Dom0], [Default])]);

    [Fact]
    public void A_second_start_changes_nothing_also_when_the_bond_is_a_bridges_uplink()
    {
        var started = Started();
        Assert.Empty(Converger.Plan(started, BondPlanner.Start(started, Bond0)));
        var bridged = new NetState([.. started.Links.Select(l => l.Name == "bond0" ? l with { Master = "xenbr0" } : l)]);
        Assert.Empty(Converger.Plan(bridged, BondPlanner.Start(bridged, Bond0)));
    }

    [Fact]
    public void Stop_gives_the_slaves_back_as_they_were_with_the_address_on_the_slave_that_had_it_and_deletes_the_bond()
    {
        var before = new NetState([Nic(2, "eth0", addresses: [Dom0], routes: [Default]), Nic(3, "eth1", up: false, mtu: 9000)]);
        var record = new UplinkRecord("bond0", "bond0", 0, null, [], []) { CreatedPort = true, Slaves = BondPlanner.Affected(before, Bond0) };
        Assert.Equal(
        [
            "ip route delete 0.0.0.0/0 via 192.0.2.1 metric 0 dev bond0",
            "ip address delete 192.0.2.2/24 dev bond0",
            "ip link set dev eth0 nomaster",
            "ip link set dev eth1 nomaster",
            "ip link set dev eth1 mtu 9000",
            "ip link set dev eth1 address 52:54:00:00:00:03",
            "ip link set dev eth0 up",
            "ip address add 192.0.2.2/24 dev eth0",
            "ip route add 0.0.0.0/0 via 192.0.2.1 proto static dev eth0",
            "ip link delete dev bond0",
        ], Lines(Converger.Plan(Started(), BondPlanner.Stop(Started(), Bond0, record))));
    }

    [Fact]
    public void Stop_leaves_a_bond_start_did_not_build_as_it_is()
    {
        Assert.Same(DesiredState.Nothing, BondPlanner.Stop(Started(), Bond0, null));
    }

    [Fact]
    public void Stop_is_refused_while_a_bridge_or_a_vlan_device_uses_the_bond()
    {
        var bridged = new NetState([.. Started().Links.Select(l => l.Name == "bond0" ? l with { Master = "xenbr0" } : l)]);
        Assert.Contains("still a port of xenbr0", Assert.Throws<BridgeException>(() => BondPlanner.Stop(bridged, Bond0, null)).Message, StringComparison.Ordinal);
        var trunk = new NetState([.. Started().Links, new LinkState(9, "bond0.100", "vlan", null, null, 1500, true, [], []) { VlanParent = "bond0", VlanId = 100 }]);
        Assert.Contains("carries the VLAN device bond0.100", Assert.Throws<BridgeException>(() => BondPlanner.Stop(trunk, Bond0, null)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rollback_of_a_killed_start_releases_the_slaves_deletes_the_bond_and_puts_the_address_back()
    {
        var before = new NetState([Nic(2, "eth0", addresses: [Dom0], routes: [Default]), Nic(3, "eth1", up: false)]);
        var halfway = new NetState([Nic(2, "eth0", master: "bond0"), Nic(3, "eth1", up: true), Bond(4, "bond0", "52:54:00:00:00:02")]);
        var restore = BridgePlanner.Restore(BondPlanner.Affected(before, Bond0), "bond0", "bond0");
        Assert.Equal(
        [
            "ip link set dev eth0 nomaster",
            "ip link set dev eth0 up",
            "ip link set dev eth1 down",
            "ip address add 192.0.2.2/24 dev eth0",
            "ip route add 0.0.0.0/0 via 192.0.2.1 proto static dev eth0",
            "ip link delete dev bond0",
        ], Lines(Converger.Plan(halfway, restore)));
    }

    [Fact]
    public void A_bridge_on_the_bond_is_checked_and_planned_against_the_bond_start_will_build()
    {
        var state = new NetState([Nic(2, "eth0", addresses: [Dom0]), Nic(3, "eth1")]);
        var xenbr0 = BridgeSpec.From("xenbr0", "bond0", null, BridgeNaming.Xenbr);
        Assert.Throws<BridgeException>(() => BridgePlanner.Start(state, xenbr0));
        var projected = BondPlanner.Project(state, Bond0);
        var plan = Lines(Converger.Plan(projected, BridgePlanner.Start(projected, xenbr0)));
        Assert.Contains("ip address delete 192.0.2.2/24 dev bond0", plan);
        Assert.Contains("ip link set dev bond0 master xenbr0", plan);
        Assert.Contains("ip address add 192.0.2.2/24 dev xenbr0", plan);
    }

    [Theory]
    [InlineData("eth9", "slave eth9 does not exist")]
    [InlineData("br0", "slave br0 is a bridge, not a NIC")]
    [InlineData("eth2", "slave eth2 is already a port of xenbr2")]
    [InlineData("eth3", "slave eth3 carries the VLAN device eth3.5")]
    [InlineData("vif3.0", "slave vif3.0 is a guest's vif")]
    public void Start_refuses_slaves_that_are_not_free_nics(string slave, string message)
    {
        var state = new NetState([Nic(2, "eth0"), Nic(3, "eth2", master: "xenbr2"), Nic(4, "eth3"), new LinkState(5, "br0", "bridge", null, null, 1500, true, [], []),
            new LinkState(6, "eth3.5", "vlan", null, null, 1500, true, [], []) { VlanParent = "eth3", VlanId = 5 }]);
        var spec = Bond0 with { Slaves = ["eth0", slave], Primary = null };
        Assert.Contains(message, Assert.Throws<BridgeException>(() => BondPlanner.Start(state, spec)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_refuses_an_existing_bond_in_another_mode_and_a_name_that_is_not_a_bond()
    {
        var lacp = new NetState([Nic(2, "eth0"), Nic(3, "eth1"), Bond(4, "bond0", "52:54:00:00:00:02") with { BondMode = "802.3ad" }]);
        Assert.Contains("exists in mode 802.3ad, not active-backup", Assert.Throws<BridgeException>(() => BondPlanner.Start(lacp, Bond0)).Message, StringComparison.Ordinal);
        var taken = new NetState([Nic(2, "eth0"), Nic(3, "eth1"), Nic(4, "bond0")]);
        Assert.Contains("not a bond", Assert.Throws<BridgeException>(() => BondPlanner.Start(taken, Bond0)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_ini_declares_bonds_with_their_options()
    {
        var config = TestConfig.Load("""
            [bond:bond0]
            slaves = eth0 eth1
            mode = 802.3ad
            lacp_rate = fast
            xmit_hash_policy = layer3+4
            miimon = 50
            [bond:bond1]
            slaves = eth2, eth3
            primary = eth3
            [bridge:xenbr100]
            uplink = bond0
            vlan = 100
            [bridge:xenbr1]
            uplink = bond1
            """);
        var bond0 = BondSpec.From(config.Bonds[0]);
        Assert.Equal(("bond0", "802.3ad", 50, "fast", "layer3+4"), (bond0.Name, bond0.ModeName, bond0.Miimon, bond0.LacpRate, bond0.XmitHashPolicy));
        Assert.Equal("ip link add name bond0 type bond mode 802.3ad miimon 50 lacp_rate fast xmit_hash_policy layer3+4",
            new BondCreate("bond0", bond0.ModeName, 50) { LacpRate = "fast", XmitHashPolicy = "layer3+4" }.ToString());
        var bond1 = BondSpec.From(config.Bonds[1]);
        Assert.Equal(("active-backup", 100, "eth3", "eth3"), (bond1.ModeName, bond1.Miimon, bond1.Primary, bond1.Home));
        Assert.Equal("bond0.100", config.UplinkPort("xenbr100"));
    }

    [Theory]
    [InlineData("[bond:bond0]\nmode = active-backup", "[bond:bond0] slaves: a bond needs at least one slave")]
    [InlineData("[bond:bond0]\nslaves = eth0 eth0", "'eth0' is listed twice")]
    [InlineData("[bond:bond0]\nslaves = eth0\n[bond:bond1]\nslaves = eth1 eth0", "'eth0' is already a slave of [bond:bond0]")]
    [InlineData("[bond:bond0]\nslaves = eth0\nmode = active-backup\nlacp_rate = fast", "lacp_rate: applies to mode 802.3ad only, not active-backup")]
    [InlineData("[bond:bond0]\nslaves = eth0\nmode = balance-alb\nxmit_hash_policy = layer2", "xmit_hash_policy: applies to modes balance-xor, 802.3ad and balance-tlb, not balance-alb")]
    [InlineData("[bond:bond0]\nslaves = eth0\nmode = 802.3ad\nprimary = eth0", "primary: applies to modes active-backup, balance-tlb and balance-alb, not 802.3ad")]
    [InlineData("[bond:bond0]\nslaves = eth0 eth1\nprimary = eth2", "primary: 'eth2' is not one of the slaves (eth0 eth1)")]
    [InlineData("[bond:bond0]\nslaves = eth0\nmode = fastest", "unknown bond mode 'fastest'")]
    [InlineData("[bond:bond0]\nslaves = eth0\n[bridge:xenbr0]\nuplink = eth0", "'eth0' is a slave of [bond:bond0]; use uplink = bond0")]
    [InlineData("[bond:bond0]\nslaves = eth0\n[bond:bond1]\nslaves = bond0", "'bond0' is itself a bond")]
    [InlineData("[bond:vif1.0]\nslaves = eth0", "is a guest's vif name, not a bond")]
    [InlineData("[bond:bond0]\nslaves = eth0\nmiimon = -1", "miimon")]
    public void Bad_bond_sections_are_refused_with_one_line(string ini, string message)
    {
        var e = Assert.Throws<ConfigException>(() => TestConfig.Load(ini));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
