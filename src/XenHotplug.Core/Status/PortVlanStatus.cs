using XenHotplug.Core.Vlan;

namespace XenHotplug.Core.Status;

/// <summary>One guest vif's VLANs on a VLAN-aware bridge, as the kernel has them (each VID with its PVID and untagged flags).</summary>
public sealed record PortVlanStatus(string Port, IReadOnlyList<VlanMember> Vlans)
{
    /// <summary>The vlan= text of the VLANs ("10p/20", "none" for a port without any).</summary>
    public static string Text(IReadOnlyList<VlanMember> vlans) =>
        vlans.Count == 0 ? "none" : VlanSet.Create(vlans, out _)?.ToString() ?? string.Join('/', vlans);
}
