namespace XenHotplug.Core.Network;

/// <summary>ip link set dev D down.</summary>
public sealed record LinkDown(string Dev) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["link", "set", "dev", Dev, "down"];
    public override string Device => Dev;
}
