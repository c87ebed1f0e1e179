using System.Globalization;
using XenHotplug.Core.Balancing;
using XenHotplug.Core.Status;

namespace XenHotplug.Core.Metrics;

/// <summary>
/// The metric families of `status --format prometheus` and of watch's textfile, from <see cref="MetricsInput"/>.
/// Names carry the xen_multibridge_ prefix and their unit in base units (bytes, seconds), counters end in _total;
/// a family is listed (HELP, TYPE) even without samples, so the set of names does not depend on the host's state.
/// </summary>
public static class StatusMetrics
{
    public const string Prefix = "xen_multibridge_";

    /// <summary>The reasons a move is counted under (every one always written, 0 until it happens).</summary>
    public static IReadOnlyList<MoveKind> Reasons { get; } = [MoveKind.Failover, MoveKind.Failback, MoveKind.Rebalance, MoveKind.Rejoin];

    public static string Render(MetricsInput input) => ExpositionText.Render(Families(input));

    public static IReadOnlyList<MetricFamily> Families(MetricsInput input)
    {
        var bridges = input.Status.Bridges;
        var families = new List<MetricFamily>
        {
            new(Prefix + "healthy", MetricType.Gauge, "1 when every declared bridge is healthy (status exits 0), else 0.",
                [new MetricSample(input.Status.Healthy ? 1 : 0)]),
            new(Prefix + "bridge_healthy", MetricType.Gauge, "1 when the bridge is healthy as status reports it (exists, up, uplink attached, up, with carrier, addresses kept), else 0.",
                [.. bridges.Select(b => new MetricSample(BridgeLabels(b), b.Healthy ? 1 : 0))]),
            new(Prefix + "bridge_guests", MetricType.Gauge, "Guest vifs attached to the bridge.",
                [.. bridges.Select(b => new MetricSample(BridgeLabels(b), b.Guests.Count))]),
            new(Prefix + "uplink_carrier", MetricType.Gauge, "1 when the bridge's uplink NIC has carrier, else 0 (no sample for a host-only bridge or a missing NIC).",
                [.. bridges.Where(b => b.Carrier is not null).Select(b => new MetricSample(BridgeLabels(b), b.Carrier == true ? 1 : 0))]),
            new(Prefix + "uplink_speed_bytes", MetricType.Gauge, "Link speed of the bridge's uplink NIC in bytes per second (the kernel's Mb/s times 125000; no sample when unknown).",
                [.. bridges.Where(b => b.SpeedMbps is not null).Select(b => new MetricSample(BridgeLabels(b), b.SpeedMbps!.Value * 125000.0))]),
            new(Prefix + "uplink_receive_bytes_total", MetricType.Counter, "Bytes the bridge's uplink NIC received, as the kernel counts them (statistics/rx_bytes).",
                [.. UplinkBytes(input, b => b.Received)]),
            new(Prefix + "uplink_transmit_bytes_total", MetricType.Counter, "Bytes the bridge's uplink NIC transmitted, as the kernel counts them (statistics/tx_bytes).",
                [.. UplinkBytes(input, b => b.Transmitted)]),
            new(Prefix + "guest_receive_bytes_total", MetricType.Counter, "Bytes dom0 received on the guest's vif, i.e. what the guest sent (statistics/rx_bytes).",
                [.. GuestBytes(input, b => b.Received)]),
            new(Prefix + "guest_transmit_bytes_total", MetricType.Counter, "Bytes dom0 transmitted on the guest's vif, i.e. what the guest received (statistics/tx_bytes).",
                [.. GuestBytes(input, b => b.Transmitted)]),
        };
        families.AddRange(HotplugRunMetrics.Families(input.HotplugRuns));
        if (input.Balancer is { } record)
        {
            families.Add(new(Prefix + "balancer_moves_total", MetricType.Counter, "Guest vifs the balancer moved, by reason (since the run directory was created).",
                [.. Reasons.Select(r => new MetricSample([new("reason", Reason(r))], record.MoveTotals.TryGetValue(Reason(r), out var n) ? n : 0))]));
            families.Add(new(Prefix + "balancer_last_pass_duration_seconds", MetricType.Gauge, "How long the balancer's last pass took (survey, plan and moves).",
                record.LastPassSeconds is { } seconds ? [new MetricSample(seconds)] : []));
            families.Add(new(Prefix + "balancer_last_pass_timestamp_seconds", MetricType.Gauge, "When the balancer's last pass ended (Unix time).",
                record.LastPassAt is { } at ? [new MetricSample(at.ToUnixTimeMilliseconds() / 1000.0)] : []));
        }
        if (input.Guards is { } guards)
        {
            families.Add(new(Prefix + "antispoof_guarded_vifs", MetricType.Gauge, "Guest vifs with an antispoof guard in the kernel's table bridge xen_multibridge.",
                [new MetricSample(guards.Count)]));
            families.Add(new(Prefix + "antispoof_dropped_packets_total", MetricType.Counter, "Packets the vif's antispoof guard dropped (a source the guest may not claim).",
                [.. guards.Select(g => new MetricSample(
                    [new("vif", g.Interface), new("bridge", input.GuardBridges.TryGetValue(g.Interface, out var br) ? br : ""), new("mode", g.Mode)], g.Dropped))]));
        }
        return families;
    }

    /// <summary>The lower-case name of a move reason, as label value and as key of the balancer's totals.</summary>
    public static string Reason(MoveKind kind) => kind.ToString().ToLowerInvariant();

    private static List<KeyValuePair<string, string>> BridgeLabels(BridgeStatus b) =>
        [new("bridge", b.Name), new("pool", string.Join(',', b.Pools)), new("uplink", b.Uplink ?? "")];

    private static IEnumerable<MetricSample> UplinkBytes(MetricsInput input, Func<DeviceBytes, long> pick) =>
        input.Status.Bridges.Where(b => b.Uplink is not null && input.Bytes.ContainsKey(b.Uplink))
            .Select(b => new MetricSample(BridgeLabels(b), pick(input.Bytes[b.Uplink!])));

    private static IEnumerable<MetricSample> GuestBytes(MetricsInput input, Func<DeviceBytes, long> pick)
    {
        foreach (var b in input.Status.Bridges)
        {
            foreach (var vif in b.Guests)
            {
                if (!input.Bytes.TryGetValue(vif, out var bytes)) continue;
                var id = input.Guests.TryGetValue(vif, out var known) ? known : new GuestIdentity(null, "");
                yield return new MetricSample(
                    [new("vif", vif), new("domain", id.Domain), new("domid", id.Domid?.ToString(CultureInfo.InvariantCulture) ?? ""), new("bridge", b.Name)], pick(bytes));
            }
        }
    }
}
