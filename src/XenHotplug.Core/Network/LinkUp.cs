namespace XenHotplug.Core.Network;

/// <summary>ip link set dev D up.</summary>
public sealed record LinkUp(string Dev) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["link", "set", "dev", Dev, "up"];
    public override string Device => Dev;
}
