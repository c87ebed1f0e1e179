using XenHotplug.Core.Bridges;
using XenHotplug.Core.Distro;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Network;
using XenHotplug.Core.Render;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Render;

/// <summary>render for trunk uplinks: VLAN bridges (an existing 802.1Q device with dom0's address, one still to be created) and a VLAN-aware bridge.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class VlanRenderTests
{
    private const string Ini = """
        [bridge:xenbr100]
        uplink = eth1
        vlan = 100
        [bridge:xenbr200]
        uplink = eth1
        vlan = 200
        [bridge:xenbr0]
        uplink = eth2
        vlan_filtering = yes
        vids = 10 20 100-199
        pvid = 1
        [bridge:xenbr9]
        uplink = eth3
        vlan_filtering = yes
        vids = 30

        """;

    private static NetState Host() => new([
        new LinkState(2, "eth1", null, null, "52:54:00:00:00:01", 1500, true,
            [new IpAddress("inet", "192.0.2.10", 24)], [new IpRoute("inet", "default", "192.0.2.1", null)]),
        new LinkState(3, "eth1.100", "vlan", null, "52:54:00:00:00:01", 1500, true,
            [new IpAddress("inet", "198.51.100.5", 24)], [new IpRoute("inet", "203.0.113.0/24", "198.51.100.1", null)])
        { VlanParent = "eth1", VlanId = 100 },
        new LinkState(4, "eth2", null, null, "52:54:00:00:00:02", 9000, true, [], []),
        new LinkState(5, "eth3", null, null, "52:54:00:00:00:03", 1500, true, [], []),
    ]);

    private static BridgeAddressing Read(string bridge)
    {
        var config = TestConfig.Load(Ini);
        return AddressingReader.Read(Host(), BridgeSpec.From(config.FindBridge(bridge)!, config.Naming), UplinkFacts.None);
    }

    private static string Files(RenderFormat format, string bridge) =>
        string.Concat(BridgeRenderer.Render(format, Read(bridge), "h").Select(f => $"### {f.Name}\n{f.Text}"));

    [Fact]
    public void A_vlan_bridge_takes_over_its_existing_vlan_devices_addressing_and_leaves_the_parents()
    {
        var b = Read("xenbr100");
        Assert.Equal("eth1.100", b.Uplink);
        Assert.Equal("eth1", b.VlanParent);
        Assert.Equal((ushort)100, b.VlanId);
        Assert.Equal(["198.51.100.5/24"], b.Addresses4);
        Assert.Equal([new RenderedRoute(false, "203.0.113.0/24", "198.51.100.1", null)], b.Routes);
        Assert.Equal("52:54:00:00:00:01", b.Mac);
        var created = Read("xenbr200");
        Assert.Equal("eth1.200", created.Uplink);
        Assert.Empty(created.Addresses4);
        Assert.Empty(created.Routes);
        Assert.Equal("52:54:00:00:00:01", created.Mac); // the kernel gives a new VLAN device its parent's MAC
        Assert.Contains("eth1.200 does not exist yet", created.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vlan_bridge_whose_parent_is_missing_or_whose_device_is_something_else_is_refused()
    {
        var config = TestConfig.Load(Ini);
        var spec = BridgeSpec.From(config.FindBridge("xenbr100")!, config.Naming);
        var noParent = new NetState([.. Host().Links.Where(l => l.Name != "eth1")]);
        Assert.Contains("eth1, the parent of VLAN 100, does not exist", Assert.Throws<BridgeException>(() => AddressingReader.Read(noParent, spec, UplinkFacts.None)).Message);
        var wrong = new NetState([.. Host().Links.Select(l => l.Name == "eth1.100" ? l with { VlanId = 101 } : l)]);
        Assert.Contains("eth1.100 exists but is not VLAN 100 of eth1", Assert.Throws<BridgeException>(() => AddressingReader.Read(wrong, spec, UplinkFacts.None)).Message);
    }

    [Fact]
    public void Networkd_vlan_bridge()
    {
        Assert.Equal("""
            ### 05-xenbr100.netdev
            # h
            # static addressing read from eth1.100
            [NetDev]
            Name=xenbr100
            Kind=bridge
            MACAddress=52:54:00:00:00:01
            MTUBytes=1500

            [Bridge]
            STP=no
            ForwardDelaySec=0
            ### 05-xenbr100.network
            # h
            # static addressing read from eth1.100
            [Match]
            Name=xenbr100

            [Network]
            Address=198.51.100.5/24
            ConfigureWithoutCarrier=yes

            [Link]
            MTUBytes=1500

            [Route]
            Destination=203.0.113.0/24
            Gateway=198.51.100.1
            ### 05-eth1.100.netdev
            # h
            # static addressing read from eth1.100
            [NetDev]
            Name=eth1.100
            Kind=vlan
            MTUBytes=1500

            [VLAN]
            Id=100
            ### 05-xenbr100-eth1.100.network
            # h
            # static addressing read from eth1.100
            [Match]
            Name=eth1.100

            [Network]
            Bridge=xenbr100

            [Link]
            MTUBytes=1500

            """.ReplaceLineEndings("\n"), Files(RenderFormat.Networkd, "xenbr100"));
    }

    [Fact]
    public void Networkd_vlan_parent_carries_every_vlan_and_its_own_addressing()
    {
        var parent = AddressingReader.ReadParent(Host(), "eth1", UplinkFacts.None);
        var file = BridgeRenderer.RenderParent(RenderFormat.Networkd, parent, ["eth1.200", "eth1.100"], "h");
        Assert.Equal("05-eth1.network", file.Name);
        Assert.Equal("""
            # h
            # eth1, the parent of VLAN bridges: its own addressing (static addressing read from eth1)
            # Replaces eth1's own .network: remove the distribution's file for eth1.
            [Match]
            Name=eth1

            [Network]
            VLAN=eth1.100
            VLAN=eth1.200
            Address=192.0.2.10/24

            [Route]
            Gateway=192.0.2.1

            """.ReplaceLineEndings("\n"), file.Text);
    }

    [Fact]
    public void Networkd_vlan_aware_bridge()
    {
        Assert.Equal("""
            ### 05-xenbr0.netdev
            # h
            # static addressing read from eth2
            [NetDev]
            Name=xenbr0
            Kind=bridge
            MACAddress=52:54:00:00:00:02
            MTUBytes=9000

            [Bridge]
            STP=no
            ForwardDelaySec=0
            VLANFiltering=yes
            DefaultPVID=1
            ### 05-xenbr0.network
            # h
            # static addressing read from eth2
            [Match]
            Name=xenbr0

            [Network]
            ConfigureWithoutCarrier=yes

            [Link]
            MTUBytes=9000
            ### 05-xenbr0-eth2.network
            # h
            # static addressing read from eth2
            [Match]
            Name=eth2

            [Network]
            Bridge=xenbr0

            [Link]
            MTUBytes=9000

            [BridgeVLAN]
            VLAN=1
            PVID=1
            EgressUntagged=1

            [BridgeVLAN]
            VLAN=10

            [BridgeVLAN]
            VLAN=20

            [BridgeVLAN]
            VLAN=100-199

            """.ReplaceLineEndings("\n"), Files(RenderFormat.Networkd, "xenbr0"));
        var none = Files(RenderFormat.Networkd, "xenbr9");
        Assert.Contains("VLANFiltering=yes\nDefaultPVID=none\n", none, StringComparison.Ordinal);
        Assert.Contains("\n[BridgeVLAN]\nVLAN=30\n", none, StringComparison.Ordinal);
        Assert.DoesNotContain("PVID=", none.Replace("DefaultPVID=", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Ifupdown_vlan_bridge_and_vlan_aware_bridge()
    {
        Assert.Equal("""
            ### xenbr100
            # h
            # static addressing read from eth1.100
            # Remove eth1.100's own stanza (auto/allow-hotplug/iface eth1.100) from /etc/network/interfaces.
            iface eth1.100 inet manual
                vlan-raw-device eth1

            auto xenbr100
            iface xenbr100 inet static
                bridge_ports eth1.100
                bridge_stp off
                bridge_fd 0
                bridge_maxwait 0
                hwaddress 52:54:00:00:00:01
                address 198.51.100.5/24
                pre-up ip link set dev eth1.100 mtu 1500
                up ip link set dev xenbr100 mtu 1500
                up ip route add 203.0.113.0/24 via 198.51.100.1 dev xenbr100

            """.ReplaceLineEndings("\n"), Files(RenderFormat.Ifupdown, "xenbr100"));
        Assert.Equal("""
            ### xenbr0
            # h
            # static addressing read from eth2
            # Remove eth2's own stanza (auto/allow-hotplug/iface eth2) from /etc/network/interfaces.
            iface eth2 inet manual
                bridge-vids 10 20 100-199
                bridge-pvid 1

            auto xenbr0
            iface xenbr0 inet manual
                bridge_ports eth2
                bridge_stp off
                bridge_fd 0
                bridge_maxwait 0
                bridge-vlan-aware yes
                bridge-pvid 1
                hwaddress 52:54:00:00:00:02
                pre-up ip link set dev eth2 mtu 9000
                up ip link set dev xenbr0 mtu 9000

            """.ReplaceLineEndings("\n"), Files(RenderFormat.Ifupdown, "xenbr0"));
        var none = Files(RenderFormat.Ifupdown, "xenbr9");
        Assert.Contains("iface eth3 inet manual\n    bridge-vids 30\n\n", none, StringComparison.Ordinal);
        Assert.DoesNotContain("bridge-pvid", none, StringComparison.Ordinal);
    }

    [Fact]
    public void Nm_vlan_bridge_port_is_a_vlan_connection()
    {
        var files = BridgeRenderer.Render(RenderFormat.Nm, Read("xenbr100"), "h");
        Assert.Equal(["xenbr100.nmconnection", "xenbr100-port-eth1.100.nmconnection"], files.Select(f => f.Name));
        Assert.Equal($"""
            # h
            [connection]
            id=xenbr100-port-eth1.100
            uuid={StableUuid.For("xenbr100-port-eth1.100")}
            type=vlan
            interface-name=eth1.100
            master=xenbr100
            slave-type=bridge

            [ethernet]
            mtu=1500

            [vlan]
            parent=eth1
            id=100

            """.ReplaceLineEndings("\n"), files[1].Text);
        Assert.DoesNotContain("vlan-filtering", files[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Nm_vlan_aware_bridge_and_its_port_vlans()
    {
        var files = BridgeRenderer.Render(RenderFormat.Nm, Read("xenbr0"), "h");
        Assert.Contains("\n[bridge]\nstp=false\nmac-address=52:54:00:00:00:02\nvlan-filtering=true\nvlan-default-pvid=1\n", files[0].Text, StringComparison.Ordinal);
        Assert.EndsWith("type=ethernet\ninterface-name=eth2\nmaster=xenbr0\nslave-type=bridge\n\n[ethernet]\nmtu=9000\n\n[bridge-port]\nvlans=1 pvid untagged,10,20,100-199\n",
            files[1].Text, StringComparison.Ordinal);
        var none = BridgeRenderer.Render(RenderFormat.Nm, Read("xenbr9"), "h");
        Assert.Contains("vlan-filtering=true\nvlan-default-pvid=0\n", none[0].Text, StringComparison.Ordinal);
        Assert.EndsWith("\n[bridge-port]\nvlans=30\n", none[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vlan_parent_name_is_checked_like_any_interface_name()
    {
        var b = Read("xenbr200") with { VlanParent = "eth*" };
        Assert.Contains("VLAN parent eth*", Assert.Throws<BridgeException>(() => BridgeRenderer.Render(RenderFormat.Networkd, b, "h")).Message);
    }

    [Fact]
    public void Vid_runs()
    {
        Assert.Equal(["1-3", "5", "7-8"], VlanRanges.Runs([8, 1, 2, 3, 5, 7, 2]));
        Assert.Empty(VlanRanges.Runs([]));
    }
}
