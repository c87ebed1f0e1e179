using XenHotplug.Core.Configuration;
using XenHotplug.Core.Network;

namespace XenHotplug.Core.Placement;

/// <summary>
/// least-traffic: the bridge with the most room for one more guest, judged by the traffic the balancer last measured
/// on each bridge (`network-multibridge watch` keeps it fresh) plus the new guest's expected share (the pool's average
/// per guest), divided by the bridge's capacity (weight, times the uplink's link speed when every candidate reports
/// one). Scores within 5 % of each other count as equal: then fewest guests per capacity, then pool order. Without a
/// fresh measurement it is least-loaded by capacity.
/// </summary>
public static class LeastTrafficStrategy
{
    private const double Tolerance = 0.05;

    public static BridgeCandidate Choose(IReadOnlyList<BridgeCandidate> candidates, bool measured)
    {
        ArgumentOutOfRangeException.ThrowIfZero(candidates.Count);
        var bySpeed = candidates.All(c => c.SpeedMbps is > 0);
        double Capacity(BridgeCandidate c) => c.Weight * (bySpeed ? c.SpeedMbps!.Value : 1);
        var guests = candidates.Sum(c => c.Load);
        var total = candidates.Sum(c => c.Rate ?? 0);
        var expected = guests > 0 ? total / guests : 0;
        double Traffic(BridgeCandidate c) => measured ? ((c.Rate ?? 0) + expected) / Capacity(c) : 0;
        double Count(BridgeCandidate c) => (c.Load + 1) / Capacity(c);
        var best = candidates[0];
        for (var i = 1; i < candidates.Count; i++)
        {
            var c = candidates[i];
            double a = Traffic(c), b = Traffic(best);
            var tie = Math.Abs(a - b) <= Tolerance * Math.Max(a, b);
            if ((!tie && a < b) || (tie && Count(c) < Count(best))) best = c;
        }
        return best;
    }

    /// <summary>The link speed of a declared bridge's uplink, or null (host-only, unknown).</summary>
    public static int? Speed(MultibridgeConfig config, string bridgeInterface, ISysfsNet sysfs) =>
        config.FindBridgeByInterface(bridgeInterface) is { } declared && config.UplinkPort(declared.Name) is { } uplink ? sysfs.SpeedMbps(uplink) : null;
}
