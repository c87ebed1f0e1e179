using XenHotplug.Core.Bridges;
using XenHotplug.Core.Distro;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Network;

namespace XenHotplug.Core.Render;

/// <summary>
/// Reads what a declared bridge must carry from the host as it is now: from the bridge when network-multibridge
/// already started it (the addresses are there), else from the uplink NIC. IPv4 is DHCP when the uplink's
/// addressing is dynamic (a lease, a `proto dhcp` route, a DHCP client): the distribution's DHCP client then runs
/// on the bridge, which carries the NIC's MAC, so the lease stays the same.
/// </summary>
public static class AddressingReader
{
    public static BridgeAddressing Read(NetState state, BridgeSpec spec, UplinkFacts facts)
    {
        if (spec.Port != spec.Uplink)
            throw new BridgeException($"bridge {spec.Name}: render needs [network] naming = xenbr (with legacy naming the bridge takes the NIC's name {spec.Uplink})");
        var bridge = BridgePlanner.FindBridge(state, spec);
        var nic = spec.Uplink is null ? null : state.ByName(spec.Uplink);
        if (spec.Uplink is not null && nic is null)
            throw new BridgeException($"bridge {spec.Name}: uplink {spec.Uplink} does not exist (render reads its MAC and addressing)");
        var source = bridge is not null && bridge.MovableAddresses.Any() ? bridge : nic ?? bridge;
        var addresses = source?.MovableAddresses.ToList() ?? [];
        var routes = source?.MovableRoutes.ToList() ?? [];
        var dhcp = nic is not null && (facts.DhcpClients.Count > 0
            || nic.Addresses.Any(a => !a.IsIPv6 && a.IsMovable && a.HasFiniteLifetime)
            || nic.Routes.Any(r => !r.IsIPv6 && r.Protocol == "dhcp")
            || (bridge is not null && (bridge.Addresses.Any(a => !a.IsIPv6 && a.IsMovable && a.HasFiniteLifetime)
                || bridge.Routes.Any(r => !r.IsIPv6 && r.Protocol == "dhcp"))));
        var v4 = dhcp ? [] : addresses.Where(a => !a.IsIPv6).Select(a => a.Cidr).ToList();
        var v6 = addresses.Where(a => a.IsIPv6).Select(a => a.Cidr).ToList();
        var rendered = routes
            .Where(r => !(dhcp && !r.IsIPv6)) // DHCP brings the IPv4 routes back
            .Select(r => new RenderedRoute(r.IsIPv6, r.Dst, r.Gateway, r.Metric))
            .ToList();
        var from = source is null ? "nothing to read: a new host-only bridge"
            : (dhcp ? $"IPv4 by DHCP, read from {source.Name}" : $"static addressing read from {source.Name}");
        return new BridgeAddressing(spec.Name, spec.Uplink, nic?.Mac, spec.Mtu ?? (spec.Uplink is null ? null : nic?.Mtu), dhcp, v4, v6, rendered, from);
    }
}
