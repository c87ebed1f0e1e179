namespace XenHotplug.Core.Balancing;

/// <summary>
/// A move's intent, recorded before the port leaves its bridge and removed once the move is complete: what the next
/// pass needs to finish a move a killed balancer left half done (the port's bridge-port flags as they were on the
/// old bridge, its emulated twin and the twin's flags).
/// </summary>
public sealed record PendingMove(string Vif, string From, string To)
{
    /// <summary>The vif's bridge-port flags on <see cref="From"/> (learning, isolated, ...): re-applied on <see cref="To"/>.</summary>
    public Dictionary<string, string> Flags { get; init; } = [];

    /// <summary>The vif's emulated twin that moves with it, if it has one.</summary>
    public string? Twin { get; init; }

    /// <summary>The twin's bridge-port flags on <see cref="From"/>.</summary>
    public Dictionary<string, string>? TwinFlags { get; init; }
}
