namespace XenHotplug.Core.Balancing;

/// <summary>
/// One bridge of a pool as the balancer sees it: its host name, uplink NIC, capacity (weight, times the uplink's
/// link speed when every bridge of the pool reports one) and health (<paramref name="Health"/> says why not).
/// </summary>
public sealed record BalanceBridge(string Name, string? Uplink, double Capacity, bool Healthy, string Health);
