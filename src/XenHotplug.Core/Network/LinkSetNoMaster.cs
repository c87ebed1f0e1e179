namespace XenHotplug.Core.Network;

/// <summary>ip link set dev D nomaster.</summary>
public sealed record LinkSetNoMaster(string Dev) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["link", "set", "dev", Dev, "nomaster"];
    public override string Device => Dev;
}
