namespace XenHotplug.Core.Placement;

/// <summary>
/// The bridge chosen for one guest NIC and why: the rule or pool that applied, the strategy and every
/// candidate's load and health (what `explain` prints).
/// </summary>
public sealed record BridgeDecision(string Bridge, string Reason)
{
    public string? Pool { get; init; }
    public string? Strategy { get; init; }
    public IReadOnlyList<BridgeCandidate> Candidates { get; init; } = [];

    /// <summary>A warning to log (no healthy bridge, fell back).</summary>
    public string? Warning { get; init; }

    /// <summary>The round-robin cursor to store once the attach succeeded.</summary>
    public long? NextCursor { get; init; }
}
