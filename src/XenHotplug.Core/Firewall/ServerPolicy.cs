using XenHotplug.Core.Configuration;
using XenHotplug.Core.Naming;

namespace XenHotplug.Core.Firewall;

/// <summary>
/// Whether a guarded guest may act as a router (IPv6 router advertisements and redirects, IPv4 ICMP redirects) or as a DHCP server
/// (DHCPv4 offers and acks, DHCPv6 advertise and reply): each from the first [domain:GLOB] rule matching the guest's
/// name that sets allow_router (allow_dhcp_server), else the pool the NIC was placed through, else no.
/// </summary>
public static class ServerPolicy
{
    public static (bool AllowRouter, bool AllowDhcpServer) Decide(MultibridgeConfig config, string? domainName, string? pool)
    {
        bool? router = null, dhcp = null;
        if (domainName is not null)
        {
            foreach (var rule in config.DomainRules)
            {
                if ((rule.AllowRouter is null || router is not null) && (rule.AllowDhcpServer is null || dhcp is not null)) continue;
                if (!GlobPattern.TryParse(rule.Glob, out _)!.IsMatch(domainName)) continue;
                router ??= rule.AllowRouter;
                dhcp ??= rule.AllowDhcpServer;
            }
        }
        if (pool is not null && config.Pools.TryGetValue(pool, out var declared))
        {
            router ??= declared.AllowRouter;
            dhcp ??= declared.AllowDhcpServer;
        }
        return (router ?? false, dhcp ?? false);
    }
}
