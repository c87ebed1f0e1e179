using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Naming;
using XenHotplug.Core.Network;
using XenHotplug.Core.Request;

namespace XenHotplug.Core.Placement;

/// <summary>
/// Chooses the bridge of a guest NIC. Precedence: (1) an explicit real bridge in the VM config (a backend
/// `bridge` that is neither `pool:NAME` nor listed in [policy] auto_bridge), (2) the first [domain:GLOB]
/// rule matching the guest's name, (3) a pool reference `bridge=pool:NAME`, (4) [policy] default_pool;
/// otherwise the backend value as vif-bridge would use it.
/// </summary>
public static class BridgePolicy
{
    public const string PoolPrefix = "pool:";

    /// <summary>
    /// Chooses the bridge from data: the host's interfaces and <paramref name="facts"/> (none: no cursor stored, no
    /// traffic measured, on no bridge). A pool keeps a vif on the bridge it is on now (an online repeated is
    /// idempotent), as long as that bridge is still one the pool would use.
    /// </summary>
    public static BridgeDecision Decide(MultibridgeConfig config, HotplugRequest request, VifSettings settings, ISysfsNet sysfs, PlacementFacts? facts = null)
    {
        facts ??= PlacementFacts.None;
        var source = request.XenbusPath + "/bridge";
        var requested = settings.Bridge;
        var poolReference = requested is not null && requested.StartsWith(PoolPrefix, StringComparison.Ordinal) ? requested[PoolPrefix.Length..] : null;
        var isAuto = requested is null || config.AutoBridges.Contains(requested);

        if (poolReference is null && !isAuto)
            return Explicit(config, requested!, sysfs, $"explicit bridge={requested} in the VM config", source);

        if (settings.DomainName is { } name)
        {
            foreach (var rule in config.DomainRules)
            {
                if (rule.PlacesNothing) continue; // a rule of only guard or port options places nothing
                if (GlobPattern.TryParse(rule.Glob, out _)!.IsMatch(name))
                {
                    var why = $"rule [domain:{rule.Glob}] matches guest '{name}'";
                    return rule.Bridge is { } b
                        ? Explicit(config, b, sysfs, why, $"[domain:{rule.Glob}] bridge")
                        : FromPool(config, config.Pools[rule.Pool!], request, settings, sysfs, facts, why);
                }
            }
        }

        if (poolReference is not null)
        {
            if (!config.Pools.TryGetValue(poolReference, out var pool))
            {
                var known = config.Pools.Count == 0 ? "none are declared" : "declared: " + string.Join(", ", config.Pools.Keys.Order(StringComparer.Ordinal));
                throw new HotplugException($"unknown pool '{poolReference}' in {source} ({known} in {config.SourceFile ?? ConfigValidator.DefaultPath})");
            }
            return FromPool(config, pool, request, settings, sysfs, facts, $"bridge=pool:{poolReference} in the VM config");
        }

        if (config.DefaultPool is { } defaultPool)
            return FromPool(config, config.Pools[defaultPool], request, settings, sysfs, facts,
                requested is null ? "no bridge set: [policy] default_pool" : $"bridge={requested} is an auto_bridge: [policy] default_pool");

        return Explicit(config, requested, sysfs, requested is null ? "no bridge set: the host's first bridge (vif-bridge behaviour)" : $"bridge={requested} (no policy applies)", source);
    }

    private static BridgeDecision Explicit(MultibridgeConfig config, string? bridge, ISysfsNet sysfs, string why, string source)
    {
        // A declared bridge is known under its host name (legacy naming: its uplink's); one that does not
        // exist yet is created by the attach; anything else must exist.
        if (bridge is not null && config.FindBridge(bridge) is not null)
        {
            var name = config.BridgeInterface(bridge);
            if (!sysfs.Exists(name)) return new BridgeDecision(name, why);
            bridge = name;
        }
        return new BridgeDecision(BridgeResolver.Resolve(bridge, sysfs, source), why);
    }

