using XenHotplug.Core.Failures;
using XenHotplug.Core.Naming;
using XenHotplug.Core.Network;

namespace XenHotplug.Core.Bridges;

/// <summary>
/// The desired states of start, stop and rollback, computed from the current state (pure functions), and
/// the checks that refuse bad input before anything is changed.
/// </summary>
public static class BridgePlanner
{
    /// <summary>Where the uplink NIC is now: enslaved to the bridge (started) or on its own (stopped).</summary>
    public static LinkState? FindUplink(NetState state, BridgeSpec spec)
    {
        if (spec.Uplink is null || spec.Port is null) return null;
        if (spec.Vlan is { } vid) return state.ByName(spec.Port) is { } dev && dev.IsVlanOf(spec.Uplink, vid) ? dev : null;
        var port = state.ByName(spec.Port);
        if (port is not null && !port.IsBridge && (port.Master == spec.Name || spec.Port != spec.Uplink)) return port;
        var nic = state.ByName(spec.Uplink);
        return nic is not null && !nic.IsBridge ? nic : null;
    }

    /// <summary>The bridge, when it exists as a bridge.</summary>
    public static LinkState? FindBridge(NetState state, BridgeSpec spec) =>
        state.ByName(spec.Name) is { IsBridge: true } b ? b : null;

    /// <summary>Refuses a bridge or uplink name that is dom0's loopback or a guest's vif (by libxl's name or our mark), for start and stop alike.</summary>
    public static void CheckNames(NetState state, BridgeSpec spec)
    {
        // Never dom0's loopback or a guest's NIC, whatever the INI says.
        foreach (var (what, name) in new[] { ("bridge", spec.Name), ("uplink", spec.Uplink), ("uplink", spec.Port) })
        {
            if (name is null) continue;
            if (name == "lo")
                throw new BridgeException($"bridge {spec.Declared}: {what} {name} is dom0's loopback; refusing to touch it");
            if (VifNames.IsGuestDevice(name) || (state.ByName(name) is { } link && IsMarkedGuest(state, link)))
                throw new BridgeException($"bridge {spec.Declared}: {what} {name} is a guest's vif; refusing to touch it");
        }
    }

    /// <summary>Refuses what start cannot do: missing uplink, uplink that is a bridge or another bridge's port, name collisions.</summary>
    public static void CheckStart(NetState state, BridgeSpec spec)
    {
        CheckNames(state, spec);
        var existing = state.ByName(spec.Name);
        if (spec.Vlan is not null)
        {
            CheckVlanStart(state, spec, existing);
            return;
        }
        if (spec.Uplink is null)
        {
            if (existing is not null && !existing.IsBridge)
                throw new BridgeException($"bridge {spec.Name}: the name is already used by an interface that is not a bridge");
            return;
        }
        var nic = FindUplink(state, spec);
        if (nic is null)
        {
            var named = state.ByName(spec.Uplink);
            if (named is { IsBridge: true } && spec.Name != spec.Uplink)
                throw new BridgeException($"bridge {spec.Name}: uplink {spec.Uplink} is itself a bridge");
            if (named is { IsBridge: true })
                throw new BridgeException($"bridge {spec.Name}: {spec.Uplink} is already a bridge but {spec.Port} (the renamed NIC) is not its port");
            throw new BridgeException($"bridge {spec.Name}: uplink {spec.Uplink} does not exist");
        }
        if (nic.Master is { } master && master != spec.Name)
            throw new BridgeException($"bridge {spec.Name}: uplink {nic.Name} is already a port of bridge {master}");
        if (existing is not null && !existing.IsBridge && existing.Index != nic.Index)
            throw new BridgeException($"bridge {spec.Name}: the name is already used by {spec.Name}, which is not a bridge");
        if (spec.Port != spec.Uplink && state.ByName(spec.Port!) is { } p && p.Index != nic.Index)
            throw new BridgeException($"bridge {spec.Name}: cannot rename {spec.Uplink} to {spec.Port}: that name is taken");
        if (spec.VlanFiltering && spec.Pvid is null && (nic.MovableAddresses.Any() || existing?.MovableAddresses.Any() == true))
        {
            throw new BridgeException(
                $"bridge {spec.Name}: dom0's addresses on {(nic.MovableAddresses.Any() ? nic.Name : spec.Name)} would be cut off: a VLAN-aware bridge without 'pvid' carries no untagged traffic; set pvid = the native VLAN");
        }
    }

