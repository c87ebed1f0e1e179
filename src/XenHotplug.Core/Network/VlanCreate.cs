namespace XenHotplug.Core.Network;

/// <summary>ip link add link PARENT name NAME [mtu N] type vlan id VID: an 802.1Q device (a VLAN bridge's port).</summary>
public sealed record VlanCreate(string Name, string Parent, ushort Vid, int? Mtu = null) : NetOp
{
    public override IReadOnlyList<string> IpArgs =>
    [
        "link", "add", "link", Parent, "name", Name,
        .. Mtu is { } mtu ? new[] { "mtu", Num(mtu) } : [],
        "type", "vlan", "id", Num(Vid),
    ];

    public override string Device => Name;
}
