namespace XenHotplug.Core.Balancing;

/// <summary>What the balancer keeps in the run directory: its recent moves, the home bridge of each vif a failover moved, moves under way.</summary>
public sealed class BalancerRecord
{
    public List<MoveRecord> Moves { get; set; } = [];

    /// <summary>vif name -> the bridge it was failed over from (only for pools with failback = yes).</summary>
    public Dictionary<string, string> Homes { get; set; } = [];

    /// <summary>The last measured traffic per bridge (bytes/s), for status and traffic-aware placement.</summary>
    public Dictionary<string, double> BridgeRates { get; set; } = [];

    /// <summary>Moves begun and not yet complete (see <see cref="PendingMove"/>): finished by the next pass.</summary>
    public List<PendingMove> Pending { get; set; } = [];

    /// <summary>When <see cref="BridgeRates"/> was measured.</summary>
    public DateTimeOffset? MeasuredAt { get; set; }

    /// <summary>Moves made, by reason (failover, failback, rebalance, rejoin), since the record began: the metrics' counters.</summary>
    public Dictionary<string, long> MoveTotals { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long the last pass took (seconds), and when it ended.</summary>
    public double? LastPassSeconds { get; set; }

    public DateTimeOffset? LastPassAt { get; set; }
}
