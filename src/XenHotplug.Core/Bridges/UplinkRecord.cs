using XenHotplug.Core.Network;

namespace XenHotplug.Core.Bridges;

/// <summary>
/// An uplink NIC before start changed it: its MTU and MAC (stop gives them back), and the addresses and default
/// routes start moved onto the bridge (status reports the bridge unhealthy when it lost one of them).
/// </summary>
public sealed record UplinkRecord(string Bridge, string Uplink, int Mtu, string? Mac,
    IReadOnlyList<string>? Addresses = null, IReadOnlyList<string>? DefaultRoutes = null)
{
    /// <summary>The 802.1Q device of a VLAN bridge (or the bond) was created by start (stop deletes it again: a VLAN device when it holds no addresses).</summary>
    public bool CreatedPort { get; init; }

    /// <summary>A bond start built (record keyed by the bond's name, <see cref="CreatedPort"/> set): its slaves as they were before (stop gives them back).</summary>
    public IReadOnlyList<LinkState>? Slaves { get; init; }

    /// <summary>How a default route is remembered and compared: "default via GATEWAY" or "default (FAMILY, on link)".</summary>
    public static string DefaultRouteText(IpRoute route) =>
        route.Gateway is { } gateway ? "default via " + gateway : $"default ({route.Family}, on link)";
}
