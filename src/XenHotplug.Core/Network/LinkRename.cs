namespace XenHotplug.Core.Network;

/// <summary>ip link set dev D name NEW.</summary>
public sealed record LinkRename(string Dev, string NewName) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["link", "set", "dev", Dev, "name", NewName];
    public override string Device => Dev;
}
