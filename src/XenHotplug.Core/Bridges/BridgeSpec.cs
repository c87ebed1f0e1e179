using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Naming;
using XenHotplug.Core.Vlan;

namespace XenHotplug.Core.Bridges;

/// <summary>
/// One bridge as network-multibridge acts on it: <see cref="Name"/> is the interface name of the bridge,
/// <see cref="Uplink"/> the NIC's own name (null: host-only) and <see cref="Port"/> the NIC's name while
/// enslaved (pethN under legacy naming). <see cref="Declared"/> is the [bridge:NAME] the pools refer to.
/// For a VLAN bridge (<see cref="Vlan"/>) <see cref="Uplink"/> is the NIC or bond carrying the VLAN and
/// <see cref="Port"/> its 802.1Q device, which start creates when it does not exist.
/// </summary>
public sealed record BridgeSpec(string Declared, string Name, string? Uplink, string? Port, int? Mtu)
{
    /// <summary>The VLAN of a VLAN bridge: its port is VLAN <see cref="Vlan"/> of <see cref="Uplink"/>.</summary>
    public ushort? Vlan { get; init; }

    /// <summary>A VLAN-aware bridge (vlan_filtering 1).</summary>
    public bool VlanFiltering { get; init; }

    /// <summary>The VLANs a VLAN-aware bridge's uplink port carries tagged.</summary>
    public IReadOnlyList<ushort> Vids { get; init; } = [];

    /// <summary>A VLAN-aware bridge's native VLAN (its default PVID); null: none (default PVID 0).</summary>
    public ushort? Pvid { get; init; }

    public static BridgeSpec From(BridgeDeclaration declaration, BridgeNaming naming)
    {
        if (declaration.Vlan is { } vid)
        {
            return new BridgeSpec(declaration.Name, declaration.Name, declaration.Uplink, declaration.PortDevice, declaration.Mtu)
            { Vlan = vid };
        }
        return From(declaration.Name, declaration.Uplink, declaration.Mtu, naming) with
        {
            VlanFiltering = declaration.VlanFiltering,
            Vids = declaration.Vids,
            Pvid = declaration.Pvid,
        };
    }

    public static BridgeSpec From(string declared, string? uplink, int? mtu, BridgeNaming naming)
    {
        if (uplink is null) return new BridgeSpec(declared, declared, null, null, mtu);
        if (naming == BridgeNaming.Legacy)
        {
            var port = LegacyNames.Port(uplink);
            if (InterfaceName.Problem(port) is { } problem)
                throw new BridgeException($"bridge {declared}: legacy naming needs the NIC name {problem}");
            return new BridgeSpec(declared, uplink, uplink, port, mtu);
        }
        return new BridgeSpec(declared, declared, uplink, uplink, mtu);
    }

    /// <summary>The default PVID the bridge must have: the native VLAN, 0 for none; null when the bridge does not filter VLANs.</summary>
    public ushort? DefaultPvid => VlanFiltering ? Pvid ?? 0 : null;

    /// <summary>The uplink port's VLANs on a VLAN-aware bridge (the PVID untagged, the rest tagged); null otherwise.</summary>
    public IReadOnlyList<VlanMember>? UplinkVlans => !VlanFiltering || Port is null ? null :
        [.. Pvid is { } p ? [new VlanMember(p, true, true)] : Array.Empty<VlanMember>(), .. Vids.Select(v => new VlanMember(v, false, false))];

    public override string ToString() => Uplink is null ? $"{Name} (host-only)"
        : Vlan is { } vid ? $"{Name} (uplink {Port}, VLAN {vid} of {Uplink})" : $"{Name} (uplink {Uplink})";
}
