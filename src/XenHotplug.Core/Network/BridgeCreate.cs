namespace XenHotplug.Core.Network;

/// <summary>
/// ip link add name B [address MAC] [mtu N] type bridge stp_state 0 forward_delay 0. The MAC is given at creation:
/// a bridge whose MAC is set afterwards is "random" to systemd-udevd, whose MACAddressPolicy=persistent then
/// overwrites it concurrently (seen under real Xen on Debian 12).
/// </summary>
public sealed record BridgeCreate(string Name, int? Mtu = null, string? Mac = null) : NetOp
{
    public override IReadOnlyList<string> IpArgs =>
    [
        "link", "add", "name", Name,
        .. Mac is { } mac ? new[] { "address", mac } : [],
        .. Mtu is { } mtu ? new[] { "mtu", Num(mtu) } : [],
        "type", "bridge", "stp_state", "0", "forward_delay", "0",
    ];

    public override string Device => Name;
}
