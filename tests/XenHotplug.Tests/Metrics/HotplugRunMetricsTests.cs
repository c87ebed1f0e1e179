using XenHotplug.Core.Metrics;
using XenHotplug.Core.Request;

namespace XenHotplug.Tests.Metrics;

public sealed class HotplugRunMetricsTests
{
    private static HotplugRunTotals Totals()
    {
        var t = new HotplugRunTotals();
        t.Add(HotplugCommand.Online, HotplugOutcome.Success, 800);        // 0.8 ms: le 0.001
        t.Add(HotplugCommand.Online, HotplugOutcome.Success, 12_000);     // 12 ms: le 0.025
        t.Add(HotplugCommand.Online, HotplugOutcome.Timeout, 25_000_500); // the deadline: le 40
        t.Add(HotplugCommand.Offline, HotplugOutcome.Refused, 3_000);     // le 0.005
        t.Add(HotplugCommand.Remove, HotplugOutcome.Error, 41_000_000);   // above every bound: +Inf only
        return t;
    }

    [Fact]
    public void The_runs_and_the_histogram_of_fixed_counters_are_the_golden_text() =>
        Assert.Equal(Golden, ExpositionText.Render(HotplugRunMetrics.Families(Totals())));

    [Fact]
    public void Unreadable_counters_leave_the_families_listed_without_samples()
    {
        var text = ExpositionText.Render(HotplugRunMetrics.Families(null));
        Assert.Equal(4, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("# TYPE xen_multibridge_hotplug_duration_seconds histogram\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void No_run_yet_writes_every_series_as_0()
    {
        var text = ExpositionText.Render(HotplugRunMetrics.Families(HotplugRunTotals.Empty));
        Assert.Contains("xen_multibridge_hotplug_runs_total{action=\"add\",result=\"failure\",reason=\"timeout\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("xen_multibridge_hotplug_duration_seconds_bucket{action=\"online\",le=\"+Inf\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("xen_multibridge_hotplug_duration_seconds_sum{action=\"online\"} 0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_buckets_are_cumulative_and_end_in_the_count()
    {
        var samples = HotplugRunMetrics.Families(Totals())[1].Samples.Where(s => s.Labels[0].Value == "online").ToList();
        var buckets = samples.Where(s => s.Suffix == "_bucket").Select(s => s.Value).ToList();
        Assert.Equal(16, buckets.Count);
        Assert.True(buckets.Zip(buckets.Skip(1)).All(p => p.First <= p.Second));
        Assert.Equal(3, buckets[^1]);
        Assert.Equal(3, samples.Single(s => s.Suffix == "_count").Value);
    }

    private const string Golden = """
        # HELP xen_multibridge_hotplug_runs_total Hotplug runs of vif-multibridge by action, result (success, failure) and reason of a failure (refused, timeout, error; none for a success).
        # TYPE xen_multibridge_hotplug_runs_total counter
        xen_multibridge_hotplug_runs_total{action="online",result="success",reason="none"} 2
        xen_multibridge_hotplug_runs_total{action="online",result="failure",reason="refused"} 0
        xen_multibridge_hotplug_runs_total{action="online",result="failure",reason="timeout"} 1
        xen_multibridge_hotplug_runs_total{action="online",result="failure",reason="error"} 0
        xen_multibridge_hotplug_runs_total{action="offline",result="success",reason="none"} 0
        xen_multibridge_hotplug_runs_total{action="offline",result="failure",reason="refused"} 1
        xen_multibridge_hotplug_runs_total{action="offline",result="failure",reason="timeout"} 0
        xen_multibridge_hotplug_runs_total{action="offline",result="failure",reason="error"} 0
        xen_multibridge_hotplug_runs_total{action="add",result="success",reason="none"} 0
        xen_multibridge_hotplug_runs_total{action="add",result="failure",reason="refused"} 0
        xen_multibridge_hotplug_runs_total{action="add",result="failure",reason="timeout"} 0
        xen_multibridge_hotplug_runs_total{action="add",result="failure",reason="error"} 0
        xen_multibridge_hotplug_runs_total{action="remove",result="success",reason="none"} 0
        xen_multibridge_hotplug_runs_total{action="remove",result="failure",reason="refused"} 0
        xen_multibridge_hotplug_runs_total{action="remove",result="failure",reason="timeout"} 0
        xen_multibridge_hotplug_runs_total{action="remove",result="failure",reason="error"} 1
        # HELP xen_multibridge_hotplug_duration_seconds How long vif-multibridge's hotplug runs took, by action (from the program's start to its exit status, failures included).
        # TYPE xen_multibridge_hotplug_duration_seconds histogram
        xen_multibridge_hotplug_duration_seconds_bucket{action="online",le="0.001"} 1
        xen_multibridge_hotplug_duration_seconds_bucket{action="online",le="0.0025"} 1
        xen_multibridge_hotplug_duration_seconds_bucket{action="online",le="0.005"} 1
        xen_multibridge_hotplug_duration_seconds_bucket{action="online",le="0.01"} 1
        xen_multibridge_hotplug_duration_seconds_bucket{action="online",le="0.025"} 2
        xen_multibridge_hotplug_duration_seconds_bucket{action="online",le="0.05"} 2
        xen_multibridge_hotplug_duration_seconds_bucket{action="online",le="0.1"} 2
        xen_multibridge_hotplug_duration_seconds_bucket{action="online",le="0.25"} 2
        xen_multibridge_hotplug_duration_seconds_bucket{action="online",le="0.5"} 2
        xen_multibridge_hotplug_duration_seconds_bucket{action="online",le="1"} 2
        xen_multibridge_hotplug_duration_seconds_bucket{action="online",le="2.5"} 2
        xen_multibridge_hotplug_duration_seconds_bucket{action="online",le="5"} 2
        xen_multibridge_hotplug_duration_seconds_bucket{action="online",le="10"} 2
        xen_multibridge_hotplug_duration_seconds_bucket{action="online",le="20"} 2
        xen_multibridge_hotplug_duration_seconds_bucket{action="online",le="40"} 3
        xen_multibridge_hotplug_duration_seconds_bucket{action="online",le="+Inf"} 3
        xen_multibridge_hotplug_duration_seconds_sum{action="online"} 25.0133
        xen_multibridge_hotplug_duration_seconds_count{action="online"} 3
        xen_multibridge_hotplug_duration_seconds_bucket{action="offline",le="0.001"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="offline",le="0.0025"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="offline",le="0.005"} 1
        xen_multibridge_hotplug_duration_seconds_bucket{action="offline",le="0.01"} 1
        xen_multibridge_hotplug_duration_seconds_bucket{action="offline",le="0.025"} 1
        xen_multibridge_hotplug_duration_seconds_bucket{action="offline",le="0.05"} 1
        xen_multibridge_hotplug_duration_seconds_bucket{action="offline",le="0.1"} 1
        xen_multibridge_hotplug_duration_seconds_bucket{action="offline",le="0.25"} 1
        xen_multibridge_hotplug_duration_seconds_bucket{action="offline",le="0.5"} 1
        xen_multibridge_hotplug_duration_seconds_bucket{action="offline",le="1"} 1
        xen_multibridge_hotplug_duration_seconds_bucket{action="offline",le="2.5"} 1
        xen_multibridge_hotplug_duration_seconds_bucket{action="offline",le="5"} 1
        xen_multibridge_hotplug_duration_seconds_bucket{action="offline",le="10"} 1
        xen_multibridge_hotplug_duration_seconds_bucket{action="offline",le="20"} 1
        xen_multibridge_hotplug_duration_seconds_bucket{action="offline",le="40"} 1
        xen_multibridge_hotplug_duration_seconds_bucket{action="offline",le="+Inf"} 1
        xen_multibridge_hotplug_duration_seconds_sum{action="offline"} 0.003
        xen_multibridge_hotplug_duration_seconds_count{action="offline"} 1
        xen_multibridge_hotplug_duration_seconds_bucket{action="add",le="0.001"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="add",le="0.0025"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="add",le="0.005"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="add",le="0.01"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="add",le="0.025"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="add",le="0.05"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="add",le="0.1"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="add",le="0.25"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="add",le="0.5"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="add",le="1"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="add",le="2.5"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="add",le="5"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="add",le="10"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="add",le="20"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="add",le="40"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="add",le="+Inf"} 0
        xen_multibridge_hotplug_duration_seconds_sum{action="add"} 0
        xen_multibridge_hotplug_duration_seconds_count{action="add"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="remove",le="0.001"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="remove",le="0.0025"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="remove",le="0.005"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="remove",le="0.01"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="remove",le="0.025"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="remove",le="0.05"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="remove",le="0.1"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="remove",le="0.25"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="remove",le="0.5"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="remove",le="1"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="remove",le="2.5"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="remove",le="5"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="remove",le="10"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="remove",le="20"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="remove",le="40"} 0
        xen_multibridge_hotplug_duration_seconds_bucket{action="remove",le="+Inf"} 1
        xen_multibridge_hotplug_duration_seconds_sum{action="remove"} 41
        xen_multibridge_hotplug_duration_seconds_count{action="remove"} 1

        """;
}
