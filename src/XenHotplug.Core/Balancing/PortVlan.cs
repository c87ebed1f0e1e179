namespace XenHotplug.Core.Balancing;

/// <summary>One VLAN of a bridge port (bridge vlan show): its id, whether it is the port's PVID, whether it egresses untagged.</summary>
public sealed record PortVlan(ushort Vid, bool Pvid, bool Untagged)
{
    /// <summary>BRIDGE_VLAN_INFO_PVID and BRIDGE_VLAN_INFO_UNTAGGED, as the kernel's bridge_vlan_info.flags carries them.</summary>
    public const ushort PvidFlag = 2, UntaggedFlag = 4;

    public ushort Flags => (ushort)((Pvid ? PvidFlag : 0) | (Untagged ? UntaggedFlag : 0));

    public static PortVlan FromKernel(ushort flags, ushort vid) => new(vid, (flags & PvidFlag) != 0, (flags & UntaggedFlag) != 0);

    public override string ToString() => Vid + (Pvid ? " pvid" : "") + (Untagged ? " untagged" : "");
}
