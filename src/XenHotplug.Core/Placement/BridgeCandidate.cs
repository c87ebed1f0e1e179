namespace XenHotplug.Core.Placement;

/// <summary>One bridge of a pool as the policy sees it now: guest vifs attached, weight, health.</summary>
public sealed record BridgeCandidate(string Name, int Load, double Weight, bool Healthy, string Health, bool Exists)
{
    /// <summary>least-traffic: the bridge's last measured traffic (bytes/s), null when unknown.</summary>
    public double? Rate { get; init; }

    /// <summary>least-traffic: the uplink's link speed (Mb/s), null when unknown.</summary>
    public int? SpeedMbps { get; init; }

    /// <summary>Why a NIC with VLANs cannot go here (the bridge does not filter VLANs, or its uplink lacks one), null when it can.</summary>
    public string? Excluded { get; init; }
}
