using System.Globalization;
using System.Text;
using System.Text.Json;
using XenHotplug.Core.Bridges;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Network;
using XenHotplug.Core.Vlan;

namespace XenHotplug.Core.Status;

/// <summary>Every bridge the host needs, and whether all of them are healthy.</summary>
public sealed record StatusReport(IReadOnlyList<BridgeStatus> Bridges)
{
    public bool Healthy => Bridges.All(b => b.Healthy);

    /// <summary>The configuration file read, or a note that none exists (last line of the table, "config" in JSON).</summary>
    public string? Config { get; init; }

    /// <summary>
    /// The report. <paramref name="moved"/> holds what start moved onto each bridge (the run directory's record):
    /// a bridge that lost one of those addresses or default routes since (an expired lease, an admin's mistake) is
    /// unhealthy.
    /// </summary>
    /// <param name="traffic">bytes/s per bridge as the balancer last measured it (null: not measured or stale).</param>
    public static StatusReport Build(MultibridgeConfig config, IReadOnlyList<BridgeSpec> specs, NetState state, ISysfsNet sysfs,
        IReadOnlyList<UplinkRecord>? moved = null, IReadOnlyDictionary<string, double>? traffic = null,
        IReadOnlyDictionary<string, IReadOnlyList<VlanMember>>? portVlans = null)
    {
        var result = new List<BridgeStatus>();
        foreach (var spec in specs)
        {
            var bridge = state.ByName(spec.Name);
            var exists = bridge is { IsBridge: true };
            var pools = config.Pools.Values.Where(p => p.Bridges.Contains(spec.Declared)).Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
            var addresses = exists ? bridge!.MovableAddresses.Select(a => a.Cidr).ToList() : [];
            var guests = exists ? GuestPorts.On(sysfs, spec.Name, spec.Port) : [];
            LinkState? nic = spec.Uplink is null ? null : BridgePlanner.FindUplink(state, spec);
            var attached = nic is not null && nic.Master == spec.Name;
            bool? carrier = nic is null ? null : sysfs.HasCarrier(nic.Name);
            int? speed = nic is null ? null : sysfs.SpeedMbps(nic.Name);
            var kind = UplinkInfo.Of(spec, nic, state);
            var aware = exists && bridge!.VlanFiltering;
            var uplinkVlans = !aware || nic is null || !attached ? null
                : portVlans is not null && portVlans.TryGetValue(nic.Name, out var read) ? read : nic.PortVlans;
            string health;
            if (bridge is not null && !bridge.IsBridge) health = $"{spec.Name} is not a bridge";
            else if (!exists) health = "missing";
            else if (!bridge!.Up) health = "bridge down";
            else if (spec.Uplink is null) health = "ok (host-only)";
            else if (nic is null) health = $"uplink {spec.Uplink} missing";
            else if (!attached) health = $"uplink {nic.Name} not attached";
            else if (!nic.Up) health = $"uplink {nic.Name} down";
            else if (carrier != true) health = $"uplink {nic.Name} no carrier";
            else if (spec.VlanFiltering && !aware) health = "bridge not VLAN-aware (vlan_filtering = yes)";
            else if (VlansDiffer(spec, uplinkVlans) is { } differ) health = $"uplink {nic.Name} {differ}";
            else if (Lost(bridge, moved?.FirstOrDefault(r => r.Bridge == spec.Name && r.Uplink == spec.Uplink)) is { } lost) health = lost;
            else health = kind?.BondNote is { } note ? $"ok ({note})" : "ok";
            result.Add(new BridgeStatus(spec.Name, spec.Declared, nic?.Name ?? spec.Port, exists, attached, carrier, speed,
                addresses, guests, pools, health.StartsWith("ok", StringComparison.Ordinal), health)
            {
                TrafficMbps = traffic is null ? null : Math.Round((traffic.TryGetValue(spec.Name, out var rate) ? rate : 0) * 8 / 1e6, 1),
                UplinkKind = kind?.Kind,
                UplinkParent = kind?.Parent,
                UplinkVlanId = kind?.VlanId,
                UplinkBondMode = kind?.BondMode,
                UplinkBondSlaves = kind?.BondSlaves,
                VlanAware = exists ? aware : null,
                DefaultPvid = aware ? bridge!.DefaultPvid : null,
                UplinkVlans = uplinkVlans,
                GuestVlans = aware && portVlans is not null
                    ? guests.Select(g => new PortVlanStatus(g, portVlans.TryGetValue(g, out var v) ? v : [])).ToList() : null,
            });
        }
        return new StatusReport(result);
    }

