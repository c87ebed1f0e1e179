using XenHotplug.Core.Network;

namespace XenHotplug.Core.Bridges;

/// <summary>
/// What one interface must look like. <see cref="Index"/> finds an existing interface whatever its current
/// name (a renamed NIC keeps its ifindex); without it a bridge named <see cref="Name"/> is found or created.
/// Null attributes are left as they are; <see cref="Addresses"/> and <see cref="Routes"/> are exact:
/// movable addresses and non-kernel routes not listed are removed, missing ones are added.
/// </summary>
public sealed record LinkTarget(
    int? Index,
    string Name,
    bool Bridge,
    int? Mtu,
    string? Mac,
    string? Master,
    bool Up,
    IReadOnlyList<IpAddress> Addresses,
    IReadOnlyList<IpRoute> Routes)
{
    /// <summary>An 802.1Q device, created as VLAN <c>Vid</c> of <c>Parent</c> when it does not exist.</summary>
    public (string Parent, ushort Vid)? VlanOf { get; init; }

    /// <summary>A bond, created with these options when it does not exist (an existing bond is taken as it is).</summary>
    public BondSpec? BondOf { get; init; }

    /// <summary>A bridge's vlan_filtering (null: left as it is).</summary>
    public bool? VlanFiltering { get; init; }

    /// <summary>A bridge's default PVID, 0 for none (null: left as it is).</summary>
    public ushort? DefaultPvid { get; init; }

    /// <summary>A port's VLANs on its VLAN-filtering bridge, exact (null: left as they are).</summary>
    public IReadOnlyList<Vlan.VlanMember>? PortVlans { get; init; }
}
