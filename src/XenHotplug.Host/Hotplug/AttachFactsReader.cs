using XenHotplug.Core.Configuration;
using XenHotplug.Core.Placement;
using XenHotplug.Core.Plan;
using XenHotplug.Core.Request;
using XenHotplug.Host.Balancing;
using XenHotplug.Host.Netlink;
using XenHotplug.Host.RunState;

namespace XenHotplug.Host.Hotplug;

/// <summary>
/// Reads what an attach is planned from, once: names, the identity guard's facts, the bridge the device is on, the
/// cursors of the round-robin pools and the last traffic measurement (only when a pool uses them), and the
/// addresses of the uplinks of declared bridges that do not exist yet (usually none: no netlink round trip).
/// State files that could not be read are added to <paramref name="stateProblems"/> (said once the attach succeeded).
/// </summary>
public static class AttachFactsReader
{
    public static AttachFacts Read(MultibridgeConfig config, HotplugRequest request, VifSettings settings, Core.Network.ISysfsNet sysfs, RunDirectory runDir, Func<string, bool> holdsAddresses, List<string> stateProblems)
    {
        var (current, target) = VifPlanner.Names(request, settings, sysfs);
        var identity = sysfs.Exists(current) ? DeviceIdentity.Read(sysfs, current, current == request.Device ? _ => false : holdsAddresses) : null;
        var cursors = config.Pools.Values.Where(p => p.Strategy == PoolStrategy.RoundRobin)
            .ToDictionary(p => p.Name, p => runDir.ReadCursor(p.Name, stateProblems.Add), StringComparer.Ordinal);
        var rates = config.Pools.Values.Any(p => p.Strategy == PoolStrategy.LeastTraffic) ? BalancerStore.FreshRates(config, stateProblems.Add) : null;
        var uplinks = AttachPlanner.UplinksOfMissingBridges(config, sysfs).Where(holdsAddresses).ToHashSet(StringComparer.Ordinal);
        var master = sysfs.Master(current);
        var asksForVlans = AsksForVlans(settings);
        var placement = new PlacementFacts(master, cursors, rates) { UplinkVids = asksForVlans && config.Pools.Count > 0 ? UplinkVids(config, sysfs) : null };
        return new AttachFacts(settings, sysfs, current, target, identity, placement, uplinks)
        {
            PortVlans = master is not null && asksForVlans && sysfs.FiltersVlans(master) ? PortVlans(current) : null,
        };
    }

    /// <summary>vlan=, or a bridge name that may be BR.TAG:TRUNKS (the planner decides which).</summary>
    private static bool AsksForVlans(VifSettings settings) => settings.Vlan is not null || settings.Bridge?.AsSpan().IndexOfAny('.', ':') >= 0;

    /// <summary>The VLAN ids the uplink ports (the ports that are no guest's) of each VLAN-filtering pool bridge carry.</summary>
    private static Dictionary<string, IReadOnlySet<ushort>> UplinkVids(MultibridgeConfig config, Core.Network.ISysfsNet sysfs)
    {
        var carried = new Dictionary<string, IReadOnlySet<ushort>>(StringComparer.Ordinal);
        var bridges = config.Pools.Values.SelectMany(p => p.Bridges).Select(config.BridgeInterface).Distinct(StringComparer.Ordinal).Where(sysfs.FiltersVlans).ToList();
        if (bridges.Count == 0) return carried;
        using var rtnl = new RtnetlinkSocket();
        foreach (var bridge in bridges)
        {
            var vids = new HashSet<ushort>();
            foreach (var port in sysfs.BridgePorts(bridge).Where(p => !Core.Network.GuestPorts.IsGuestPort(sysfs, p)))
                vids.UnionWith(rtnl.PortVlans(rtnl.IndexOf(port)).Select(v => v.Vid));
            carried[bridge] = vids;
        }
        return carried;
    }

    /// <summary>A port's VLANs (a second online of a NIC with VLANs: one netlink dump).</summary>
    private static List<Core.Vlan.VlanMember> PortVlans(string device)
    {
        using var rtnl = new RtnetlinkSocket();
        return rtnl.PortVlanMembers(device);
    }
}
