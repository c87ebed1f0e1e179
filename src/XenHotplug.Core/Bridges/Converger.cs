using XenHotplug.Core.Failures;
using XenHotplug.Core.Network;
using XenHotplug.Core.Vlan;

namespace XenHotplug.Core.Bridges;

/// <summary>
/// Computes the operations that take the current state to a desired one. Pure: state in, operations out.
/// The order keeps dom0 reachable for the shortest time and never asks the kernel for something it refuses:
/// routes off, addresses off (secondaries first), ports released, renames (down first; a bridge whose name is needed
/// is deleted before), bridges created, MTU/MAC, masters, links up, addresses on, routes on (link routes before
/// gateway routes), and last the bridges that must go.
/// Start, stop and rollback are all this one function with different targets.
/// </summary>
public static class Converger
{
    public static List<NetOp> Plan(NetState current, DesiredState desired)
    {
        var resolved = new List<(LinkTarget Target, LinkState? Current)>();
        foreach (var t in desired.Links)
        {
            LinkState? cur;
            if (t.Index is { } index)
            {
                cur = current.ByIndex(index) ?? throw new BridgeException($"interface #{index} ({t.Name}) has disappeared");
            }
            else
            {
                cur = current.ByName(t.Name);
                if (t.VlanOf is { } vlan)
                {
                    if (cur is not null && !cur.IsVlanOf(vlan.Parent, vlan.Vid))
                        throw new BridgeException($"{t.Name} exists and is not VLAN {vlan.Vid} of {vlan.Parent}");
                }
                else if (cur is not null && !cur.IsBridge)
                {
                    cur = null; // e.g. the NIC still named so (legacy naming): renamed below
                }
            }
            resolved.Add((t, cur));
        }
        var matched = new HashSet<int>(resolved.Where(r => r.Current is not null).Select(r => r.Current!.Index));
        var deletes = desired.DeleteBridges
            .Select(current.ByName).OfType<LinkState>()
            .Where(l => l.IsBridge && !matched.Contains(l.Index)).ToList();
        // 802.1Q devices and bonds start created: their routes and addresses go with the bridges' (steps 1-2), they go last.
        var devices = desired.DeleteDevices
            .Select(current.ByName).OfType<LinkState>()
            .Where(l => l.Kind is "vlan" or "bond" && !matched.Contains(l.Index)).ToList();
        bool Renamed((LinkTarget Target, LinkState? Current) r) => r.Current is not null && r.Current.Name != r.Target.Name;
        bool Full((LinkTarget Target, LinkState? Current) r) => r.Current is null || Renamed(r);

        // A bridge to delete goes last (its ports are released first, so dom0 is cut off only between the
        // address/route moves), unless a renamed link needs its name (legacy naming): then it goes before the rename.
        var early = deletes.Where(d => resolved.Exists(r => Renamed(r) && r.Target.Name == d.Name)).ToList();
        var late = deletes.Except(early).ToList();
        var stripped = late.Concat(devices).ToList();

        var ops = new List<NetOp>();
        // 1. Routes off: gateway routes before the link routes they may depend on.
        foreach (var r in resolved.Where(r => r.Current is not null))
        {
            var gone = r.Current!.MovableRoutes.Where(x => Full(r) || !r.Target.Routes.Any(x.SameAs));
            foreach (var route in gone.OrderBy(x => x.Gateway is null ? 1 : 0))
                ops.Add(new RouteChange("delete", r.Current.Name, route.DeleteSpec));
        }
        foreach (var d in stripped)
        {
            foreach (var route in d.MovableRoutes.OrderBy(x => x.Gateway is null ? 1 : 0))
                ops.Add(new RouteChange("delete", d.Name, route.DeleteSpec));
        }
        // 2. Addresses off, in reverse order (an IPv4 primary takes its secondaries with it).
        foreach (var r in resolved.Where(r => r.Current is not null))
        {
            var gone = r.Current!.MovableAddresses.Where(x => Full(r) || !r.Target.Addresses.Any(x.SameAs)).Reverse();
            foreach (var a in gone)
                ops.Add(new AddressDelete(r.Current.Name, a.Cidr));
        }
        foreach (var d in stripped)
        {
            foreach (var a in d.MovableAddresses.Reverse())
                ops.Add(new AddressDelete(d.Name, a.Cidr));
        }
        // 3. Ports released, bridges whose name is needed deleted. A bond closes the slave it releases.
        var closed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in resolved)
        {
            if (r.Current?.Master is { } master && master != r.Target.Master && !early.Exists(d => d.Name == master))
            {
                ops.Add(new LinkSetNoMaster(r.Current.Name));
                if (current.ByName(master) is { IsBond: true }) closed.Add(r.Current.Name);
            }
        }
        foreach (var d in early)
            ops.Add(new LinkDelete(d.Name));
        // 4. Renames (a link must be down to be renamed).
        foreach (var r in resolved.Where(Renamed))
        {
            if (r.Current!.Up) ops.Add(new LinkDown(r.Current.Name));
            ops.Add(new LinkRename(r.Current.Name, r.Target.Name));
        }
        // 5. Bonds, 802.1Q devices and bridges created; existing bridges made VLAN-aware (or not) as declared.
        foreach (var r in resolved.Where(r => r.Current is null && r.Target.BondOf is not null))
        {
            var bond = r.Target.BondOf!;
            ops.Add(new BondCreate(r.Target.Name, bond.ModeName, bond.Miimon, r.Target.Mtu, r.Target.Mac)
            { LacpRate = bond.LacpRate, XmitHashPolicy = bond.XmitHashPolicy, Primary = bond.Primary });
        }
        foreach (var r in resolved.Where(r => r.Current is null && r.Target.VlanOf is not null))
            ops.Add(new VlanCreate(r.Target.Name, r.Target.VlanOf!.Value.Parent, r.Target.VlanOf.Value.Vid, r.Target.Mtu));
        foreach (var r in resolved.Where(r => r.Current is null && r.Target.Bridge))
            ops.Add(new BridgeCreate(r.Target.Name, r.Target.Mtu, r.Target.Mac, r.Target.VlanFiltering ?? false, r.Target.DefaultPvid));
        foreach (var r in resolved.Where(r => r.Current is { IsBridge: true } && r.Target.Bridge))
        {
            var filtering = r.Target.VlanFiltering ?? r.Current!.VlanFiltering;
            var pvidChanged = filtering && r.Target.DefaultPvid is { } p && r.Current!.DefaultPvid != p;
            if (filtering != r.Current!.VlanFiltering || pvidChanged)
                ops.Add(new BridgeSetVlanFiltering(r.Target.Name, filtering, filtering ? r.Target.DefaultPvid : null));
        }
        // 6. MTU and MAC: ports before bridges.
        foreach (var r in resolved.OrderBy(r => r.Target.Bridge ? 1 : 0))
        {
            var t = r.Target;
            if (t.Mtu is { } mtu && r.Current is not null && r.Current.Mtu != mtu)
                ops.Add(new LinkSetMtu(t.Name, mtu));
            var createdWithIt = r.Current is null && (t.Bridge || t.BondOf is not null);
            if (t.Mac is { } mac && !createdWithIt && !string.Equals(r.Current?.Mac, mac, StringComparison.OrdinalIgnoreCase))
                ops.Add(new LinkSetMac(t.Name, mac));
        }
        // 7. Masters. The bonding driver enslaves only a link that is down (and opens it itself).
        foreach (var r in resolved)
        {
            if (r.Target.Master is { } master && r.Current?.Master != master)
            {
                var intoBond = desired.Links.Any(l => l.Name == master && l.BondOf is not null) || current.ByName(master) is { IsBond: true };
                if (intoBond && r.Current is { Up: true } && !Renamed(r) && !closed.Contains(r.Current.Name)) ops.Add(new LinkDown(r.Target.Name));
                ops.Add(new LinkSetMaster(r.Target.Name, master));
            }
        }
        // 7b. The VLANs of ports on VLAN-aware bridges (a port that just joined has its bridge's default PVID).
        foreach (var r in resolved.Where(r => r.Target.PortVlans is not null && r.Target.Master is not null))
        {
            foreach (var (change, _) in PortVlanChanges.Between(r.Target.Name, r.Target.PortVlans!, VlansNow(current, desired, r.Current, r.Target)))
                ops.Add(change);
        }
        // 8. Up/down: ports before bridges.
        foreach (var r in resolved.OrderBy(r => r.Target.Bridge ? 1 : 0))
        {
            var isUp = r.Current is not null && r.Current.Up && !Renamed(r) && !closed.Contains(r.Current.Name);
            if (r.Target.Up && !isUp) ops.Add(new LinkUp(r.Target.Name));
            else if (!r.Target.Up && isUp) ops.Add(new LinkDown(r.Target.Name));
        }
        // 9. Addresses on, in order (primaries first).
        foreach (var r in resolved)
        {
            foreach (var a in r.Target.Addresses.Where(x => Full(r) || !r.Current!.MovableAddresses.Any(x.SameAs)))
                ops.Add(new AddressAdd(r.Target.Name, a.Cidr, a.AddExtra(r.Target.Name)));
        }
        // 10. Routes on: link routes before the gateway routes that need them.
        foreach (var r in resolved)
        {
            var added = r.Target.Routes.Where(x => Full(r) || !r.Current!.MovableRoutes.Any(x.SameAs));
            foreach (var route in added.OrderBy(x => x.Gateway is null ? 0 : 1))
                ops.Add(new RouteChange("add", r.Target.Name, route.AddSpec));
        }
        // 11. The remaining unwanted bridges, now empty, then the 802.1Q devices and bonds that must go.
        foreach (var d in late.Concat(devices))
            ops.Add(new LinkDelete(d.Name));
        return ops;
    }

    /// <summary>
    /// The VLANs a port has once the steps before 7b ran: what it has when it stays on its bridge (with a PVID that was
    /// the bridge's old default following a new default, as the kernel does), else the default PVID of the bridge it joins.
    /// </summary>
    private static IEnumerable<VlanMember> VlansNow(NetState current, DesiredState desired, LinkState? port, LinkTarget target)
    {
        var bridgeNow = current.ByName(target.Master!);
        var bridgeTarget = desired.Links.FirstOrDefault(l => l.Bridge && l.Name == target.Master);
        var oldDefault = bridgeNow?.DefaultPvid ?? 1;
        var newDefault = (int?)bridgeTarget?.DefaultPvid ?? oldDefault;
        if (port is null || port.Master != target.Master || port.PortVlans is null || bridgeNow is null) return PortVlanChanges.OnJoining(newDefault);
        if (newDefault == oldDefault) return port.PortVlans;
        var had = port.PortVlans.ToList();
        if (had.Find(v => v.Pvid) is not { } pvid || pvid.Vid != oldDefault) return had;
        had.Remove(pvid);
        return [.. had, .. PortVlanChanges.OnJoining(newDefault)];
    }
}
