namespace XenHotplug.Core.Network;

/// <summary>ip link set dev D master BRIDGE.</summary>
public sealed record LinkSetMaster(string Dev, string Bridge) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["link", "set", "dev", Dev, "master", Bridge];
    public override string Device => Dev;
}