    private static BridgeDecision FromPool(MultibridgeConfig config, PoolDeclaration pool, HotplugRequest request, VifSettings settings, ISysfsNet sysfs, PlacementFacts facts, string why)
    {
        var currentMaster = facts.CurrentMaster;
        var candidates = CandidateSurvey.Survey(config, pool, sysfs);
        var eligible = candidates;
        if (facts.RequiredVids is { } vids)
        {
            candidates = candidates.Select(c => c with { Excluded = VlanProblem(c.Name, vids, sysfs, facts) }).ToList();
            eligible = candidates.Where(c => c.Excluded is null).ToList();
            if (eligible.Count == 0)
            {
                throw new HotplugException(
                    $"no bridge of pool '{pool.Name}' carries VLAN {string.Join(", ", vids)} ({string.Join("; ", candidates.Select(c => $"{c.Name}: {c.Excluded}"))})");
            }
        }
        var healthy = eligible.Where(c => c.Healthy).ToList();
        string? warning = null;
        var usable = healthy;
        if (healthy.Count == 0)
        {
            var states = string.Join(", ", eligible.Select(c => $"{c.Name}: {c.Health}"));
            if (config.WhenUnhealthy == UnhealthyAction.Fail)
                throw new HotplugException($"no healthy bridge in pool '{pool.Name}' ({states})");
            usable = eligible.Where(c => c.Exists || config.FindBridgeByInterface(c.Name) is not null).ToList();
            if (usable.Count == 0) throw new HotplugException($"no usable bridge in pool '{pool.Name}' ({states})");
            warning = $"no healthy bridge in pool '{pool.Name}' ({states}); using the best remaining one";
        }
        var strategyName = ConfigNames.Strategy.Name(pool.Strategy);
        if (currentMaster is not null && usable.Exists(c => c.Name == currentMaster))
        {
            return new BridgeDecision(currentMaster, why + $"; already attached to {currentMaster}, kept there")
            { Pool = pool.Name, Strategy = strategyName, Candidates = candidates, Warning = warning };
        }
        // The two halves of an HVM guest's NIC (the PV vif and the emulated tap) carry the same MAC: one bridge for both.
        if (TwinBridge(request, settings, sysfs) is { } twin && usable.Exists(c => c.Name == twin.Bridge))
        {
            return new BridgeDecision(twin.Bridge, why + $"; {twin.Device}, the other half of this NIC, is on {twin.Bridge}")
            { Pool = pool.Name, Strategy = strategyName, Candidates = candidates, Warning = warning };
        }
        BridgeCandidate choice;
        long? next = null;
        switch (pool.Strategy)
        {
            case PoolStrategy.LeastLoaded:
                choice = LeastLoadedStrategy.Choose(usable);
                break;
            case PoolStrategy.RoundRobin:
                var set = usable.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
                (choice, var n) = RoundRobinStrategy.Choose(candidates, facts.Cursor(pool.Name), c => set.Contains(c.Name));
                next = n;
                break;
            case PoolStrategy.LeastTraffic:
                var rates = facts.Rates;
                candidates = candidates.Select(c => c with { Rate = rates is not null && rates.TryGetValue(c.Name, out var r) ? r : null, SpeedMbps = LeastTrafficStrategy.Speed(config, c.Name, sysfs) }).ToList();
                choice = LeastTrafficStrategy.Choose(candidates.Where(c => usable.Exists(u => u.Name == c.Name)).ToList(), rates is not null);
                break;
            default:
                choice = StickyStrategy.Choose(usable, StickyStrategy.Identity(settings.DomainName, settings.DomainUuid, request.DomainId, request.DeviceId));
                break;
        }
        return new BridgeDecision(choice.Name, why) { Pool = pool.Name, Strategy = strategyName, Candidates = candidates, Warning = warning, NextCursor = next };
    }

    /// <summary>Why a NIC with these VLANs cannot be placed on the bridge (a bridge that does not carry its VLAN would cut it off), or null.</summary>
    private static string? VlanProblem(string bridge, IReadOnlyList<ushort> vids, ISysfsNet sysfs, PlacementFacts facts)
    {
        if (!sysfs.FiltersVlans(bridge)) return "does not filter VLANs";
        var carried = facts.UplinkVids is not null && facts.UplinkVids.TryGetValue(bridge, out var c) ? c : null;
        var missing = vids.Where(v => carried is null || !carried.Contains(v)).ToList();
        return missing.Count == 0 ? null : $"its uplink does not carry VLAN {string.Join(", ", missing)}";
    }

    /// <summary>
    /// The other half of the request's NIC (its tap for a vif, its vif for a tap) and the bridge it is on, when it
    /// exists and is provably this NIC's: libxl's name for it, or the alias vif-multibridge gave it when renaming.
    /// </summary>
    private static (string Device, string Bridge)? TwinBridge(HotplugRequest request, VifSettings settings, ISysfsNet sysfs)
    {
        var otherType = request.Type == InterfaceType.Tap ? InterfaceType.Vif : InterfaceType.Tap;
        var libxlName = IdentityGuard.LibxlName(otherType, request.DomainId, request.DeviceId);
        var name = settings.VifName is { } vifname ? (otherType == InterfaceType.Tap ? vifname + VifNames.TapSuffix : vifname) : libxlName;
        foreach (var candidate in name == libxlName ? [name] : new[] { name, libxlName })
        {
            if (!sysfs.Exists(candidate)) continue;
            if (candidate != libxlName && sysfs.InterfaceAlias(candidate) != request.OwnerAlias) continue;
            if (sysfs.Master(candidate) is { } bridge) return (candidate, bridge);
        }
        return null;
    }
}
