using XenHotplug.Core.Configuration;

namespace XenHotplug.Core.Balancing;

/// <summary>The planner's knobs, from [balancer]: hysteresis threshold, move limit, hold time, idle rate (bytes/s).</summary>
public sealed record BalanceSettings(double Threshold, int MaxMovesPerMinute, TimeSpan Hold, double MinRate)
{
    /// <summary>A rebalancing move must lower the busier bridge's load by at least this fraction (a second hysteresis).</summary>
    public double MinGain { get; init; } = 0.1;

    /// <summary>False: a pass woken by a link event (fail over, fail back within the move limit, no rebalancing on stale rates).</summary>
    public bool Rebalance { get; init; } = true;

    public static BalanceSettings From(BalancerOptions options) =>
        new(options.Threshold, options.MaxMovesPerMinute, TimeSpan.FromSeconds(options.Hold), options.MinRateMbps * 1e6 / 8);
}
