using XenHotplug.Core.Vlan;

namespace XenHotplug.Core.Network;

/// <summary>
/// The bridge vlan changes that take a port from the VLANs it has to the ones it must have, each with its exact undo:
/// the PVID first, so the port never lacks one it should have, then the other VLANs added or re-flagged, and last the
/// VLANs it must no longer carry. Used for a guest's port (vif-multibridge) and a VLAN-aware bridge's uplink (start).
/// </summary>
public static class PortVlanChanges
{
    public static List<(NetOp Do, NetOp Undo)> Between(string device, IEnumerable<VlanMember> desired, IEnumerable<VlanMember> current)
    {
        var had = current.GroupBy(v => v.Vid).ToDictionary(g => g.Key, g => g.Last());
        var wanted = desired.ToList();
        var changes = new List<(NetOp, NetOp)>();
        foreach (var v in wanted.OrderByDescending(m => m.Pvid).ThenBy(m => m.Vid))
        {
            if (had.TryGetValue(v.Vid, out var before) && before == v) continue;
            changes.Add((new PortVlanAdd(device, v), before is null ? new PortVlanDelete(device, v.Vid) : new PortVlanAdd(device, before)));
        }
        foreach (var old in had.Values.Where(o => !wanted.Exists(w => w.Vid == o.Vid)).OrderBy(o => o.Vid))
            changes.Add((new PortVlanDelete(device, old.Vid), new PortVlanAdd(device, old)));
        return changes;
    }

    /// <summary>The VLANs the kernel gives a port when it joins a bridge: its default PVID, untagged (none for 0).</summary>
    public static IReadOnlyList<VlanMember> OnJoining(int defaultPvid) =>
        defaultPvid is >= VlanMember.MinVid and <= VlanMember.MaxVid ? [new VlanMember((ushort)defaultPvid, true, true)] : [];
}
