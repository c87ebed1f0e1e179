namespace XenHotplug.Core.Configuration;

/// <summary>[hotplug] network_backend: how vif ports are configured.</summary>
public enum NetworkBackend
{
    /// <summary>rtnetlink directly, no process.</summary>
    Netlink,

    /// <summary>One `ip -batch` child through CliWrap.</summary>
    Ip,
}
