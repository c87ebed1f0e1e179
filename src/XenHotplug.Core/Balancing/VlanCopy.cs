namespace XenHotplug.Core.Balancing;

/// <summary>
/// What makes a moved port's VLANs on a vlan_filtering bridge what they were on the old one: the kernel gives the
/// new port the bridge's default (usually VLAN 1, PVID, untagged). Every old VLAN the new port lacks, or has with
/// other flags, is added (first, so the port is never without its VLANs); every VLAN the old port did not have is
/// then deleted.
/// </summary>
public static class VlanCopy
{
    public static VlanCopyPlan For(IReadOnlyList<PortVlan> old, IReadOnlyList<PortVlan> fresh)
    {
        var had = old.GroupBy(v => v.Vid).ToDictionary(g => g.Key, g => g.Last());
        var has = fresh.GroupBy(v => v.Vid).ToDictionary(g => g.Key, g => g.Last());
        // The PVID first: adding it moves the port's PVID off the default before the default VLAN is deleted.
        var add = had.Values.Where(v => !has.TryGetValue(v.Vid, out var now) || now != v)
            .OrderByDescending(v => v.Pvid).ThenBy(v => v.Vid).ToList();
        var delete = has.Values.Where(v => !had.ContainsKey(v.Vid)).OrderBy(v => v.Vid).ToList();
        return new VlanCopyPlan(add, delete);
    }
}
