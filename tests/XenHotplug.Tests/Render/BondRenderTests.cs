using XenHotplug.Core.Bridges;
using XenHotplug.Core.Distro;
using XenHotplug.Core.Network;
using XenHotplug.Core.Render;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Render;

/// <summary>render for bonds: one a bridge's uplink (its port files define it), one the trunk of a VLAN bridge holding dom0's address.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BondRenderTests
{
    private const string Ini = """
        [bond:bond0]
        slaves = eth0 eth1
        primary = eth0
        [bond:bond1]
        slaves = eth2 eth3
        mode = 802.3ad
        lacp_rate = fast
        xmit_hash_policy = layer3+4
        [bridge:xenbr0]
        uplink = bond0
        [bridge:xenbr100]
        uplink = bond1
        vlan = 100

        """;

    private static NetState Host() => new([
        new LinkState(2, "eth0", null, null, "52:54:00:00:00:10", 1500, true,
            [new IpAddress("inet", "192.0.2.10", 24)], [new IpRoute("inet", "default", "192.0.2.1", null)]),
        new LinkState(3, "eth1", null, null, "52:54:00:00:00:11", 1500, true, [], []),
        new LinkState(4, "eth2", null, null, "52:54:00:00:00:12", 1500, true, [new IpAddress("inet", "198.51.100.5", 24)], []),
        new LinkState(5, "eth3", null, null, "52:54:00:00:00:13", 1500, true, [], []),
    ]);

    private static (List<BondSpec> Bonds, List<BridgeSpec> Bridges, NetState Projected) Setup()
    {
        var config = TestConfig.Load(Ini);
        var bonds = config.Bonds.Select(BondSpec.From).ToList();
        var projected = bonds.Aggregate(Host(), BondPlanner.Project);
        return (bonds, config.Bridges.Select(b => BridgeSpec.From(b, config.Naming)).ToList(), projected);
    }

    private static string Files(IEnumerable<RenderedFile> files) => string.Join("", files.Select(f => $"### {f.Name}\n{f.Text}"));

    [Fact]
    public void Networkd_writes_the_bonds_netdev_and_slaves_and_the_bridge_takes_the_first_slaves_address_and_mac()
    {
        var (bonds, bridges, projected) = Setup();
        var xenbr0 = AddressingReader.Read(projected, bridges[0], UplinkFacts.None) with { Bond = bonds[0] };
        Assert.Equal(("52:54:00:00:00:10", "192.0.2.10/24"), (xenbr0.Mac, xenbr0.Addresses4.Single()));
        var bridge = Files(BridgeRenderer.Render(RenderFormat.Networkd, xenbr0, "h"));
        Assert.Contains("### 05-xenbr0-bond0.network\n# h\n", bridge, StringComparison.Ordinal);
        Assert.Contains("[Match]\nName=bond0\n\n[Network]\nBridge=xenbr0\n", bridge, StringComparison.Ordinal);
        Assert.Equal("""
            ### 05-bond0.netdev
            # h
            [NetDev]
            Name=bond0
            Kind=bond
            MACAddress=52:54:00:00:00:10

            [Bond]
            Mode=active-backup
            MIIMonitorSec=100ms
            ### 05-bond0-eth0.network
            # h
            [Match]
            Name=eth0

            [Network]
            Bond=bond0
            PrimarySlave=yes
            ### 05-bond0-eth1.network
            # h
            [Match]
            Name=eth1

            [Network]
            Bond=bond0

            """.ReplaceLineEndings("\n"), Files(BondRenderer.Render(RenderFormat.Networkd, bonds[0], "52:54:00:00:00:10", null, "h")));
        var lacp = Files(BondRenderer.Render(RenderFormat.Networkd, bonds[1], null, null, "h"));
        Assert.Contains("Mode=802.3ad\nMIIMonitorSec=100ms\nLACPTransmitRate=fast\nTransmitHashPolicy=layer3+4\n", lacp, StringComparison.Ordinal);
    }

    [Fact]
    public void Ifupdown_puts_the_bond_options_on_the_bridges_port_stanza_and_gives_a_vlan_parent_bond_its_own_stanza_with_its_address()
    {
        var (bonds, bridges, projected) = Setup();
        var xenbr0 = AddressingReader.Read(projected, bridges[0], UplinkFacts.None) with { Bond = bonds[0] };
        var bridge = Files(BridgeRenderer.Render(RenderFormat.Ifupdown, xenbr0, "h"));
        Assert.Contains("iface bond0 inet manual\n    bond-slaves eth0 eth1\n    bond-mode active-backup\n    bond-miimon 100\n    bond-primary eth0\n", bridge, StringComparison.Ordinal);
        Assert.Contains("    bridge_ports bond0\n", bridge, StringComparison.Ordinal);
        var own = AddressingReader.ReadParent(projected, "bond1", UplinkFacts.None);
        var trunk = Files(BondRenderer.Render(RenderFormat.Ifupdown, bonds[1], null, own, "h"));
        Assert.Contains("iface eth2 inet manual\niface eth3 inet manual\n", trunk, StringComparison.Ordinal);
        Assert.Contains("auto bond1\niface bond1 inet static\n    bond-slaves eth2 eth3\n    bond-mode 802.3ad\n    bond-miimon 100\n    bond-lacp-rate fast\n    bond-xmit-hash-policy layer3+4\n",
            trunk, StringComparison.Ordinal);
        Assert.Contains("    address 198.51.100.5/24\n", trunk, StringComparison.Ordinal);
    }

    [Fact]
    public void Nm_makes_the_bridges_port_a_bond_connection_and_the_slaves_its_ports()
    {
        var (bonds, bridges, projected) = Setup();
        var xenbr0 = AddressingReader.Read(projected, bridges[0], UplinkFacts.None) with { Bond = bonds[0] };
        var files = BridgeRenderer.Render(RenderFormat.Nm, xenbr0, "h");
        var port = files.Single(f => f.Name == "xenbr0-port-bond0.nmconnection").Text;
        Assert.Contains("type=bond\ninterface-name=bond0\nmaster=xenbr0\nslave-type=bridge\n", port, StringComparison.Ordinal);
        Assert.Contains("\n[bond]\nmode=active-backup\nmiimon=100\nprimary=eth0\n", port, StringComparison.Ordinal);
        var slaves = BondRenderer.Render(RenderFormat.Nm, bonds[0], "52:54:00:00:00:10", null, "h");
        Assert.Equal(["bond0-port-eth0.nmconnection", "bond0-port-eth1.nmconnection"], slaves.Select(f => f.Name));
        Assert.All(slaves, f => Assert.True(f.Private));
        Assert.Contains("type=ethernet\ninterface-name=eth1\nmaster=bond0\nslave-type=bond\n", slaves[1].Text, StringComparison.Ordinal);
        var own = AddressingReader.ReadParent(projected, "bond1", UplinkFacts.None);
        var trunk = BondRenderer.Render(RenderFormat.Nm, bonds[1], null, own, "h");
        var bond1 = trunk.Single(f => f.Name == "bond1.nmconnection").Text;
        Assert.Contains("type=bond\ninterface-name=bond1\n", bond1, StringComparison.Ordinal);
        Assert.Contains("[ipv4]\nmethod=manual\naddress1=198.51.100.5/24\n", bond1, StringComparison.Ordinal);
    }
}