    /// <summary>A VLAN bridge: its parent exists, is not a bridge or another's port, and the 802.1Q device's name is free or is that VLAN.</summary>
    private static void CheckVlanStart(NetState state, BridgeSpec spec, LinkState? existing)
    {
        var vid = spec.Vlan!.Value;
        if (existing is not null && !existing.IsBridge)
            throw new BridgeException($"bridge {spec.Name}: the name is already used by {spec.Name}, which is not a bridge");
        var parent = state.ByName(spec.Uplink!)
            ?? throw new BridgeException($"bridge {spec.Name}: uplink {spec.Uplink} (the parent of VLAN {vid}) does not exist");
        if (parent.IsBridge)
            throw new BridgeException($"bridge {spec.Name}: uplink {spec.Uplink} is a bridge; a VLAN of a bridge is not an uplink (make {spec.Uplink} VLAN-aware instead)");
        if (parent.Master is { } parentMaster)
            throw new BridgeException($"bridge {spec.Name}: uplink {spec.Uplink} is a port of {parentMaster}; carry the VLAN on {parentMaster} instead");
        if (state.ByName(spec.Port!) is { } dev)
        {
            if (!dev.IsVlanOf(spec.Uplink!, vid))
                throw new BridgeException($"bridge {spec.Name}: {spec.Port} exists and is not VLAN {vid} of {spec.Uplink}; name the VLAN device with uplink_name");
            if (dev.Master is { } master && master != spec.Name)
                throw new BridgeException($"bridge {spec.Name}: uplink {spec.Port} is already a port of bridge {master}");
        }
        else if (state.Links.FirstOrDefault(l => l.IsVlanOf(spec.Uplink!, vid)) is { } other)
        {
            throw new BridgeException($"bridge {spec.Name}: VLAN {vid} of {spec.Uplink} already exists as {other.Name}; set uplink_name = {other.Name}");
        }
    }

    /// <summary>The started state: the bridge owns the NIC's MAC, addresses and routes, the NIC is its port.</summary>
    public static DesiredState Start(NetState state, BridgeSpec spec)
    {
        CheckStart(state, spec);
        var bridge = FindBridge(state, spec);
        if (spec.Uplink is null)
        {
            return new DesiredState([new LinkTarget(bridge?.Index, spec.Name, true, spec.Mtu, null, null, true,
                bridge?.MovableAddresses.ToList() ?? [], bridge?.MovableRoutes.ToList() ?? [])
            { VlanFiltering = spec.VlanFiltering ? true : null, DefaultPvid = spec.DefaultPvid }], []);
        }
        if (spec.Vlan is { } vid) return StartVlan(state, spec, bridge, vid);
        var nic = FindUplink(state, spec)!;
        var addresses = Merge(bridge?.MovableAddresses, nic.MovableAddresses, nodad: true);
        var routes = MergeRoutes(bridge?.MovableRoutes, nic.MovableRoutes);
        var bridgeTarget = new LinkTarget(bridge?.Index, spec.Name, true, spec.Mtu ?? (bridge is null ? nic.Mtu : null), nic.Mac, null, true, addresses, routes)
        { VlanFiltering = spec.VlanFiltering ? true : null, DefaultPvid = spec.DefaultPvid };
        var nicTarget = new LinkTarget(nic.Index, spec.Port!, false, spec.Mtu, null, spec.Name, true, [], []) { PortVlans = spec.UplinkVlans };
        return new DesiredState([nicTarget, bridgeTarget], []);
    }

