using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;

namespace XenHotplug.Core.Firewall;

/// <summary>
/// What antispoof = dhcp learns from: the DHCP acks that reach the guest's port from a port the administrator trusts
/// to carry the DHCP server — the uplink of a declared [bridge:NAME] (a guest's port never is one). The kernel does
/// the learning (a dynset rule on the bridge's forward hook): user space sees no packet at all.
/// </summary>
public static class DhcpLearning
{
    /// <summary>Every declared bridge's uplink port (pethN under legacy naming): the ports DHCP acks are learnt from.</summary>
    public static IReadOnlyList<string> ServerPorts(MultibridgeConfig config) =>
        config.Bridges.Select(b => config.UplinkPort(b.Name)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The dhcp-mode guard's trusted ports, or a one-line refusal when there is none to learn from.</summary>
    public static IReadOnlyList<string> RequireServerPorts(MultibridgeConfig config)
    {
        var ports = ServerPorts(config);
        return ports.Count > 0 ? ports
            : throw new HotplugException("antispoof = dhcp learns the guest's address from DHCP acks arriving by a bridge's uplink, but no [bridge:NAME] declares an uplink");
    }
}
