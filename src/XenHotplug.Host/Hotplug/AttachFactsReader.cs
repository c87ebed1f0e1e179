using XenHotplug.Core.Configuration;
using XenHotplug.Core.Placement;
using XenHotplug.Core.Plan;
using XenHotplug.Core.Request;
using XenHotplug.Host.Balancing;
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
        return new AttachFacts(settings, sysfs, current, target, identity, new PlacementFacts(sysfs.Master(current), cursors, rates), uplinks);
    }
}
