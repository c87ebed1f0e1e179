using XenHotplug.Core.Configuration;
using XenHotplug.Core.Naming;

namespace XenHotplug.Core.Firewall;

/// <summary>
/// Which antispoof mode applies to a guest NIC, and why: the first [domain:GLOB] rule matching the guest's
/// name that sets antispoof, else the pool the NIC was placed through if it sets antispoof, else [policy]
/// antispoof (default off: vif-bridge behaviour).
/// </summary>
public static class AntispoofPolicy
{
    public static (AntispoofMode Mode, string Why) Decide(MultibridgeConfig config, string? domainName, string? pool)
    {
        if (domainName is not null)
        {
            foreach (var rule in config.DomainRules)
            {
                if (rule.Antispoof is { } mode && GlobPattern.TryParse(rule.Glob, out _)!.IsMatch(domainName))
                    return (mode, $"[domain:{rule.Glob}] antispoof");
            }
        }
        if (pool is not null && config.Pools.TryGetValue(pool, out var declared) && declared.Antispoof is { } poolMode)
            return (poolMode, $"[pool:{pool}] antispoof");
        return (config.Antispoof, config.Antispoof == AntispoofMode.Off ? "[policy] antispoof (default off)" : "[policy] antispoof");
    }

    /// <summary>The one line an online of a NIC whose mode is <see cref="AntispoofMode.Disabled"/> fails with.</summary>
    public static string DisabledRefusal(string device, string why) =>
        $"antispoof = disabled ({why}): {device} is refused, this guest gets no network on it";
}
