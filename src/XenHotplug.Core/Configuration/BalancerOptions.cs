namespace XenHotplug.Core.Configuration;

/// <summary>
/// The [balancer] section: how `network-multibridge balance` and `watch` move guests of shared-segment pools
/// (defaults and documentation: <see cref="ConfigSchema"/>).
/// </summary>
public sealed record BalancerOptions
{
    /// <summary>Seconds of traffic counters one measurement covers (and, under watch, between rebalancing passes).</summary>
    public double Interval { get; init; } = ConfigSchema.Interval.Default;

    /// <summary>A bridge is rebalanced only when its traffic is at least this many times its fair share (hysteresis).</summary>
    public double Threshold { get; init; } = ConfigSchema.Threshold.Default;

    /// <summary>At most this many rebalancing and failback moves in any 60 seconds (failover is never limited).</summary>
    public int MaxMovesPerMinute { get; init; } = ConfigSchema.MaxMovesPerMinute.Default;

    /// <summary>Seconds a moved guest stays where it was moved before rebalancing may move it again.</summary>
    public double Hold { get; init; } = ConfigSchema.Hold.Default;

    /// <summary>Bridges carrying less than this (Mbit/s) are never rebalanced: an idle host is left alone.</summary>
    public double MinRateMbps { get; init; } = ConfigSchema.MinRate.Default;

    /// <summary>Send a broadcast frame with the guest's MAC on its new uplink after each move.</summary>
    public bool Announce { get; init; } = ConfigSchema.Announce.Default;
}
