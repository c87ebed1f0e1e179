using XenHotplug.Core.Vlan;

namespace XenHotplug.Core.Network;

/// <summary>
/// bridge vlan add dev D vid N [pvid] [untagged]: one VLAN of a port of a vlan_filtering bridge (for a VLAN the port
/// already has, its flags become these: without pvid it stops being the PVID, without untagged it egresses tagged).
/// </summary>
public sealed record PortVlanAdd(string Dev, VlanMember Vlan) : NetOp
{
    public override string Tool => "bridge";
    public override IReadOnlyList<string> IpArgs =>
        ["vlan", "add", "dev", Dev, "vid", Num(Vlan.Vid), .. Vlan.Pvid ? ["pvid"] : Array.Empty<string>(), .. Vlan.Untagged ? ["untagged"] : Array.Empty<string>()];
    public override string Device => Dev;
}
