using XenHotplug.Core.Balancing;
using XenHotplug.Core.Firewall;
using XenHotplug.Core.Metrics;
using XenHotplug.Core.Status;

namespace XenHotplug.Tests.Metrics;

public sealed class StatusMetricsTests
{
    private static readonly StatusReport Report = new(
    [
        new BridgeStatus("xenbr0", "xenbr0", "eth0", true, true, true, 1000, [], ["vif5.0", "web\"1"], ["lan"], true, "ok"),
        new BridgeStatus("xenbr1", "xenbr1", "eth1", true, true, false, null, [], [], ["lan", "storage"], false, "uplink eth1 no carrier"),
        new BridgeStatus("hostonly", "hostonly", null, true, false, null, null, [], [], [], true, "ok (host-only)"),
    ]);

    private static MetricsInput Input() => new(Report)
    {
        Bytes = new Dictionary<string, DeviceBytes>(StringComparer.Ordinal)
        {
            ["eth0"] = new(1000, 2000),
            ["eth1"] = new(3, 4),
            ["vif5.0"] = new(500, 600),
            ["web\"1"] = new(7, 8),
        },
        Guests = new Dictionary<string, GuestIdentity>(StringComparer.Ordinal)
        {
            ["vif5.0"] = new(5, "db\\prod"),
            ["web\"1"] = new(null, ""),
        },
        Balancer = new BalancerRecord
        {
            MoveTotals = new(StringComparer.Ordinal) { ["failover"] = 2, ["rebalance"] = 1 },
            LastPassSeconds = 0.0125,
            LastPassAt = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_500),
        },
        Guards = [new GuardedVif("vif5.0", "vif5.0", "ip", 4, 42)],
        GuardBridges = new Dictionary<string, string>(StringComparer.Ordinal) { ["vif5.0"] = "xenbr0" },
        HotplugRuns = null, // HotplugRunMetricsTests has their samples: here the families' HELP and TYPE only
    };

    private const string Golden = """
        # HELP xen_multibridge_healthy 1 when every declared bridge is healthy (status exits 0), else 0.
        # TYPE xen_multibridge_healthy gauge
        xen_multibridge_healthy 0
        # HELP xen_multibridge_bridge_healthy 1 when the bridge is healthy as status reports it (exists, up, uplink attached, up, with carrier, addresses kept), else 0.
        # TYPE xen_multibridge_bridge_healthy gauge
        xen_multibridge_bridge_healthy{bridge="xenbr0",pool="lan",uplink="eth0"} 1
        xen_multibridge_bridge_healthy{bridge="xenbr1",pool="lan,storage",uplink="eth1"} 0
        xen_multibridge_bridge_healthy{bridge="hostonly",pool="",uplink=""} 1
        # HELP xen_multibridge_bridge_guests Guest vifs attached to the bridge.
        # TYPE xen_multibridge_bridge_guests gauge
        xen_multibridge_bridge_guests{bridge="xenbr0",pool="lan",uplink="eth0"} 2
        xen_multibridge_bridge_guests{bridge="xenbr1",pool="lan,storage",uplink="eth1"} 0
        xen_multibridge_bridge_guests{bridge="hostonly",pool="",uplink=""} 0
        # HELP xen_multibridge_uplink_carrier 1 when the bridge's uplink NIC has carrier, else 0 (no sample for a host-only bridge or a missing NIC).
        # TYPE xen_multibridge_uplink_carrier gauge
        xen_multibridge_uplink_carrier{bridge="xenbr0",pool="lan",uplink="eth0"} 1
        xen_multibridge_uplink_carrier{bridge="xenbr1",pool="lan,storage",uplink="eth1"} 0
        # HELP xen_multibridge_uplink_speed_bytes Link speed of the bridge's uplink NIC in bytes per second (the kernel's Mb/s times 125000; no sample when unknown).
        # TYPE xen_multibridge_uplink_speed_bytes gauge
        xen_multibridge_uplink_speed_bytes{bridge="xenbr0",pool="lan",uplink="eth0"} 125000000
        # HELP xen_multibridge_uplink_receive_bytes_total Bytes the bridge's uplink NIC received, as the kernel counts them (statistics/rx_bytes).
        # TYPE xen_multibridge_uplink_receive_bytes_total counter
        xen_multibridge_uplink_receive_bytes_total{bridge="xenbr0",pool="lan",uplink="eth0"} 1000
        xen_multibridge_uplink_receive_bytes_total{bridge="xenbr1",pool="lan,storage",uplink="eth1"} 3
        # HELP xen_multibridge_uplink_transmit_bytes_total Bytes the bridge's uplink NIC transmitted, as the kernel counts them (statistics/tx_bytes).
        # TYPE xen_multibridge_uplink_transmit_bytes_total counter
        xen_multibridge_uplink_transmit_bytes_total{bridge="xenbr0",pool="lan",uplink="eth0"} 2000
        xen_multibridge_uplink_transmit_bytes_total{bridge="xenbr1",pool="lan,storage",uplink="eth1"} 4
        # HELP xen_multibridge_guest_receive_bytes_total Bytes dom0 received on the guest's vif, i.e. what the guest sent (statistics/rx_bytes).
        # TYPE xen_multibridge_guest_receive_bytes_total counter
        xen_multibridge_guest_receive_bytes_total{vif="vif5.0",domain="db\\prod",domid="5",bridge="xenbr0"} 500
        xen_multibridge_guest_receive_bytes_total{vif="web\"1",domain="",domid="",bridge="xenbr0"} 7
        # HELP xen_multibridge_guest_transmit_bytes_total Bytes dom0 transmitted on the guest's vif, i.e. what the guest received (statistics/tx_bytes).
        # TYPE xen_multibridge_guest_transmit_bytes_total counter
        xen_multibridge_guest_transmit_bytes_total{vif="vif5.0",domain="db\\prod",domid="5",bridge="xenbr0"} 600
        xen_multibridge_guest_transmit_bytes_total{vif="web\"1",domain="",domid="",bridge="xenbr0"} 8
        # HELP xen_multibridge_hotplug_runs_total Hotplug runs of vif-multibridge by action, result (success, failure) and reason of a failure (refused, timeout, error; none for a success).
        # TYPE xen_multibridge_hotplug_runs_total counter
        # HELP xen_multibridge_hotplug_duration_seconds How long vif-multibridge's hotplug runs took, by action (from the program's start to its exit status, failures included).
        # TYPE xen_multibridge_hotplug_duration_seconds histogram
        # HELP xen_multibridge_balancer_moves_total Guest vifs the balancer moved, by reason (since the run directory was created).
        # TYPE xen_multibridge_balancer_moves_total counter
        xen_multibridge_balancer_moves_total{reason="failover"} 2
        xen_multibridge_balancer_moves_total{reason="failback"} 0
        xen_multibridge_balancer_moves_total{reason="rebalance"} 1
        xen_multibridge_balancer_moves_total{reason="rejoin"} 0
        # HELP xen_multibridge_balancer_last_pass_duration_seconds How long the balancer's last pass took (survey, plan and moves).
        # TYPE xen_multibridge_balancer_last_pass_duration_seconds gauge
        xen_multibridge_balancer_last_pass_duration_seconds 0.0125
        # HELP xen_multibridge_balancer_last_pass_timestamp_seconds When the balancer's last pass ended (Unix time).
        # TYPE xen_multibridge_balancer_last_pass_timestamp_seconds gauge
        xen_multibridge_balancer_last_pass_timestamp_seconds 1700000000.5
        # HELP xen_multibridge_antispoof_guarded_vifs Guest vifs with an antispoof guard in the kernel's table bridge xen_multibridge.
        # TYPE xen_multibridge_antispoof_guarded_vifs gauge
        xen_multibridge_antispoof_guarded_vifs 1
        # HELP xen_multibridge_antispoof_dropped_packets_total Packets the vif's antispoof guard dropped (a source the guest may not claim).
        # TYPE xen_multibridge_antispoof_dropped_packets_total counter
        xen_multibridge_antispoof_dropped_packets_total{vif="vif5.0",bridge="xenbr0",mode="ip"} 42

        """;

    [Fact]
    public void The_exposition_of_fixed_counters_is_the_golden_text() => Assert.Equal(Golden, StatusMetrics.Render(Input()));

    [Fact]
    public void Without_a_balancer_record_or_guards_their_families_are_left_out()
    {
        var text = StatusMetrics.Render(Input() with { Balancer = null, Guards = null });
        Assert.DoesNotContain("balancer", text, StringComparison.Ordinal);
        Assert.DoesNotContain("antispoof", text, StringComparison.Ordinal);
        Assert.Contains("xen_multibridge_guest_receive_bytes_total{vif=\"vif5.0\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_family_is_listed_even_on_a_host_without_bridges()
    {
        var text = StatusMetrics.Render(new MetricsInput(new StatusReport([])));
        Assert.Contains("xen_multibridge_healthy 1\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE xen_multibridge_guest_transmit_bytes_total counter\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_counter_ends_in_total_and_every_name_has_the_prefix()
    {
        foreach (var f in StatusMetrics.Families(Input()))
        {
            Assert.StartsWith(StatusMetrics.Prefix, f.Name, StringComparison.Ordinal);
            Assert.Equal(f.Type == MetricType.Counter, f.Name.EndsWith("_total", StringComparison.Ordinal));
        }
    }
}
