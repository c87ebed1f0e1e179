using XenHotplug.Core.Distro;
using XenHotplug.Core.Naming;
using XenHotplug.Core.Network;

namespace XenHotplug.Host.Distro;

/// <summary>
/// `network-multibridge suggest`: the physical NICs (a `device` link in /sys/class/net, not a bridge, not a bond's slave)
/// and the existing bonds that have a carrier, in name order, with their addressing (read from their bridge when they are already a port of one), each
/// followed by its 802.1Q devices (by VLAN id).
/// </summary>
public sealed class SuggestService(ISysfsNet sysfs, IUplinkProbe probe, string sysClassNet = "/sys/class/net")
{
    public IReadOnlyList<SuggestedNic> Find(NetState state)
    {
        var found = new List<SuggestedNic>();
        foreach (var link in state.Links.OrderBy(l => l.Name, StringComparer.Ordinal))
        {
            // A bond (the distribution's) is an uplink as a NIC is; its slaves are not.
            if (link.IsBridge || !InterfaceName.IsValid(link.Name) || (!link.IsBond && !Directory.Exists(Path.Combine(sysClassNet, link.Name, "device")))) continue;
            if (link.Master is { } master && state.ByName(master) is { IsBond: true }) continue;
            if (!sysfs.HasCarrier(link.Name)) continue;
            // The NIC's existing 802.1Q devices (made by the distribution, perhaps holding dom0's address): bridges on them.
            var vlans = state.Links.Where(l => l.Kind == "vlan" && l.VlanParent == link.Name && l.VlanId is not null && InterfaceName.IsValid(l.Name))
                .OrderBy(l => l.VlanId).ThenBy(l => l.Name, StringComparer.Ordinal).ToList();
            found.Add(Describe(state, link, sysfs.SpeedMbps(link.Name)) with
            {
                Vlans = [.. vlans.Select(v => v.Name)],
                BondMode = link.IsBond ? link.BondMode ?? "mode unknown" : null,
                BondSlaves = link.IsBond ? [.. state.Links.Where(l => l.Master == link.Name).Select(l => l.Name).Order(StringComparer.Ordinal)] : [],
            });
            foreach (var vlan in vlans)
                found.Add(Describe(state, vlan, sysfs.SpeedMbps(link.Name)) with { VlanParent = link.Name, VlanId = vlan.VlanId });
        }
        return found;
    }

    private SuggestedNic Describe(NetState state, LinkState link, int? speed)
    {
        var bridge = link.Master is { } master ? state.ByName(master) : null;
        var carrier = bridge is { IsBridge: true } ? bridge : link;
        var refusal = UplinkGuard.Cause(link, probe.Probe(link)) ?? (bridge is { IsBridge: true } ? UplinkGuard.Cause(bridge, UplinkFacts.None) : null);
        return new SuggestedNic(link.Name, bridge is { IsBridge: true } ? bridge.Name : null, link.Mac, speed,
            carrier.MovableAddresses.Select(a => a.Cidr).ToList(),
            carrier.MovableRoutes.FirstOrDefault(r => r.Dst == "default" && !r.IsIPv6)?.Gateway, refusal);
    }
}
