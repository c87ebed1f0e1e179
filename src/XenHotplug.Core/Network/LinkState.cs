namespace XenHotplug.Core.Network;

/// <summary>One interface: its identity, link attributes, addresses and main-table routes.</summary>
public sealed record LinkState(
    int Index,
    string Name,
    string? Kind,
    string? Master,
    string? Mac,
    int Mtu,
    bool Up,
    IReadOnlyList<IpAddress> Addresses,
    IReadOnlyList<IpRoute> Routes)
{
    public bool IsBridge => Kind == "bridge";

    /// <summary>An 802.1Q device: the link it is a VLAN of (`ip -d`'s "link") and its VLAN id.</summary>
    public string? VlanParent { get; init; }

    public int? VlanId { get; init; }

    /// <summary>A bridge with vlan_filtering 1.</summary>
    public bool VlanFiltering { get; init; }

    /// <summary>A bridge's default PVID (vlan_default_pvid; 0: none), when `ip -d` reports it.</summary>
    public int? DefaultPvid { get; init; }

    /// <summary>A port's VLANs on a VLAN-filtering bridge, when observed (null: not read).</summary>
    public IReadOnlyList<Vlan.VlanMember>? PortVlans { get; init; }

    /// <summary>A bond's mode as the kernel names it ("active-backup", "802.3ad", ...), when `ip -d` reports it.</summary>
    public string? BondMode { get; init; }

    /// <summary>A bond slave's state ("ACTIVE", "BACKUP") and link as the bond's monitor sees it ("UP", "DOWN").</summary>
    public string? SlaveState { get; init; }

    public string? SlaveMii { get; init; }

    public bool IsBond => Kind == "bond";

    /// <summary>True when this is the 802.1Q device VLAN <paramref name="vid"/> of <paramref name="parent"/>.</summary>
    public bool IsVlanOf(string parent, int vid) => Kind == "vlan" && VlanParent == parent && VlanId == vid;

    public IEnumerable<IpAddress> MovableAddresses => Addresses.Where(a => a.IsMovable);

    public IEnumerable<IpRoute> MovableRoutes => Routes.Where(r => !r.IsKernel && !r.IsRouterAdvertised);
}
