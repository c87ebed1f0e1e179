namespace XenHotplug.Core.Network;

/// <summary>
/// ip link set dev B type bridge vlan_filtering 0|1 [vlan_default_pvid N]: an existing bridge made VLAN-aware (or not) by
/// start or a rollback. Only ever for a bridge network-multibridge declares; never under a guest's request.
/// </summary>
public sealed record BridgeSetVlanFiltering(string Dev, bool Filtering, ushort? DefaultPvid) : NetOp
{
    public override IReadOnlyList<string> IpArgs =>
    [
        "link", "set", "dev", Dev, "type", "bridge", "vlan_filtering", Filtering ? "1" : "0",
        .. DefaultPvid is { } pvid ? new[] { "vlan_default_pvid", Num(pvid) } : [],
    ];

    public override string Device => Dev;
}
