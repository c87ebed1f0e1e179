using System.Globalization;
using System.Text.RegularExpressions;
using XenHotplug.Core.Balancing;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Naming;
using XenHotplug.Core.Network;
using XenHotplug.Host.Xenstore;

namespace XenHotplug.Host.Balancing;

/// <summary>
/// Looks at the host for one balancing pass: every pool's bridges and their uplinks' health (sysfs), every guest vif
/// on them with its measured rate, and, from xenstore, which pool placed it (pinned guests are marked) and its MAC.
/// </summary>
public static partial class BalanceSurvey
{
    public static BalanceState Take(MultibridgeConfig config, ISysfsNet sysfs, Func<IXenstore?> xenstore, IReadOnlyDictionary<string, double> rates,
        BalancerRecord record, DateTimeOffset now, Action<string> warn)
    {
        var pools = new List<BalancePool>();
        var bridges = new List<(string Name, string? Uplink)>();
        foreach (var pool in config.Pools.Values)
        {
            var members = pool.Bridges.Select(b => (Name: config.BridgeInterface(b), Uplink: config.UplinkPort(b), Weight: config.FindBridge(b)?.Weight ?? 1)).ToList();
            var speeds = members.Select(m => m.Uplink is null ? null : sysfs.SpeedMbps(m.Uplink)).ToList();
            var bySpeed = speeds.TrueForAll(s => s is not null);
            var list = members.Select((m, i) =>
            {
                var (healthy, health) = Health(sysfs, m.Name, m.Uplink);
                return new BalanceBridge(m.Name, m.Uplink, m.Weight * (bySpeed ? speeds[i]!.Value : 1), healthy, health);
            }).ToList();
            pools.Add(new BalancePool(pool.Name, list, pool.SharedSegment, pool.Failback));
            foreach (var m in members)
            {
                if (!bridges.Exists(b => b.Name == m.Name)) bridges.Add((m.Name, m.Uplink));
            }
        }

        var guests = new List<BalanceGuest>();
        IXenstore? store = null;
        string? storeProblem = null;
        foreach (var (bridge, uplink) in bridges)
        {
            if (!sysfs.IsBridge(bridge)) continue;
            foreach (var port in GuestPorts.On(sysfs, bridge, uplink))
            {
                var guest = new BalanceGuest(port, bridge, rates.TryGetValue(port, out var r) ? r : 0)
                {
                    Home = record.Homes.TryGetValue(port, out var home) ? home : null,
                };
                var id = Identity(port, sysfs.InterfaceAlias(port));
                if (id is null) continue; // marked, but not with a NIC's ids: no guest, and it counts for nothing
                if (id.Value.Emulated)
                {
                    guests.Add(guest with { Pinned = $"emulated twin of vif{id.Value.Domain}.{id.Value.Device} (moves with it)", Twin = true, TwinOf = port[..^VifNames.TapSuffix.Length] });
                    continue;
                }
                if (store is null && storeProblem is null)
                {
                    try
                    {
                        store = xenstore();
                        storeProblem = store is null ? "no xenstore" : null;
                    }
                    catch (XenstoreException e)
                    {
                        storeProblem = "xenstore: " + e.Message;
                        warn($"cannot read xenstore ({e.Message}): no guest is moved");
                    }
                }
                if (store is null)
                {
                    guests.Add(guest with { Pinned = storeProblem });
                    continue;
                }
                guests.Add(Classify(config, store, guest, id.Value.Domain, id.Value.Device));
            }
        }
        var keep = now - TimeSpan.FromMinutes(10);
        return new BalanceState(pools, guests, record.Moves.Where(m => m.At > keep).ToList(), now);
    }

    private static BalanceGuest Classify(MultibridgeConfig config, IXenstore store, BalanceGuest guest, int domain, int device)
    {
        var backend = $"/local/domain/0/backend/vif/{domain.ToString(CultureInfo.InvariantCulture)}/{device.ToString(CultureInfo.InvariantCulture)}";
        IReadOnlyList<string?> values;
        try
        {
            values = store.ReadMany([backend + "/frontend-id", backend + "/bridge", backend + "/mac", $"/local/domain/{domain.ToString(CultureInfo.InvariantCulture)}/name", backend + "/vifname"]);
        }
        catch (XenstoreException e)
        {
            return guest with { Pinned = "xenstore: " + e.Message };
        }
        if (values[0] is null) return guest with { Pinned = "no xenstore backend (the guest is going away?)" };
        // A renamed HVM guest's tap is VIFNAME-emu and carries the vif's alias: the twin, not a guest of its own.
        if (values[4]?.Trim() is { Length: > 0 } vifname && guest.Vif == vifname + VifNames.TapSuffix)
            return guest with { Pinned = $"emulated twin of {vifname} (moves with it)", Twin = true, TwinOf = vifname };
        var (pool, pinned) = GuestClassifier.Classify(config, values[1], values[3]);
        return guest with { Pool = pool, Pinned = pinned, Mac = values[2]?.Trim() };
    }

    /// <summary>The bridge's health for the balancer: "carrier lost on eth0" is the reason a failover logs.</summary>
    public static (bool, string) Health(ISysfsNet sysfs, string bridge, string? uplink)
    {
        if (!sysfs.IsBridge(bridge)) return (false, $"bridge {bridge} is missing");
        if (uplink is null) return (true, "host-only");
        if (!sysfs.Exists(uplink)) return (false, $"uplink {uplink} is missing");
        if (!sysfs.IsUp(uplink)) return (false, $"uplink {uplink} is down");
        if (!sysfs.HasCarrier(uplink)) return (false, $"carrier lost on {uplink}");
        if (sysfs.Master(uplink) != bridge) return (false, $"uplink {uplink} is not a port of {bridge}");
        return (true, $"carrier on {uplink}");
    }

    /// <summary>(domain, device, emulated) of vifD.N / vifD.N-emu, or of a renamed vif by its alias xen-vif-D.N.</summary>
    public static (int Domain, int Device, bool Emulated)? Identity(string port, string? alias)
    {
        var m = VifName().Match(port);
        if (!m.Success && alias is not null && alias.StartsWith(GuestPorts.AliasPrefix, StringComparison.Ordinal))
            m = VifName().Match("vif" + alias[GuestPorts.AliasPrefix.Length..]);
        if (!m.Success) return null;
        return (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), m.Groups[3].Success);
    }

    [GeneratedRegex(@"^vif([0-9]{1,5})\.([0-9]{1,5})(-emu)?$")]
    private static partial Regex VifName();
}
