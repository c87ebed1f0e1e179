using XenHotplug.Core.Request;

namespace XenHotplug.Core.Metrics;

/// <summary>
/// The hotplug families from vif-multibridge's run counters: runs by action, result and reason (every combination
/// always written, 0 until it happens), and the duration histogram by action (buckets 1 ms to 40 s).
/// </summary>
public static class HotplugRunMetrics
{
    public const string RunsName = StatusMetrics.Prefix + "hotplug_runs_total";
    public const string DurationName = StatusMetrics.Prefix + "hotplug_duration_seconds";

    /// <summary>The two families; without samples when <paramref name="totals"/> is null (the counters could not be read).</summary>
    public static IReadOnlyList<MetricFamily> Families(HotplugRunTotals? totals)
    {
        var runs = new List<MetricSample>();
        var durations = new List<MetricSample>();
        if (totals is not null)
        {
            foreach (var action in HotplugRunLayout.Actions)
            {
                var name = Action(action);
                foreach (var outcome in HotplugOutcomes.All)
                {
                    runs.Add(new MetricSample(
                        [new("action", name), new("result", HotplugOutcomes.Result(outcome)), new("reason", HotplugOutcomes.Reason(outcome))],
                        totals.Runs(action, outcome)));
                }
                long cumulative = 0;
                for (var b = 0; b < HotplugRunLayout.BucketSlots; b++)
                {
                    cumulative += totals.Bucket(action, b);
                    var le = b < HotplugRunLayout.Bounds.Count ? ExpositionText.Value(HotplugRunLayout.Bounds[b]) : "+Inf";
                    durations.Add(new MetricSample([new("action", name), new("le", le)], cumulative) { Suffix = "_bucket" });
                }
                durations.Add(new MetricSample([new("action", name)], totals.SumSeconds(action)) { Suffix = "_sum" });
                durations.Add(new MetricSample([new("action", name)], cumulative) { Suffix = "_count" });
            }
        }
        return
        [
            new(RunsName, MetricType.Counter, "Hotplug runs of vif-multibridge by action, result (success, failure) and reason of a failure (refused, timeout, error; none for a success).", runs),
            new(DurationName, MetricType.Histogram, "How long vif-multibridge's hotplug runs took, by action (from the program's start to its exit status, failures included).", durations),
        ];
    }

    /// <summary>The action label: online, offline, add or remove.</summary>
    public static string Action(HotplugCommand action) => action.ToString().ToLowerInvariant();
}
