using XenHotplug.Core.Distro;
using XenHotplug.Core.Naming;
using XenHotplug.Core.Network;

namespace XenHotplug.Host.Distro;

/// <summary>
/// `network-multibridge suggest`: the physical NICs (a `device` link in /sys/class/net, not a bridge) that have a
/// carrier, in name order, with their addressing (read from their bridge when they are already a port of one).
/// </summary>
public sealed class SuggestService(ISysfsNet sysfs, IUplinkProbe probe, string sysClassNet = "/sys/class/net")
{
    public IReadOnlyList<SuggestedNic> Find(NetState state)
    {
        var found = new List<SuggestedNic>();
        foreach (var link in state.Links.OrderBy(l => l.Name, StringComparer.Ordinal))
        {
            if (link.IsBridge || !InterfaceName.IsValid(link.Name) || !Directory.Exists(Path.Combine(sysClassNet, link.Name, "device"))) continue;
            if (!sysfs.HasCarrier(link.Name)) continue;
            var bridge = link.Master is { } master ? state.ByName(master) : null;
            var carrier = bridge is { IsBridge: true } ? bridge : link;
            var refusal = UplinkGuard.Cause(link, probe.Probe(link)) ?? (bridge is { IsBridge: true } ? UplinkGuard.Cause(bridge, UplinkFacts.None) : null);
            found.Add(new SuggestedNic(link.Name, bridge is { IsBridge: true } ? bridge.Name : null, link.Mac, sysfs.SpeedMbps(link.Name),
                carrier.MovableAddresses.Select(a => a.Cidr).ToList(),
                carrier.MovableRoutes.FirstOrDefault(r => r.Dst == "default" && !r.IsIPv6)?.Gateway, refusal));
        }
        return found;
    }
}
