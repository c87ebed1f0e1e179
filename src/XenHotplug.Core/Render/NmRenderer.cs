using System.Globalization;
using System.Text;

namespace XenHotplug.Core.Render;

/// <summary>
/// NetworkManager keyfiles for one bridge (mode 0600, /etc/NetworkManager/system-connections): NAME.nmconnection
/// (a bridge: STP off, the uplink's MAC and MTU, IPv4 auto or manual, IPv6 auto with EUI-64 addresses as the kernel
/// made them on the NIC) and NAME-port-NIC.nmconnection (the NIC as its port). With STP off the kernel forwards at
/// once, so NetworkManager's forward-delay (2-30 s) does not apply. A VLAN bridge's port is a type=vlan connection
/// ([vlan] parent=, id=) enslaved to the bridge; a VLAN-aware bridge has vlan-filtering=true and vlan-default-pvid=
/// (0: none) and its port [bridge-port] vlans= ("1 pvid untagged,10,100-199").
/// </summary>
public static class NmRenderer
{
    public static IReadOnlyList<RenderedFile> Render(BridgeAddressing b, string header)
    {
        var files = new List<RenderedFile>();
        var bridge = new StringBuilder($"# {header}\n# {b.Note}\n");
        bridge.Append("[connection]\n").Append($"id={K(b.Bridge)}\n").Append($"uuid={StableUuid.For(b.Bridge)}\n")
            .Append("type=bridge\n").Append($"interface-name={K(b.Bridge)}\n").Append("autoconnect-slaves=1\n");
        if (b.Mac is not null || b.Mtu is not null)
        {
            bridge.Append("\n[ethernet]\n");
            if (b.Mac is not null) bridge.Append($"cloned-mac-address={b.Mac}\n");
            if (b.Mtu is { } mtu) bridge.Append($"mtu={N(mtu)}\n");
        }
        bridge.Append("\n[bridge]\nstp=false\n");
        if (b.Mac is not null) bridge.Append($"mac-address={b.Mac}\n");
        if (b.VlanFiltering) bridge.Append("vlan-filtering=true\n").Append($"vlan-default-pvid={N(b.DefaultPvid ?? 0)}\n");

        AppendIp(bridge, b);
        files.Add(new RenderedFile($"{b.Bridge}.nmconnection", bridge.ToString(), Private: true));

        if (b.Uplink is { } nic)
        {
            var port = new StringBuilder($"# {header}\n");
            var id = $"{b.Bridge}-port-{nic}";
            port.Append("[connection]\n").Append($"id={K(id)}\n").Append($"uuid={StableUuid.For(id)}\n")
                .Append(b.Bond is not null ? "type=bond\n" : b.VlanParent is null ? "type=ethernet\n" : "type=vlan\n")
                .Append($"interface-name={K(nic)}\n").Append($"master={K(b.Bridge)}\n").Append("slave-type=bridge\n");
            if (b.Bond is { } bond) AppendBond(port, bond);
            if (b.Mtu is { } mtu) port.Append($"\n[ethernet]\nmtu={N(mtu)}\n");
            if (b.VlanParent is { } parent && b.VlanId is { } vid) port.Append($"\n[vlan]\nparent={K(parent)}\nid={N(vid)}\n");
            if (b.VlanFiltering && b.UplinkVlans.Count > 0)
            {
                var terms = new List<string>();
                if (VlanRanges.Pvid(b.UplinkVlans) is { } pvid) terms.Add($"{N(pvid)} pvid untagged");
                terms.AddRange(VlanRanges.Tagged(b.UplinkVlans));
                port.Append($"\n[bridge-port]\nvlans={string.Join(',', terms)}\n");
            }
            files.Add(new RenderedFile($"{id}.nmconnection", port.ToString(), Private: true));
        }
        return files;
    }

    /// <summary>The [ipv4] and [ipv6] sections of <paramref name="b"/>'s addressing (IPv4 auto, manual or disabled; IPv6 auto with EUI-64).</summary>
    public static void AppendIp(StringBuilder bridge, BridgeAddressing b)
    {
        bridge.Append("\n[ipv4]\n");
        var v4Gateway = b.Routes.FirstOrDefault(r => !r.IPv6 && r.IsDefault && r.Gateway is not null);
        if (b.Dhcp4)
        {
            bridge.Append("method=auto\ndhcp-client-id=mac\n");
        }
        else if (b.Addresses4.Count > 0)
        {
            bridge.Append("method=manual\n");
            for (var i = 0; i < b.Addresses4.Count; i++) bridge.Append($"address{N(i + 1)}={b.Addresses4[i]}\n");
            if (v4Gateway is not null) bridge.Append($"gateway={v4Gateway.Gateway}\n");
            if (v4Gateway?.Metric is { } metric) bridge.Append($"route-metric={N(metric)}\n");
        }
        else
        {
            bridge.Append("method=disabled\n");
        }
        AppendRoutes(bridge, b.Routes.Where(r => !r.IPv6 && r != v4Gateway));

        bridge.Append("\n[ipv6]\nmethod=auto\naddr-gen-mode=eui64\n");
        for (var i = 0; i < b.Addresses6.Count; i++) bridge.Append($"address{N(i + 1)}={b.Addresses6[i]}\n");
        var v6Gateway = b.Routes.FirstOrDefault(r => r.IPv6 && r.IsDefault && r.Gateway is not null);
        if (v6Gateway is not null && b.Addresses6.Count > 0) bridge.Append($"gateway={v6Gateway.Gateway}\n");
        AppendRoutes(bridge, b.Routes.Where(r => r.IPv6 && !(r == v6Gateway && b.Addresses6.Count > 0)));
    }

    /// <summary>A bond connection's [bond] section: the driver's options by their own names (nm-settings-keyfile(5)).</summary>
    public static void AppendBond(StringBuilder text, Bridges.BondSpec bond)
    {
        text.Append("\n[bond]\n").Append($"mode={bond.ModeName}\n").Append($"miimon={N(bond.Miimon)}\n");
        if (bond.Primary is { } primary) text.Append($"primary={K(primary)}\n");
        if (bond.LacpRate is { } rate) text.Append($"lacp_rate={rate}\n");
        if (bond.XmitHashPolicy is { } hash) text.Append($"xmit_hash_policy={hash}\n");
    }

    private static void AppendRoutes(StringBuilder text, IEnumerable<RenderedRoute> routes)
    {
        var n = 0;
        foreach (var r in routes)
        {
            n++;
            var value = r.Prefix + (r.Gateway is not null || r.Metric is not null ? "," + (r.Gateway ?? (r.IPv6 ? "::" : "0.0.0.0")) : "")
                + (r.Metric is { } m ? "," + N(m) : "");
            text.Append($"route{N(n)}={value}\n");
        }
    }

    public static string K(string value) => RenderedText.KeyfileValue(value);

    public static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
