namespace XenHotplug.Core.Balancing;

/// <summary>
/// One guest vif on a bridge: its measured rate (bytes/s, received plus sent), the pool that placed it (null when
/// it is not the balancer's to move, <see cref="Pinned"/> says why) and, after a failover, the bridge it came from.
/// </summary>
public sealed record BalanceGuest(string Vif, string Bridge, double Rate)
{
    /// <summary>The pool whose strategy placed this vif; null: never moved.</summary>
    public string? Pool { get; init; }

    /// <summary>Why the vif is not movable (explicit bridge=, a [domain:GLOB] rule with bridge =, unknown guest).</summary>
    public string? Pinned { get; init; }

    /// <summary>The bridge a failover took this vif away from (failback returns it there).</summary>
    public string? Home { get; init; }

    /// <summary>An HVM guest's emulated NIC (its tap), which moves with its vif and counts as no guest of its own.</summary>
    public bool Twin { get; init; }

    /// <summary>For a twin: its vif's name (the twin belongs on the vif's bridge).</summary>
    public string? TwinOf { get; init; }

    /// <summary>The guest's MAC address (the frontend's, from xenstore), announced after a move.</summary>
    public string? Mac { get; init; }
}
