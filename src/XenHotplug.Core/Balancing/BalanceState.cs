namespace XenHotplug.Core.Balancing;

/// <summary>Everything one balancing pass looks at: pools, every guest vif on their bridges, the recent moves and the time now.</summary>
public sealed record BalanceState(IReadOnlyList<BalancePool> Pools, IReadOnlyList<BalanceGuest> Guests, IReadOnlyList<MoveRecord> History, DateTimeOffset Now);
