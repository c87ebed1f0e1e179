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
}
