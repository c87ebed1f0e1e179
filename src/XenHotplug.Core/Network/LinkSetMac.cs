namespace XenHotplug.Core.Network;

/// <summary>ip link set dev D address MAC.</summary>
public sealed record LinkSetMac(string Dev, string Mac) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["link", "set", "dev", Dev, "address", Mac];
    public override string Device => Dev;
}
