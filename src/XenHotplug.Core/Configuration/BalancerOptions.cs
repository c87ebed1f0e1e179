namespace XenHotplug.Core.Configuration;

/// <summary>The [balancer] section: how `network-multibridge balance` and `watch` move guests of shared-segment pools.</summary>
public sealed record BalancerOptions
{
    /// <summary>Seconds of traffic counters one measurement covers (and, under watch, between rebalancing passes).</summary>
    public double Interval { get; init; } = 5;

    /// <summary>A bridge is rebalanced only when its traffic is at least this many times its fair share (hysteresis).</summary>
    public double Threshold { get; init; } = 1.25;

    /// <summary>At most this many rebalancing and failback moves in any 60 seconds (failover is never limited).</summary>
    public int MaxMovesPerMinute { get; init; } = 4;

    /// <summary>Seconds a moved guest stays where it was moved before rebalancing may move it again.</summary>
    public double Hold { get; init; } = 60;

    /// <summary>Bridges carrying less than this (Mbit/s) are never rebalanced: an idle host is left alone.</summary>
    public double MinRateMbps { get; init; } = 1;

    /// <summary>Send a broadcast frame with the guest's MAC on its new uplink after each move.</summary>
    public bool Announce { get; init; } = true;
}
