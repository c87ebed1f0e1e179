namespace XenHotplug.Core.Distro;

/// <summary>
/// A physical NIC with a carrier, as `network-multibridge suggest` describes it: the bridge it is already a port of
/// (if any), its MAC and speed, its addresses and default gateway now, and why start would refuse it (null: static).
/// </summary>
public sealed record SuggestedNic(string Name, string? Bridge, string? Mac, int? SpeedMbps, IReadOnlyList<string> Addresses,
    string? Gateway, string? Refusal);
