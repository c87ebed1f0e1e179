using System.Text.Json.Serialization;

namespace XenHotplug.Core.Status;

/// <summary>One bridge in `network-multibridge status`.</summary>
public sealed record BridgeStatus(
    string Name,
    string Declared,
    string? Uplink,
    bool Exists,
    bool UplinkAttached,
    bool? Carrier,
    int? SpeedMbps,
    IReadOnlyList<string> Addresses,
    IReadOnlyList<string> Guests,
    IReadOnlyList<string> Pools,
    bool Healthy,
    string Health)
{
    /// <summary>The guests' traffic on this bridge (Mbit/s, received plus sent) as `watch` last measured it; null when unknown.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? TrafficMbps { get; init; }

    /// <summary>What the uplink is: "nic", "vlan" (see <see cref="UplinkParent"/>, <see cref="UplinkVlanId"/>) or the kernel's link kind; null without one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? UplinkKind { get; init; }

    /// <summary>The link a VLAN uplink is a VLAN of (bond0 for bond0.100).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? UplinkParent { get; init; }

    /// <summary>A VLAN uplink's VLAN id.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? UplinkVlanId { get; init; }

    /// <summary>The mode of the bond the uplink is (or is a VLAN of).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? UplinkBondMode { get; init; }

    /// <summary>That bond's slaves: which carries traffic, which has link.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<BondSlaveStatus>? UplinkBondSlaves { get; init; }

    /// <summary>Whether the bridge filters VLANs (vlan_filtering 1); null when it does not exist.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? VlanAware { get; init; }

    /// <summary>A VLAN-aware bridge's default PVID (0: none), when the kernel reports it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? DefaultPvid { get; init; }

    /// <summary>The VLANs the uplink port of a VLAN-aware bridge carries, when read.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Vlan.VlanMember>? UplinkVlans { get; init; }

    /// <summary>Each guest vif's VLANs on a VLAN-aware bridge, when read.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<PortVlanStatus>? GuestVlans { get; init; }
}
