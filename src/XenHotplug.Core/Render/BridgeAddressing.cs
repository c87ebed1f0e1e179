namespace XenHotplug.Core.Render;

/// <summary>
/// What a bridge must carry when the distribution builds it: its uplink (null: host-only), the uplink's MAC, the
/// MTU, IPv4 by DHCP or the static addresses, and the static routes (gateway routes included; the kernel's own and
/// router-advertised ones left out). <see cref="Note"/> says where the addressing was read. A VLAN bridge's uplink is
/// its 802.1Q device (<see cref="VlanParent"/>, <see cref="VlanId"/>); a VLAN-aware bridge carries its VLANs.
/// </summary>
public sealed record BridgeAddressing(
    string Bridge,
    string? Uplink,
    string? Mac,
    int? Mtu,
    bool Dhcp4,
    IReadOnlyList<string> Addresses4,
    IReadOnlyList<string> Addresses6,
    IReadOnlyList<RenderedRoute> Routes,
    string Note)
{
    /// <summary>A VLAN bridge: <see cref="Uplink"/> is the 802.1Q device, VLAN <see cref="VlanId"/> of this link.</summary>
    public string? VlanParent { get; init; }

    public ushort? VlanId { get; init; }

    /// <summary>The declared bond that is the bridge's uplink: its port is the bond, built with these options.</summary>
    public Bridges.BondSpec? Bond { get; init; }

    /// <summary>A VLAN-aware bridge (vlan_filtering 1).</summary>
    public bool VlanFiltering { get; init; }

    /// <summary>A VLAN-aware bridge's default PVID: its native VLAN, 0 for none.</summary>
    public ushort? DefaultPvid { get; init; }

    /// <summary>The VLANs a VLAN-aware bridge's uplink port carries (the PVID untagged, the rest tagged).</summary>
    public IReadOnlyList<Vlan.VlanMember> UplinkVlans { get; init; } = [];
}
