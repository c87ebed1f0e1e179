namespace XenHotplug.Core.Network;

/// <summary>ip address add ADDR dev D [extra...] (extra: broadcast, scope, label, noprefixroute...).</summary>
public sealed record AddressAdd(string Dev, string Address, IReadOnlyList<string> Extra) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["address", "add", Address, "dev", Dev, .. Extra];
    public override string Device => Dev;
}
