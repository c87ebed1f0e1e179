namespace XenHotplug.Core.Distro;

/// <summary>
/// A physical NIC (or an existing bond) with a carrier, as `network-multibridge suggest` describes it: the bridge it is already a port of
/// (if any), its MAC and speed, its addresses and default gateway now, and why start would refuse it (null: static).
/// An existing 802.1Q device of such a NIC is one too (<see cref="VlanParent"/>, <see cref="VlanId"/>).
/// </summary>
public sealed record SuggestedNic(string Name, string? Bridge, string? Mac, int? SpeedMbps, IReadOnlyList<string> Addresses,
    string? Gateway, string? Refusal)
{
    /// <summary>An 802.1Q device of a NIC: the NIC (the bridge's uplink) and the VLAN id (its vlan =).</summary>
    public string? VlanParent { get; init; }

    public int? VlanId { get; init; }

    /// <summary>An existing bond (the distribution's): its mode and slaves; suggest proposes a bridge on it, none on its slaves.</summary>
    public string? BondMode { get; init; }

    public IReadOnlyList<string> BondSlaves { get; init; } = [];

    /// <summary>A NIC's 802.1Q devices (empty: none): suggest proposes bridges on them rather than on the NIC.</summary>
    public IReadOnlyList<string> Vlans { get; init; } = [];
}
