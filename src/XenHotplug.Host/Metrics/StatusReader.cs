using XenHotplug.Core.Bridges;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Network;
using XenHotplug.Core.Status;
using XenHotplug.Core.Vlan;
using XenHotplug.Host.Balancing;
using XenHotplug.Host.Netlink;
using XenHotplug.Host.Network;
using XenHotplug.Host.RunState;

namespace XenHotplug.Host.Metrics;

/// <summary>The status report of the declared bridges as the host has them now (`status`, its metrics, watch's textfile, `top`).</summary>
public static class StatusReader
{
    public static StatusReport Read(MultibridgeConfig config, IReadOnlyList<BridgeSpec> specs, INetworkRunner runner, ISysfsNet sysfs, Action<string> warn)
    {
        var moved = new UplinkRecords(config.Hotplug.RunDir).Read(warn);
        var rates = BalancerStore.FreshRates(config, warn);
        var state = NetStateReader.Read(runner, specs.SelectMany(s => new[] { s.Name, s.Uplink, s.Port }).OfType<string>(), sysfs.Exists);
        return StatusReport.Build(config, specs, state, sysfs, moved, rates, PortVlans(specs, state, warn));
    }

    /// <summary>The ports' VLANs (one netlink dump) when a declared bridge filters VLANs; null otherwise or when unreadable.</summary>
    private static Dictionary<string, IReadOnlyList<VlanMember>>? PortVlans(IReadOnlyList<BridgeSpec> specs, NetState state, Action<string> warn)
    {
        if (!specs.Any(s => state.ByName(s.Name) is { VlanFiltering: true })) return null;
        try
        {
            using var rtnl = new RtnetlinkSocket();
            return rtnl.AllPortVlans();
        }
        catch (NetlinkException e)
        {
            warn($"the bridge ports' VLANs could not be read: {e.Message}");
            return null;
        }
    }
}
