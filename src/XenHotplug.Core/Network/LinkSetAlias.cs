namespace XenHotplug.Core.Network;

/// <summary>ip link set dev D alias TEXT (marks a renamed vif as ours; TEXT has no spaces).</summary>
public sealed record LinkSetAlias(string Dev, string Alias) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["link", "set", "dev", Dev, "alias", Alias];
    public override string Device => Dev;
}
