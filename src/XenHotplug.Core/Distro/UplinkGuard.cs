using System.Globalization;
using XenHotplug.Core.Bridges;
using XenHotplug.Core.Network;

namespace XenHotplug.Core.Distro;

/// <summary>
/// Decides whether start may move an uplink's addressing onto its bridge. It must not when something else keeps
/// configuring the NIC: a network manager (it fights over the NIC and its addresses), a DHCP client, or an IPv4
/// lease (a finite address lifetime, a `proto dhcp` route): the lease is not renewed on the bridge, and dom0 loses
/// its address and default route when it expires. IPv6 SLAAC addresses and `proto ra` routes are the kernel's own
/// and are never moved, so they do not count.
/// </summary>
public static class UplinkGuard
{
    public const string WayOut =
        "let the distribution build the bridge ('network-multibridge render networkd|ifupdown|nm'), or use --force if you know the addressing is static";

    /// <summary>The one-line refusal for start, or null when the NIC's addressing may be moved.</summary>
    public static string? Refusal(BridgeSpec spec, LinkState nic, UplinkFacts facts)
    {
        var cause = Cause(nic, facts);
        return cause is null ? null : $"bridge {spec.Name}: not moving {nic.Name}: {cause}; {WayOut}";
    }

    /// <summary>Why the NIC's addressing is not start's to move, or null.</summary>
    public static string? Cause(LinkState nic, UplinkFacts facts)
    {
        if (facts.Manager is { } manager)
            return $"it is managed by {manager}";
        if (facts.DhcpClients.Count > 0)
            return $"a DHCP client runs for it ({string.Join(", ", facts.DhcpClients)})";
        if (nic.Addresses.FirstOrDefault(a => !a.IsIPv6 && a.IsMovable && a.HasFiniteLifetime) is { } lease)
            return $"its IPv4 address {lease.Cidr} is dynamic (valid_lft {lease.ValidLft!.Value.ToString(CultureInfo.InvariantCulture)}s, a DHCP lease)";
        if (nic.Routes.FirstOrDefault(r => !r.IsIPv6 && r.Protocol == "dhcp") is { } route)
            return $"its IPv4 route {route.Dst}{(route.Gateway is null ? "" : " via " + route.Gateway)} is proto dhcp";
        return null;
    }
}
