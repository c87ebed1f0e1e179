using XenHotplug.Core.Balancing;
using XenHotplug.Core.Firewall;
using XenHotplug.Core.Status;

namespace XenHotplug.Core.Metrics;

/// <summary>
/// What the metrics are made of: the status report, the kernel's byte counters by device, whose each guest vif is,
/// the balancer's record (null: none in the run directory, no balancer family is written) and the antispoof guards
/// (null: not read, e.g. not root; no guard family is written).
/// </summary>
public sealed record MetricsInput(StatusReport Status)
{
    public IReadOnlyDictionary<string, DeviceBytes> Bytes { get; init; } = new Dictionary<string, DeviceBytes>(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, GuestIdentity> Guests { get; init; } = new Dictionary<string, GuestIdentity>(StringComparer.Ordinal);

    public BalancerRecord? Balancer { get; init; }

    /// <summary>vif-multibridge's run counters (null: the file is unreadable or damaged; the hotplug families have no samples).</summary>
    public HotplugRunTotals? HotplugRuns { get; init; } = HotplugRunTotals.Empty;

    public IReadOnlyList<GuardedVif>? Guards { get; init; }

    /// <summary>The bridge each guarded vif is a port of ("" when none).</summary>
    public IReadOnlyDictionary<string, string> GuardBridges { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
