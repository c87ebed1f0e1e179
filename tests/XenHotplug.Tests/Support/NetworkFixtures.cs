using XenHotplug.Core.Bridges;
using XenHotplug.Core.Network;

namespace XenHotplug.Tests.Support;

/// <summary>States as `ip -j` reports them (captured from a namespace) and hand-built ones.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class NetworkFixtures
{
    public const string Addresses = """
        [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"address":"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":"lo"},{"family":"inet6","local":"::1","prefixlen":128,"scope":"host"}]},
         {"ifindex":2,"link_index":2,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"address":"d2:80:48:97:fd:13","linkinfo":{"info_kind":"veth"},
          "addr_info":[{"family":"inet","local":"10.77.0.2","prefixlen":24,"broadcast":"10.77.0.255","scope":"global","label":"eth0","valid_life_time":4294967295,"preferred_life_time":4294967295},
                       {"family":"inet","local":"10.77.0.3","prefixlen":24,"scope":"global","secondary":true,"label":"eth0:1","valid_life_time":4294967295,"preferred_life_time":4294967295},
                       {"family":"inet6","local":"fd77::2","prefixlen":64,"scope":"global","valid_life_time":4294967295,"preferred_life_time":4294967295},
                       {"family":"inet6","local":"fe80::d080:48ff:fe97:fd13","prefixlen":64,"scope":"link","valid_life_time":4294967295,"preferred_life_time":4294967295}]}]
        """;

    public const string Routes4 = """
        [{"dst":"default","gateway":"10.77.0.1","dev":"eth0","flags":[]},{"dst":"10.77.0.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"10.77.0.2","flags":[]},{"dst":"10.99.0.0/16","gateway":"10.77.0.1","dev":"eth0","protocol":"static","metric":50,"flags":[]},{"dst":"blackhole 10.1.0.0/16","type":"blackhole","flags":[]}]
        """;

    public const string Routes6 = """
        [{"dst":"fd77::/64","dev":"eth0","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},{"dst":"fe80::/64","dev":"eth0","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},{"dst":"default","gateway":"fd77::1","dev":"eth0","metric":1024,"flags":[],"pref":"medium"}]
        """;

    public static NetState Unbridged() => NetState.Parse(Addresses, Routes4, Routes6);

    public static readonly BridgeSpec Xenbr0 = new("xenbr0", "xenbr0", "eth0", "eth0", null);
    public static readonly BridgeSpec Legacy0 = new("xenbr0", "eth0", "eth0", "peth0", null);

    /// <summary>The state a start leaves: bridge with the NIC's MAC, addresses and routes; NIC enslaved.</summary>
    public static NetState Started(NetState before, BridgeSpec spec)
    {
        var nic = before.ByName(spec.Uplink!)!;
        var bridge = new LinkState(10, spec.Name, "bridge", null, nic.Mac, nic.Mtu, true,
            [.. nic.MovableAddresses.Select(a => a.IsIPv6 ? a with { NoDad = true } : a)],
            [.. nic.MovableRoutes, .. nic.Routes.Where(r => r.IsKernel && !r.Dst.StartsWith("fe80", StringComparison.Ordinal))]);
        var port = nic with { Name = spec.Port!, Master = spec.Name, Addresses = [.. nic.Addresses.Where(a => !a.IsMovable)], Routes = [] };
        return new NetState([.. before.Links.Where(l => l.Name != nic.Name), port, bridge]);
    }
}
