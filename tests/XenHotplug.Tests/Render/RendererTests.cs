using XenHotplug.Core.Bridges;
using XenHotplug.Core.Distro;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Network;
using XenHotplug.Core.Render;

namespace XenHotplug.Tests.Render;

public class RendererTests
{
    private static readonly BridgeSpec Spec = new("xenbr0", "xenbr0", "enp3s0", "enp3s0", null);

    private static NetState Host(bool lease) => new([
        new LinkState(2, "enp3s0", null, null, "52:54:00:12:34:56", 9000, true,
            [new IpAddress("inet", "192.0.2.10", 24, ValidLft: lease ? 3600 : IpAddress.Forever),
             new IpAddress("inet6", "2001:db8::5054:ff:fe12:3456", 64, ValidLft: 86400),
             new IpAddress("inet6", "2001:db8::10", 64, ValidLft: IpAddress.Forever)],
            [new IpRoute("inet", "default", "192.0.2.1", lease ? "dhcp" : null, Metric: lease ? 100 : null),
             new IpRoute("inet6", "default", "fe80::1", "ra", Metric: 1024)]),
    ]);

    [Fact]
    public void Static_addresses_and_gateway_are_kept_and_slaac_and_ra_left_to_the_kernel()
    {
        var b = AddressingReader.Read(Host(lease: false), Spec, UplinkFacts.None);
        Assert.False(b.Dhcp4);
        Assert.Equal(["192.0.2.10/24"], b.Addresses4);
        Assert.Equal(["2001:db8::10/64"], b.Addresses6);
        Assert.Equal([new RenderedRoute(false, "default", "192.0.2.1", null)], b.Routes);
        Assert.Equal("52:54:00:12:34:56", b.Mac);
        Assert.Equal(9000, b.Mtu);
    }

    [Fact]
    public void Lease_becomes_dhcp_in_every_format()
    {
        var b = AddressingReader.Read(Host(lease: true), Spec, UplinkFacts.None);
        Assert.True(b.Dhcp4);
        Assert.Empty(b.Addresses4);
        Assert.Empty(b.Routes);
        var networkd = string.Concat(BridgeRenderer.Render(RenderFormat.Networkd, b, "h").Select(f => f.Text));
        Assert.Contains("DHCP=ipv4\n", networkd, StringComparison.Ordinal);
        Assert.Contains("MACAddress=52:54:00:12:34:56\n", networkd, StringComparison.Ordinal);
        Assert.Contains("iface xenbr0 inet dhcp\n", BridgeRenderer.Render(RenderFormat.Ifupdown, b, "h")[0].Text, StringComparison.Ordinal);
        var nm = BridgeRenderer.Render(RenderFormat.Nm, b, "h");
        Assert.All(nm, f => Assert.True(f.Private));
        Assert.Contains("[ipv4]\nmethod=auto\n", nm[0].Text, StringComparison.Ordinal);
        Assert.True(AddressingReader.Read(Host(lease: false), Spec, new UplinkFacts(["dhclient (pid 9)"], null)).Dhcp4);
    }

    [Fact]
    public void File_names_and_stable_uuids()
    {
        var b = AddressingReader.Read(Host(lease: false), Spec, UplinkFacts.None);
        Assert.Equal(["05-xenbr0.netdev", "05-xenbr0.network", "05-xenbr0-enp3s0.network"], BridgeRenderer.Render(RenderFormat.Networkd, b, "h").Select(f => f.Name));
        Assert.Equal(["xenbr0"], BridgeRenderer.Render(RenderFormat.Ifupdown, b, "h").Select(f => f.Name));
        Assert.Equal(["xenbr0.nmconnection", "xenbr0-port-enp3s0.nmconnection"], BridgeRenderer.Render(RenderFormat.Nm, b, "h").Select(f => f.Name));
        Assert.Equal(StableUuid.For("xenbr0"), StableUuid.For("xenbr0"));
        Assert.NotEqual(StableUuid.For("xenbr0"), StableUuid.For("xenbr1"));
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", StableUuid.For("xenbr0"));
    }

    [Fact]
    public void Missing_nic_and_legacy_naming_are_refused()
    {
        Assert.Throws<BridgeException>(() => AddressingReader.Read(new NetState([]), Spec, UplinkFacts.None));
        var legacy = new BridgeSpec("xenbr0", "enp3s0", "enp3s0", "penp3s0", null);
        Assert.Contains("naming = xenbr", Assert.Throws<BridgeException>(() => AddressingReader.Read(Host(false), legacy, UplinkFacts.None)).Message, StringComparison.Ordinal);
    }
}