    /// <summary>
    /// A VLAN bridge started: its parent up (its addresses untouched), the 802.1Q device created when missing and
    /// enslaved, the bridge owning the device's MAC (the parent's), addresses and routes.
    /// </summary>
    private static DesiredState StartVlan(NetState state, BridgeSpec spec, LinkState? bridge, ushort vid)
    {
        var parent = state.ByName(spec.Uplink!)!;
        var dev = FindUplink(state, spec);
        var addresses = Merge(bridge?.MovableAddresses, dev?.MovableAddresses, nodad: true);
        var routes = MergeRoutes(bridge?.MovableRoutes, dev?.MovableRoutes);
        var parentTarget = new LinkTarget(parent.Index, parent.Name, false, null, null, null, true,
            parent.MovableAddresses.ToList(), parent.MovableRoutes.ToList());
        var devTarget = new LinkTarget(dev?.Index, spec.Port!, false, spec.Mtu, null, spec.Name, true, [], []) { VlanOf = (parent.Name, vid) };
        var bridgeTarget = new LinkTarget(bridge?.Index, spec.Name, true, spec.Mtu ?? (bridge is null ? dev?.Mtu ?? parent.Mtu : null),
            dev?.Mac ?? parent.Mac, null, true, addresses, routes);
        return new DesiredState([parentTarget, devTarget, bridgeTarget], []);
    }

    /// <summary>A link carrying vif-multibridge's mark (a renamed guest vif); the network state has no aliases, so this is the name check's companion.</summary>
    private static bool IsMarkedGuest(NetState state, LinkState link) => state.GuestMarks.Contains(link.Name);

    /// <summary>Ports that keep a bridge from being stopped: guests, marked devices, and anything named vif*/tap* (needs sysfs).</summary>
    public static List<string> Guests(ISysfsNet sysfs, BridgeSpec spec) => GuestPorts.Attached(sysfs, spec.Name, spec.Port);

    /// <summary>The stopped state: addresses and routes back on the NIC under its own name, the bridge gone.</summary>
    public static DesiredState Stop(NetState state, BridgeSpec spec, UplinkRecord? original = null)
    {
        CheckNames(state, spec);
        var bridge = FindBridge(state, spec);
        if (spec.Uplink is null)
            return bridge is null ? DesiredState.Nothing : new DesiredState([], [spec.Name]);
        if (spec.Vlan is not null) return StopVlan(state, spec, bridge, original);
        var nic = FindUplink(state, spec);
        if (nic is null) return bridge is null ? DesiredState.Nothing : StopWithoutUplink(spec, bridge);
        if (bridge is null && nic.Name == spec.Uplink && nic.Master is null) return DesiredState.Nothing;
        if (nic.Master is { } master && master != spec.Name)
            throw new BridgeException($"bridge {spec.Name}: {nic.Name} is a port of bridge {master}, not of {spec.Name}");
        var addresses = Merge(nic.MovableAddresses, bridge?.MovableAddresses, nodad: true);
        var routes = MergeRoutes(nic.MovableRoutes, bridge?.MovableRoutes);
        var nicTarget = new LinkTarget(nic.Index, spec.Uplink, false, original?.Mtu, original?.Mac, null, true, addresses, routes);
        return new DesiredState([nicTarget], bridge is null ? [] : [spec.Name]);
    }

