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
    }

    /// <summary>The started state: the bridge owns the NIC's MAC, addresses and routes, the NIC is its port.</summary>
    public static DesiredState Start(NetState state, BridgeSpec spec)
    {
        CheckStart(state, spec);
        var bridge = FindBridge(state, spec);
        if (spec.Uplink is null)
            return new DesiredState([new LinkTarget(bridge?.Index, spec.Name, true, spec.Mtu, null, null, true,
                bridge?.MovableAddresses.ToList() ?? [], bridge?.MovableRoutes.ToList() ?? [])], []);
        var nic = FindUplink(state, spec)!;
        var addresses = Merge(bridge?.MovableAddresses, nic.MovableAddresses, nodad: true);
        var routes = MergeRoutes(bridge?.MovableRoutes, nic.MovableRoutes);
        var bridgeTarget = new LinkTarget(bridge?.Index, spec.Name, true, spec.Mtu ?? (bridge is null ? nic.Mtu : null), nic.Mac, null, true, addresses, routes);
        var nicTarget = new LinkTarget(nic.Index, spec.Port!, false, spec.Mtu, null, spec.Name, true, [], []);
        return new DesiredState([nicTarget, bridgeTarget], []);
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
        var nic = FindUplink(state, spec);
        if (nic is null)
        {
            if (bridge is null) return DesiredState.Nothing;
            if (bridge.MovableAddresses.Any())
                throw new BridgeException($"bridge {spec.Name}: uplink {spec.Uplink} does not exist; not deleting the bridge and its addresses");
            return new DesiredState([], [spec.Name]);
        }
        if (bridge is null && nic.Name == spec.Uplink && nic.Master is null) return DesiredState.Nothing;
        if (nic.Master is { } master && master != spec.Name)
            throw new BridgeException($"bridge {spec.Name}: {nic.Name} is a port of bridge {master}, not of {spec.Name}");
        var addresses = Merge(nic.MovableAddresses, bridge?.MovableAddresses, nodad: true);
        var routes = MergeRoutes(nic.MovableRoutes, bridge?.MovableRoutes);
        var nicTarget = new LinkTarget(nic.Index, spec.Uplink, false, original?.Mtu, original?.Mac, null, true, addresses, routes);
        return new DesiredState([nicTarget], bridge is null ? [] : [spec.Name]);
    }

    /// <summary>The links a change to this bridge touches (journaled before it is made).</summary>
    public static List<LinkState> Affected(NetState state, BridgeSpec spec)
    {
        var links = new List<LinkState>();
        if (FindUplink(state, spec) is { } nic) links.Add(nic);
        if (FindBridge(state, spec) is { } bridge) links.Add(bridge);
        return links;
    }

    /// <summary>The rollback target: the journaled links exactly as they were; the bridge deleted when it did not exist.</summary>
    public static DesiredState Restore(IReadOnlyList<LinkState> before, string bridgeName)
    {
        var targets = before
            .OrderBy(l => l.IsBridge ? 1 : 0)
            .Select(l => new LinkTarget(l.IsBridge ? null : l.Index, l.Name, l.IsBridge, l.Mtu, l.Mac, l.Master, l.Up,
                l.MovableAddresses.ToList(), l.MovableRoutes.ToList()))
            .ToList();
        var bridgeExisted = before.Any(l => l.IsBridge && l.Name == bridgeName);
        return new DesiredState(targets, bridgeExisted ? [] : [bridgeName]);
    }

    private static List<IpAddress> Merge(IEnumerable<IpAddress>? first, IEnumerable<IpAddress>? second, bool nodad)
    {
        var result = new List<IpAddress>();
        foreach (var a in (first ?? []).Concat(second ?? []))
        {
            if (result.Exists(a.SameAs)) continue;
            result.Add(nodad && a.IsIPv6 ? a with { NoDad = true } : a);
        }
        return result;
    }

    private static List<IpRoute> MergeRoutes(IEnumerable<IpRoute>? first, IEnumerable<IpRoute>? second)
    {
        var result = new List<IpRoute>();
        foreach (var r in (first ?? []).Concat(second ?? []))
        {
            if (!result.Exists(r.SameAs)) result.Add(r);
        }
        return result;
    }
}
