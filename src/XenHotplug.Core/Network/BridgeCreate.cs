namespace XenHotplug.Core.Network;

/// <summary>
/// ip link add name B [address MAC] [mtu N] type bridge stp_state 0 forward_delay 0 [vlan_filtering 1 vlan_default_pvid N].
/// The MAC is given at creation: a bridge whose MAC is set afterwards is "random" to systemd-udevd, whose
/// MACAddressPolicy=persistent then overwrites it concurrently (seen under real Xen on Debian 12). A VLAN-aware bridge
/// is made so at creation too, so its uplink never joins it without VLAN filtering.
/// </summary>
public sealed record BridgeCreate(string Name, int? Mtu = null, string? Mac = null, bool VlanFiltering = false, ushort? DefaultPvid = null) : NetOp
{
    public override IReadOnlyList<string> IpArgs =>
    [
        "link", "add", "name", Name,
        .. Mac is { } mac ? new[] { "address", mac } : [],
        .. Mtu is { } mtu ? new[] { "mtu", Num(mtu) } : [],
        "type", "bridge", "stp_state", "0", "forward_delay", "0",
        .. VlanFiltering ? new[] { "vlan_filtering", "1" } : [],
        .. VlanFiltering && DefaultPvid is { } pvid ? new[] { "vlan_default_pvid", Num(pvid) } : [],
    ];

    public override string Device => Name;
}