    /// <summary>
    /// A VLAN bridge stopped: the bridge gone; the 802.1Q device deleted when start created it and nothing lives on it,
    /// else left as a plain VLAN device holding the bridge's addresses and routes (dom0 stays reachable on the VLAN).
    /// </summary>
    private static DesiredState StopVlan(NetState state, BridgeSpec spec, LinkState? bridge, UplinkRecord? original)
    {
        var dev = FindUplink(state, spec);
        if (dev is null) return bridge is null ? DesiredState.Nothing : StopWithoutUplink(spec, bridge);
        if (dev.Master is { } master && master != spec.Name)
            throw new BridgeException($"bridge {spec.Name}: {dev.Name} is a port of bridge {master}, not of {spec.Name}");
        var addresses = Merge(dev.MovableAddresses, bridge?.MovableAddresses, nodad: true);
        var routes = MergeRoutes(dev.MovableRoutes, bridge?.MovableRoutes);
        var deleteBridge = bridge is null ? Array.Empty<string>() : [spec.Name];
        if (original?.CreatedPort == true && addresses.Count == 0 && routes.Count == 0)
            return new DesiredState([], deleteBridge) { DeleteDevices = [dev.Name] };
        if (bridge is null && dev.Master is null) return DesiredState.Nothing;
        return new DesiredState([new LinkTarget(dev.Index, dev.Name, false, original?.Mtu, null, null, true, addresses, routes)], deleteBridge);
    }

    private static DesiredState StopWithoutUplink(BridgeSpec spec, LinkState bridge)
    {
        if (bridge.MovableAddresses.Any())
            throw new BridgeException($"bridge {spec.Name}: uplink {(spec.Vlan is null ? spec.Uplink : spec.Port)} does not exist; not deleting the bridge and its addresses");
        return new DesiredState([], [spec.Name]);
    }

    /// <summary>The links a change to this bridge touches (journaled before it is made).</summary>
    public static List<LinkState> Affected(NetState state, BridgeSpec spec)
    {
        var links = new List<LinkState>();
        if (spec.Vlan is not null && spec.Uplink is not null && state.ByName(spec.Uplink) is { IsBridge: false } parent) links.Add(parent);
        if (FindUplink(state, spec) is { } nic) links.Add(nic);
        if (FindBridge(state, spec) is { } bridge) links.Add(bridge);
        return links;
    }

    /// <summary>
    /// The rollback target: the journaled links exactly as they were (a bridge's VLAN filtering and a port's VLANs
    /// too); the bridge deleted when it did not exist, and so is a device the run created (an 802.1Q device, a bond).
    /// </summary>
    public static DesiredState Restore(IReadOnlyList<LinkState> before, string bridgeName, string? createdDevice = null)
    {
        var targets = before
            .OrderBy(l => l.IsBridge ? 1 : 0)
            .Select(l => new LinkTarget(l.IsBridge ? null : l.Index, l.Name, l.IsBridge, l.Mtu, l.Mac, l.Master, l.Up,
                l.MovableAddresses.ToList(), l.MovableRoutes.ToList())
            {
                VlanFiltering = l.IsBridge ? l.VlanFiltering : null,
                DefaultPvid = l.IsBridge && l.VlanFiltering && l.DefaultPvid is { } d ? (ushort)d : null,
                PortVlans = l.Master is not null ? l.PortVlans : null,
            })
            .ToList();
        var bridgeExisted = before.Any(l => l.IsBridge && l.Name == bridgeName);
        var created = createdDevice is not null && !before.Any(l => l.Name == createdDevice) ? new[] { createdDevice } : [];
        return new DesiredState(targets, bridgeExisted ? [] : [bridgeName]) { DeleteDevices = created };
    }

    /// <summary>Addresses of both, once each; IPv6 ones marked nodad when <paramref name="nodad"/> (they move, they are not new).</summary>
    internal static List<IpAddress> Merge(IEnumerable<IpAddress>? first, IEnumerable<IpAddress>? second, bool nodad)
    {
        var result = new List<IpAddress>();
        foreach (var a in (first ?? []).Concat(second ?? []))
        {
            if (result.Exists(a.SameAs)) continue;
            result.Add(nodad && a.IsIPv6 ? a with { NoDad = true } : a);
        }
        return result;
    }

    internal static List<IpRoute> MergeRoutes(IEnumerable<IpRoute>? first, IEnumerable<IpRoute>? second)
    {
        var result = new List<IpRoute>();
        foreach (var r in (first ?? []).Concat(second ?? []))
        {
            if (!result.Exists(r.SameAs)) result.Add(r);
        }
        return result;
    }
}
