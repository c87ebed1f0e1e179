namespace XenHotplug.Core.Network;

/// <summary>ip link delete dev D.</summary>
public sealed record LinkDelete(string Dev) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["link", "delete", "dev", Dev];
    public override string Device => Dev;
}
