namespace XenHotplug.Core.Balancing;

/// <summary>Why a vif is moved: its uplink died, its uplink came back, the traffic was uneven, or its emulated twin was left behind.</summary>
public enum MoveKind
{
    Failover,
    Failback,
    Rebalance,

    /// <summary>An emulated twin on another bridge than its vif (a move killed between the two) goes back to the vif.</summary>
    Rejoin,
}
