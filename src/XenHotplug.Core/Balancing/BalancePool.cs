namespace XenHotplug.Core.Balancing;

/// <summary>A pool as the balancer sees it: its bridges (pool order), and whether guests may be moved live between them.</summary>
public sealed record BalancePool(string Name, IReadOnlyList<BalanceBridge> Bridges, bool SharedSegment, bool Failback);