    /// <summary>How the uplink's VLANs differ from what the bridge declares ("carries 10/20, not 1p/10/20/100-199"); null when they agree or are unknown.</summary>
    private static string? VlansDiffer(BridgeSpec spec, IReadOnlyList<VlanMember>? observed)
    {
        if (observed is null || spec.UplinkVlans is not { } declared) return null;
        var want = VlanSet.Create(declared, out _);
        var have = VlanSet.Create(observed, out _);
        if (want is null || have == want) return null;
        return $"carries {PortVlanStatus.Text(observed)}, not {PortVlanStatus.Text(declared)}";
    }

    private static string? Lost(LinkState bridge, UplinkRecord? record)
    {
        if (record is null) return null;
        var lostAddress = record.Addresses?.FirstOrDefault(a => !bridge.Addresses.Any(b => b.Cidr == a));
        if (lostAddress is not null) return $"lost address {lostAddress} (start moved it here)";
        var lostRoute = record.DefaultRoutes?.FirstOrDefault(r => !bridge.Routes.Any(b => b.Dst == "default" && UplinkRecord.DefaultRouteText(b) == r));
        return lostRoute is not null ? $"lost route {lostRoute} (start moved it here)" : null;
    }

    /// <summary>The human table.</summary>
    public string RenderTable()
    {
        // The TRAFFIC column only when `watch` has measured (a fresh record in the run directory).
        var withTraffic = Bridges.Any(b => b.TrafficMbps is not null);
        string[] header = withTraffic
            ? ["BRIDGE", "UPLINK", "CARRIER", "SPEED", "TRAFFIC", "ADDRESSES", "GUESTS", "POOL", "HEALTH"]
            : ["BRIDGE", "UPLINK", "CARRIER", "SPEED", "ADDRESSES", "GUESTS", "POOL", "HEALTH"];
        var rows = new List<string[]> { header };
        foreach (var b in Bridges)
        {
            string[] row = [
                b.Name == b.Declared ? b.Name : $"{b.Name} ({b.Declared})",
                b.Uplink ?? "-",
                b.Carrier switch { true => "yes", false => "no", null => "-" },
                b.SpeedMbps is { } s ? (s >= 1000 && s % 1000 == 0 ? $"{(s / 1000).ToString(CultureInfo.InvariantCulture)}Gb/s" : $"{s.ToString(CultureInfo.InvariantCulture)}Mb/s") : "-",
                b.Addresses.Count > 0 ? string.Join(',', b.Addresses) : "-",
                b.Guests.Count > 0 ? $"{b.Guests.Count.ToString(CultureInfo.InvariantCulture)} ({string.Join(',', b.Guests)})" : "0",
                b.Pools.Count > 0 ? string.Join(',', b.Pools) : "-",
                b.Health,
            ];
            if (withTraffic)
                row = [.. row[..4], b.TrafficMbps is { } t ? t.ToString("0.0", CultureInfo.InvariantCulture) + "Mb/s" : "-", .. row[4..]];
            rows.Add(row);
        }
        var widths = Enumerable.Range(0, header.Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            var line = new StringBuilder();
            for (var i = 0; i < row.Length; i++)
                line.Append(i == row.Length - 1 ? row[i] : row[i].PadRight(widths[i] + 2));
            text.Append(line.ToString().TrimEnd()).Append('\n');
        }
        if (Bridges.Count == 0) text.Append("(no bridges declared)\n");
        var details = StatusDetails.Lines(Bridges).ToList();
        if (details.Count > 0) text.Append('\n');
        foreach (var detail in details) text.Append(detail).Append('\n');
        if (Config is not null) text.Append("configuration: ").Append(Config).Append('\n');
        return text.ToString();
    }

    public string RenderJson() => JsonSerializer.Serialize(new StatusDocument(Healthy, Bridges, Config), StatusJsonContext.Default.StatusDocument);
}
