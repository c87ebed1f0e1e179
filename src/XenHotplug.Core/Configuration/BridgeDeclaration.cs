namespace XenHotplug.Core.Configuration;

/// <summary>A [bridge:NAME] section: a bridge the host needs, its uplink NIC (none: host-only), MTU and weight.</summary>
public sealed record BridgeDeclaration(string Name, string? Uplink, int? Mtu, double Weight)
{
    /// <summary>isolated = yes: guest ports on this bridge get the kernel's bridge-port isolated flag (null: not set here).</summary>
    public bool? Isolated { get; init; }

    /// <summary>vlan = N: a VLAN bridge, whose port is VLAN N of <see cref="Uplink"/> (an 802.1Q device), not the uplink itself.</summary>
    public ushort? Vlan { get; init; }

    /// <summary>uplink_name = NAME: the 802.1Q device's name (default UPLINK.VLAN, as the distributions name it).</summary>
    public string? UplinkName { get; init; }

    /// <summary>vlan_filtering = yes: a VLAN-aware bridge; its uplink port carries <see cref="Vids"/> tagged and <see cref="Pvid"/> untagged.</summary>
    public bool VlanFiltering { get; init; }

    /// <summary>vids = 10 20 100-199: the VLANs a VLAN-aware bridge's uplink carries tagged.</summary>
    public IReadOnlyList<ushort> Vids { get; init; } = [];

    /// <summary>pvid = N: the native VLAN of a VLAN-aware bridge (untagged on the uplink, dom0's own, guests' without vlan=); null: none.</summary>
    public ushort? Pvid { get; init; }

    /// <summary>The name of the device that is the bridge's port: the 802.1Q device of a VLAN bridge, else the uplink.</summary>
    public string? PortDevice => Vlan is { } vid && Uplink is { } parent ? UplinkName ?? $"{parent}.{vid}" : Uplink;
}
