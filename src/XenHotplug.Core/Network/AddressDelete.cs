namespace XenHotplug.Core.Network;

/// <summary>ip address delete ADDR dev D.</summary>
public sealed record AddressDelete(string Dev, string Address) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["address", "delete", Address, "dev", Dev];
    public override string Device => Dev;
}
