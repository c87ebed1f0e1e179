using System.Globalization;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Firewall;
using XenHotplug.Core.Metrics;
using XenHotplug.Core.Network;
using XenHotplug.Core.Status;
using XenHotplug.Host.Balancing;
using XenHotplug.Host.Firewall;
using XenHotplug.Host.Native;
using XenHotplug.Host.RunState;
using XenHotplug.Host.Xenstore;

namespace XenHotplug.Host.Metrics;

/// <summary>
/// Gathers <see cref="MetricsInput"/> around a status report: the byte counters of every uplink and guest vif
/// (sysfs), whose each vif is (its name or alias gives the domid; xenstore, when it answers within a second, the
/// domain's name), the balancer's record (when the run directory has one), vif-multibridge's run counters and, for root on a host that asks for
/// antispoof, the guards' drop counters (one `nft -j list table`). Nothing here fails the metrics: what cannot be
/// read is left out and said through <c>warn</c>.
/// </summary>
public sealed class MetricsCollector(MultibridgeConfig config, ISysfsNet sysfs, Action<string> warn)
{
    private readonly InterfaceStatistics _statistics = new();

    public MetricsInput Collect(StatusReport report)
    {
        var bytes = new Dictionary<string, DeviceBytes>(StringComparer.Ordinal);
        foreach (var dev in report.Bridges.SelectMany(b => b.Guests.Prepend(b.Uplink ?? "")).Where(d => d.Length > 0).Distinct(StringComparer.Ordinal))
        {
            if (_statistics.Read(dev) is { } counters) bytes[dev] = counters;
        }
        var store = new BalancerStore(config.Hotplug.RunDir);
        var record = File.Exists(store.Path) ? store.Read(warn) : null;
        IReadOnlyList<GuardedVif>? guards = null;
        var guardBridges = new Dictionary<string, string>(StringComparer.Ordinal);
        if (config.UsesAntispoof && FileOwner.EffectiveUserId == 0)
        {
            try
            {
                guards = FirewallStatus.Read(new NftRunner(), FirewallStatus.IsDormant());
                foreach (var g in guards) guardBridges[g.Interface] = sysfs.Master(g.Interface) ?? "";
            }
            catch (Exception e) when (e is FirewallException or IOException)
            {
                warn($"cannot read the antispoof guards ({e.Message}): no guard metrics");
            }
        }
        var runs = new HotplugRunFile(config.Hotplug.RunDir).Read(warn);
        return new MetricsInput(report) { Bytes = bytes, Guests = Identities(report), Balancer = record, Guards = guards, GuardBridges = guardBridges, HotplugRuns = runs };
    }

    private Dictionary<string, GuestIdentity> Identities(StatusReport report)
    {
        var ids = new Dictionary<string, int?>(StringComparer.Ordinal);
        foreach (var vif in report.Bridges.SelectMany(b => b.Guests))
            ids[vif] = BalanceSurvey.Identity(vif, sysfs.InterfaceAlias(vif))?.Domain;
        var names = DomainNames(ids.Values.OfType<int>().Distinct().ToList());
        return ids.ToDictionary(kv => kv.Key, kv => new GuestIdentity(kv.Value, kv.Value is { } d && names.TryGetValue(d, out var n) ? n : ""), StringComparer.Ordinal);
    }

    /// <summary>The domains' names from xenstore in one round trip; none when xenstore is not there or does not answer in time.</summary>
    private static Dictionary<int, string> DomainNames(List<int> domids)
    {
        var names = new Dictionary<int, string>();
        if (domids.Count == 0) return names;
        try
        {
            using var store = XenstoreClient.Connect(() => 1000);
            var values = store.ReadMany([.. domids.Select(d => $"/local/domain/{d.ToString(CultureInfo.InvariantCulture)}/name")]);
            for (var i = 0; i < domids.Count; i++)
            {
                if (values[i] is { } name) names[domids[i]] = name;
            }
        }
        catch (Exception e) when (e is XenstoreException or IOException or UnauthorizedAccessException or TimeoutException)
        {
            // Not in dom0, no xenstored, or not allowed to ask (status needs no root): the domids say whose the vifs are.
        }
        return names;
    }
}
