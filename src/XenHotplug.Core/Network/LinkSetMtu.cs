namespace XenHotplug.Core.Network;

/// <summary>ip link set dev D mtu N.</summary>
public sealed record LinkSetMtu(string Dev, int Mtu) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["link", "set", "dev", Dev, "mtu", Num(Mtu)];
    public override string Device => Dev;
}
