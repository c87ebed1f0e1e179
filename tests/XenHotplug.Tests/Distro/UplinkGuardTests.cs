using XenHotplug.Core.Bridges;
using XenHotplug.Core.Distro;
using XenHotplug.Core.Network;

namespace XenHotplug.Tests.Distro;

public class UplinkGuardTests
{
    private static readonly BridgeSpec Spec = new("xenbr0", "xenbr0", "eth0", "eth0", null);

    private static LinkState Nic(IReadOnlyList<IpAddress>? addresses = null, IReadOnlyList<IpRoute>? routes = null) =>
        new(2, "eth0", null, null, "52:54:00:12:34:56", 1500, true,
            addresses ?? [new IpAddress("inet", "192.0.2.10", 24, ValidLft: IpAddress.Forever)], routes ?? []);

    [Fact]
    public void Static_addressing_is_moved()
    {
        Assert.Null(UplinkGuard.Refusal(Spec, Nic(routes: [new IpRoute("inet", "default", "192.0.2.1", "static")]), UplinkFacts.None));
        Assert.Null(UplinkGuard.Refusal(Spec, Nic(routes: [new IpRoute("inet", "default", "192.0.2.1")]), UplinkFacts.None));
    }

    [Fact]
    public void IPv6_slaac_and_ra_routes_do_not_count_and_are_never_moved()
    {
        var slaac = new IpAddress("inet6", "2001:db8::5054:ff:fe12:3456", 64, ValidLft: 86400, PreferredLft: 14400);
        var ra = new IpRoute("inet6", "default", "fe80::1", "ra");
        var nic = Nic([new IpAddress("inet", "192.0.2.10", 24), slaac], [ra]);
        Assert.Null(UplinkGuard.Refusal(Spec, nic, UplinkFacts.None));
        Assert.False(slaac.IsMovable);
        Assert.Empty(nic.MovableRoutes);
        Assert.True(new IpAddress("inet6", "2001:db8::2", 64, ValidLft: IpAddress.Forever).IsMovable);
    }

    [Fact]
    public void Dhcp_lease_route_client_and_managers_are_refused_with_the_way_out()
    {
        var lease = Nic([new IpAddress("inet", "192.0.2.10", 24, ValidLft: 3600, PreferredLft: 3600)]);
        Assert.Equal("bridge xenbr0: not moving eth0: its IPv4 address 192.0.2.10/24 is dynamic (valid_lft 3600s, a DHCP lease); " + UplinkGuard.WayOut,
            UplinkGuard.Refusal(Spec, lease, UplinkFacts.None));
        Assert.Contains("route default via 192.0.2.1 is proto dhcp",
            UplinkGuard.Refusal(Spec, Nic(routes: [new IpRoute("inet", "default", "192.0.2.1", "dhcp")]), UplinkFacts.None), StringComparison.Ordinal);
        Assert.Contains("a DHCP client runs for it (dhclient (pid 42))",
            UplinkGuard.Refusal(Spec, Nic(), new UplinkFacts(["dhclient (pid 42)"], null)), StringComparison.Ordinal);
        Assert.Contains("it is managed by NetworkManager",
            UplinkGuard.Refusal(Spec, Nic(), new UplinkFacts([], "NetworkManager")), StringComparison.Ordinal);
        Assert.Contains("network-multibridge render", UplinkGuard.WayOut, StringComparison.Ordinal);
        Assert.Contains("--force", UplinkGuard.WayOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Manager_state_files()
    {
        Assert.True(ManagerState.NetworkManagerOwns("[device]\nmanaged=true\nconnection-uuid=5f0c0c8e-1111-2222-3333-444455556666\n"));
        Assert.False(ManagerState.NetworkManagerOwns("[device]\nmanaged=false\n"));
        Assert.False(ManagerState.NetworkManagerOwns("[device]\nmanaged=true\n"));
        Assert.Equal("/etc/systemd/network/10-enp3s0.network",
            ManagerState.NetworkdNetworkFile("# This is private data.\nADMIN_STATE=configured\nOPER_STATE=routable\nNETWORK_FILE=/etc/systemd/network/10-enp3s0.network\n"));
        Assert.Null(ManagerState.NetworkdNetworkFile("ADMIN_STATE=unmanaged\nOPER_STATE=carrier\n"));
        Assert.True(ManagerState.IfupdownUp("lo=lo\nenp3s0=enp3s0\n", "enp3s0"));
        Assert.False(ManagerState.IfupdownUp("lo=lo\n", "enp3s0"));
    }
}
