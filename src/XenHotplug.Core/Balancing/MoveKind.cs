namespace XenHotplug.Core.Balancing;

/// <summary>Why a vif is moved: its uplink died, its uplink came back, or the traffic was uneven.</summary>
public enum MoveKind
{
    Failover,
    Failback,
    Rebalance,
}
