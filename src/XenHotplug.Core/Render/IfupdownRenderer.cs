using System.Globalization;
using System.Text;

namespace XenHotplug.Core.Render;

/// <summary>
/// One /etc/network/interfaces.d file per bridge for ifupdown with bridge-utils' bridge_* options: the NIC as
/// `inet manual`, the bridge `auto` with bridge_ports, STP off, forward delay 0, the NIC's MAC and MTU, and its IPv4
/// (dhcp or static) and static IPv6 addressing and routes. A VLAN bridge's port is its 802.1Q device's stanza with
/// vlan-raw-device; a VLAN-aware bridge has bridge-vlan-aware (and its native VLAN's bridge-pvid) and its uplink's
/// stanza the bridge-vids (runs as A-B) and bridge-pvid it carries, as ifupdown2 and ifupdown-ng read them.
/// </summary>
public static class IfupdownRenderer
{
    public static IReadOnlyList<RenderedFile> Render(BridgeAddressing b, string header)
    {
        var text = new StringBuilder($"# {header}\n# {b.Note}\n");
        if (b.Uplink is { } nic)
        {
            text.Append($"# Remove {nic}'s own stanza (auto/allow-hotplug/iface {nic}) from /etc/network/interfaces.\n")
                .Append($"iface {nic} inet manual\n");
            if (b.Bond is { } bond) text.Append(BondOptions(bond));
            // The vlan package (ifupdown2, ifupdown-ng: built in) creates the 802.1Q device on the raw device.
            if (b.VlanParent is { } parent) text.Append($"    vlan-raw-device {parent}\n");
            if (b.VlanFiltering)
            {
                var tagged = VlanRanges.Tagged(b.UplinkVlans);
                if (tagged.Count > 0) text.Append($"    bridge-vids {string.Join(' ', tagged)}\n");
                if (VlanRanges.Pvid(b.UplinkVlans) is { } pvid) text.Append($"    bridge-pvid {VlanRanges.N(pvid)}\n");
            }
            text.Append('\n');
        }
        text.Append($"auto {b.Bridge}\n");
        var options = new StringBuilder($"    bridge_ports {b.Uplink ?? "none"}\n    bridge_stp off\n    bridge_fd 0\n    bridge_maxwait 0\n");
        if (b.VlanFiltering)
        {
            // ifupdown2 / ifupdown-ng options (interfaces-bridge(5)); the uplink's stanza above carries its VLANs.
            options.Append("    bridge-vlan-aware yes\n");
            if (VlanRanges.Pvid(b.UplinkVlans) is { } native) options.Append($"    bridge-pvid {VlanRanges.N(native)}\n");
        }
        Stanza(text, b, options.ToString());
        return [new RenderedFile(b.Bridge, text.ToString())];
    }

    /// <summary>
    /// `iface NAME inet dhcp|static|manual` for <paramref name="b"/>'s addressing (NAME is <see cref="BridgeAddressing.Bridge"/>),
    /// <paramref name="options"/> first, then the MAC, addresses, gateway, MTU, routes and the inet6 stanza.
    /// </summary>
    public static void Stanza(StringBuilder text, BridgeAddressing b, string options)
    {
        var v4 = b.Dhcp4 ? "dhcp" : b.Addresses4.Count > 0 ? "static" : "manual";
        text.Append($"iface {b.Bridge} inet {v4}\n").Append(options);
        if (b.Mac is not null) text.Append($"    hwaddress {b.Mac}\n");
        var gateway = v4 == "static" ? b.Routes.FirstOrDefault(r => !r.IPv6 && r.IsDefault && r.Gateway is not null) : null;
        if (v4 == "static")
        {
            text.Append($"    address {b.Addresses4[0]}\n");
            if (gateway is not null)
            {
                text.Append($"    gateway {gateway.Gateway}\n");
                if (gateway.Metric is { } m) text.Append($"    metric {N(m)}\n");
            }
        }
        if (b.Mtu is { } mtu)
        {
            if (b.Uplink is not null) text.Append($"    pre-up ip link set dev {b.Uplink} mtu {N(mtu)}\n");
            text.Append($"    up ip link set dev {b.Bridge} mtu {N(mtu)}\n");
        }
        foreach (var extra in b.Addresses4.Skip(v4 == "static" ? 1 : 0))
            text.Append($"    up ip address add {extra} dev {b.Bridge}\n");
        foreach (var r in b.Routes.Where(r => !r.IPv6 && r != gateway))
            text.Append($"    up ip route add {Route(r, b.Bridge)}\n");
        if (b.Addresses6.Count > 0)
        {
            text.Append($"\niface {b.Bridge} inet6 static\n    address {b.Addresses6[0]}\n");
            var gateway6 = b.Routes.FirstOrDefault(r => r.IPv6 && r.IsDefault && r.Gateway is not null);
            if (gateway6 is not null) text.Append($"    gateway {gateway6.Gateway}\n");
            foreach (var extra in b.Addresses6.Skip(1))
                text.Append($"    up ip -6 address add {extra} dev {b.Bridge}\n");
            foreach (var r in b.Routes.Where(r => r.IPv6 && r != gateway6))
                text.Append($"    up ip -6 route add {Route(r, b.Bridge)}\n");
        }
    }

    /// <summary>The ifenslave options of a bond's stanza (bond-slaves on the bond itself, as ifupdown's ifenslave hook reads them).</summary>
    public static string BondOptions(Bridges.BondSpec bond)
    {
        var text = new StringBuilder($"    bond-slaves {string.Join(' ', bond.Slaves)}\n    bond-mode {bond.ModeName}\n    bond-miimon {N(bond.Miimon)}\n");
        if (bond.Primary is { } primary) text.Append($"    bond-primary {primary}\n");
        if (bond.LacpRate is { } rate) text.Append($"    bond-lacp-rate {rate}\n");
        if (bond.XmitHashPolicy is { } hash) text.Append($"    bond-xmit-hash-policy {hash}\n");
        return text.ToString();
    }

    private static string Route(RenderedRoute r, string dev)
    {
        var words = new List<string> { r.Prefix };
        if (r.Gateway is not null) words.AddRange(["via", r.Gateway]);
        if (r.Metric is { } m) words.AddRange(["metric", N(m)]);
        words.AddRange(["dev", dev]);
        return string.Join(' ', words);
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
