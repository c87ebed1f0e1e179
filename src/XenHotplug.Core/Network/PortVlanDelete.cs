namespace XenHotplug.Core.Network;

/// <summary>bridge vlan del dev D vid N: the port stops carrying VLAN N.</summary>
public sealed record PortVlanDelete(string Dev, ushort Vid) : NetOp
{
    public override string Tool => "bridge";
    public override IReadOnlyList<string> IpArgs => ["vlan", "del", "dev", Dev, "vid", Num(Vid)];
    public override string Device => Dev;
}
