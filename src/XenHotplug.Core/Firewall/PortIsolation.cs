using XenHotplug.Core.Configuration;
using XenHotplug.Core.Naming;

namespace XenHotplug.Core.Firewall;

/// <summary>
/// Whether a guest NIC's bridge port is isolated (the kernel's bridge-port isolated flag: the port talks to the uplink
/// and to non-isolated ports, never to another isolated guest), and why: the first [domain:GLOB] rule matching the
/// guest's name that sets isolated, else the pool the NIC was placed through, else the [bridge:NAME] it is put on,
/// else not isolated.
/// </summary>
public static class PortIsolation
{
    public static (bool Isolated, string Why) Decide(MultibridgeConfig config, string? domainName, string? pool, string bridgeInterface)
    {
        if (domainName is not null)
        {
            foreach (var rule in config.DomainRules)
            {
                if (rule.Isolated is { } isolated && GlobPattern.TryParse(rule.Glob, out _)!.IsMatch(domainName))
                    return (isolated, $"[domain:{rule.Glob}] isolated");
            }
        }
        if (pool is not null && config.Pools.TryGetValue(pool, out var declared) && declared.Isolated is { } poolIsolated)
            return (poolIsolated, $"[pool:{pool}] isolated");
        if (config.FindBridgeByInterface(bridgeInterface) is { Isolated: { } bridgeIsolated } bridge)
            return (bridgeIsolated, $"[bridge:{bridge.Name}] isolated");
        return (false, "not isolated (default)");
    }
}
