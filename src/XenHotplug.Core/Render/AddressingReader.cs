using XenHotplug.Core.Bridges;
using XenHotplug.Core.Distro;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Network;

namespace XenHotplug.Core.Render;

/// <summary>
/// Reads what a declared bridge must carry from the host as it is now: from the bridge when network-multibridge
/// already started it (the addresses are there), else from the uplink NIC. IPv4 is DHCP when the uplink's
/// addressing is dynamic (a lease, a `proto dhcp` route, a DHCP client): the distribution's DHCP client then runs
/// on the bridge, which carries the NIC's MAC, so the lease stays the same. A VLAN bridge reads its 802.1Q device.
/// </summary>
public static class AddressingReader
{
    public static BridgeAddressing Read(NetState state, BridgeSpec spec, UplinkFacts facts)
    {
        if (spec.Vlan is not null) return ReadVlan(state, spec, facts);
        if (spec.Port != spec.Uplink)
            throw new BridgeException($"bridge {spec.Name}: render needs [network] naming = xenbr (with legacy naming the bridge takes the NIC's name {spec.Uplink})");
        var bridge = BridgePlanner.FindBridge(state, spec);
        var nic = spec.Uplink is null ? null : state.ByName(spec.Uplink);
        if (spec.Uplink is not null && nic is null)
            throw new BridgeException($"bridge {spec.Name}: uplink {spec.Uplink} does not exist (render reads its MAC and addressing)");
        return Read(spec, bridge, nic, facts) with
        {
            VlanFiltering = spec.VlanFiltering,
            DefaultPvid = spec.DefaultPvid,
            UplinkVlans = spec.UplinkVlans ?? [],
        };
    }

    /// <summary>
    /// A VLAN bridge: its port is the 802.1Q device, whose addressing (when it exists and holds dom0's) the bridge takes
    /// over; a device still to be created has none, and the parent keeps its own. The MAC is the device's, which the
    /// kernel gives a new one from its parent.
    /// </summary>
    private static BridgeAddressing ReadVlan(NetState state, BridgeSpec spec, UplinkFacts facts)
    {
        var parent = state.ByName(spec.Uplink!);
        if (parent is null)
            throw new BridgeException($"bridge {spec.Name}: {spec.Uplink}, the parent of VLAN {spec.Vlan}, does not exist (render reads its MAC)");
        var device = BridgePlanner.FindUplink(state, spec);
        if (device is null && state.ByName(spec.Port!) is not null)
            throw new BridgeException($"bridge {spec.Name}: {spec.Port} exists but is not VLAN {spec.Vlan} of {spec.Uplink}");
        var read = Read(spec, BridgePlanner.FindBridge(state, spec), device, device is null ? UplinkFacts.None : facts);
        return read with
        {
            Uplink = spec.Port,
            Mac = read.Mac ?? parent.Mac,
            Mtu = read.Mtu ?? parent.Mtu,
            VlanParent = spec.Uplink,
            VlanId = spec.Vlan,
        };
    }

    /// <summary>
    /// A VLAN parent's own addressing (for systemd-networkd, whose one .network for the parent must carry both its
    /// VLAN= lines and what it has now): <see cref="BridgeAddressing.Bridge"/> and <see cref="BridgeAddressing.Uplink"/> name the parent.
    /// </summary>
    public static BridgeAddressing ReadParent(NetState state, string parent, UplinkFacts facts)
    {
        var link = state.ByName(parent)
            ?? throw new BridgeException($"VLAN parent {parent} does not exist (render reads its addressing)");
        var read = Read(new BridgeSpec(parent, parent, parent, parent, null), null, link, facts);
        return read with { Mtu = null, Note = $"{parent}, the parent of VLAN bridges: its own addressing ({read.Note})" };
    }

    private static BridgeAddressing Read(BridgeSpec spec, LinkState? bridge, LinkState? nic, UplinkFacts facts)
    {
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
        if (source is null && spec.Vlan is not null) from = $"nothing to read: {spec.Port} does not exist yet (VLAN {spec.Vlan} of {spec.Uplink}, created with the bridge)";
        return new BridgeAddressing(spec.Name, spec.Uplink, nic?.Mac, spec.Mtu ?? (spec.Uplink is null ? null : nic?.Mtu), dhcp, v4, v6, rendered, from);
    }
}
