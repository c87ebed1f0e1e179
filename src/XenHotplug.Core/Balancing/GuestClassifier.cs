using XenHotplug.Core.Configuration;
using XenHotplug.Core.Naming;
using XenHotplug.Core.Placement;

namespace XenHotplug.Core.Balancing;

/// <summary>
/// Which pool placed a guest vif, by the same precedence as <see cref="BridgePolicy"/>: an explicit real bridge or a
/// [domain:GLOB] rule with bridge = pins it (never moved); a rule with pool =, bridge=pool:NAME or [policy]
/// default_pool makes it that pool's.
/// </summary>
public static class GuestClassifier
{
    /// <summary>(pool, null) for a vif the pool placed; (null, why) for a pinned one.</summary>
    public static (string? Pool, string? Pinned) Classify(MultibridgeConfig config, string? backendBridge, string? domainName)
    {
        var poolReference = backendBridge is not null && backendBridge.StartsWith(BridgePolicy.PoolPrefix, StringComparison.Ordinal)
            ? backendBridge[BridgePolicy.PoolPrefix.Length..] : null;
        var isAuto = backendBridge is null || config.AutoBridges.Contains(backendBridge);
        if (poolReference is null && !isAuto) return (null, $"explicit bridge={backendBridge}");
        if (domainName is not null)
        {
            foreach (var rule in config.DomainRules)
            {
                if (GlobPattern.TryParse(rule.Glob, out _)?.IsMatch(domainName) != true) continue;
                return rule.Bridge is { } b ? (null, $"rule [domain:{rule.Glob}] bridge = {b}") : (rule.Pool, null);
            }
        }
        if (poolReference is not null)
            return config.Pools.ContainsKey(poolReference) ? (poolReference, null) : (null, $"unknown pool '{poolReference}'");
        return config.DefaultPool is { } pool ? (pool, null) : (null, "no pool applies");
    }
}
