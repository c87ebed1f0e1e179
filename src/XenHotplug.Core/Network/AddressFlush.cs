namespace XenHotplug.Core.Network;

/// <summary>ip address flush dev D.</summary>
public sealed record AddressFlush(string Dev) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["address", "flush", "dev", Dev];
    public override string Device => Dev;
}
