using System.Globalization;
using System.Text;

namespace XenHotplug.Core.Render;

/// <summary>
/// systemd-networkd files for one bridge: 05-NAME.netdev (the bridge: STP off, forward delay 0, the uplink's MAC and
/// MTU), 05-NAME.network (its addressing) and 05-NAME-NIC.network (the NIC as its port). The "05-" prefix sorts them
/// before a distribution's usual 10-/20- files: networkd applies the first .network file that matches.
/// A VLAN bridge adds 05-DEVICE.netdev (Kind=vlan, [VLAN] Id=) and its parent's VLAN= line goes into the parent's
/// one .network (<see cref="ParentNetwork"/>); a VLAN-aware bridge filters (VLANFiltering=, DefaultPVID=) and its
/// port's .network carries one [BridgeVLAN] section per VLAN or run of VLANs (the PVID with PVID= and EgressUntagged=).
/// </summary>
public static class NetworkdRenderer
{
    public static IReadOnlyList<RenderedFile> Render(BridgeAddressing b, string header)
    {
        var files = new List<RenderedFile>();
        var netdev = new StringBuilder(Header(header, b));
        netdev.Append("[NetDev]\n").Append($"Name={b.Bridge}\n").Append("Kind=bridge\n");
        if (b.Mac is not null) netdev.Append($"MACAddress={b.Mac}\n");
        if (b.Mtu is { } mtu) netdev.Append($"MTUBytes={N(mtu)}\n");
        netdev.Append("\n[Bridge]\nSTP=no\nForwardDelaySec=0\n");
        if (b.VlanFiltering)
            netdev.Append("VLANFiltering=yes\n").Append($"DefaultPVID={(b.DefaultPvid is > 0 and var p ? N(p) : "none")}\n");
        files.Add(new RenderedFile($"05-{b.Bridge}.netdev", netdev.ToString()));

        var network = new StringBuilder(Header(header, b));
        network.Append("[Match]\n").Append($"Name={b.Bridge}\n\n[Network]\n");
        // A host-only bridge has a carrier only while a guest is attached: configure it anyway.
        AppendAddressing(network, b, "ConfigureWithoutCarrier=yes\n");
        files.Add(new RenderedFile($"05-{b.Bridge}.network", network.ToString()));

        if (b.Uplink is { } nic)
        {
            if (b.VlanParent is not null && b.VlanId is { } vid)
            {
                var vlan = new StringBuilder(Header(header, b));
                vlan.Append("[NetDev]\n").Append($"Name={nic}\n").Append("Kind=vlan\n");
                if (b.Mtu is { } vlanMtu) vlan.Append($"MTUBytes={N(vlanMtu)}\n");
                vlan.Append($"\n[VLAN]\nId={N(vid)}\n");
                files.Add(new RenderedFile($"05-{nic}.netdev", vlan.ToString()));
            }
            var port = new StringBuilder(Header(header, b));
            port.Append("[Match]\n").Append($"Name={nic}\n\n[Network]\n").Append($"Bridge={b.Bridge}\n");
            if (b.Mtu is { } portMtu) port.Append($"\n[Link]\nMTUBytes={N(portMtu)}\n");
            if (b.VlanFiltering)
            {
                if (VlanRanges.Pvid(b.UplinkVlans) is { } pvid)
                    port.Append($"\n[BridgeVLAN]\nVLAN={N(pvid)}\nPVID={N(pvid)}\nEgressUntagged={N(pvid)}\n");
                foreach (var run in VlanRanges.Tagged(b.UplinkVlans)) port.Append($"\n[BridgeVLAN]\nVLAN={run}\n");
            }
            files.Add(new RenderedFile($"05-{b.Bridge}-{nic}.network", port.ToString()));
        }
        return files;
    }

    /// <summary>
    /// 05-PARENT.network: the one .network networkd applies to a VLAN parent, with a VLAN= line for each of its VLAN
    /// devices and the addressing it has now (it replaces the distribution's own file for the parent, which sorts after).
    /// </summary>
    public static RenderedFile ParentNetwork(BridgeAddressing parent, IReadOnlyList<string> vlanDevices, string header)
    {
        var network = new StringBuilder(Header(header, parent));
        network.Append($"# Replaces {parent.Bridge}'s own .network: remove the distribution's file for {parent.Bridge}.\n");
        network.Append("[Match]\n").Append($"Name={parent.Bridge}\n\n[Network]\n");
        foreach (var device in vlanDevices.Order(StringComparer.Ordinal)) network.Append($"VLAN={device}\n");
        AppendAddressing(network, parent, "");
        return new RenderedFile($"05-{parent.Bridge}.network", network.ToString());
    }

    /// <summary>The [Network] addressing lines (then <paramref name="extra"/>) and the sections that follow them.</summary>
    private static void AppendAddressing(StringBuilder network, BridgeAddressing b, string extra)
    {
        if (b.Dhcp4) network.Append("DHCP=ipv4\n");
        foreach (var a in b.Addresses4.Concat(b.Addresses6)) network.Append($"Address={a}\n");
        network.Append(extra);
        if (b.Mtu is { } linkMtu) network.Append($"\n[Link]\nMTUBytes={N(linkMtu)}\n");
        if (b.Dhcp4)
        {
            network.Append(b.Bridge == b.Uplink ? "\n[DHCPv4]\n# The lease it has: the same MAC.\nClientIdentifier=mac\n"
                : "\n[DHCPv4]\n# The lease the NIC had: the bridge carries its MAC.\nClientIdentifier=mac\n");
        }
        foreach (var r in b.Routes)
        {
            network.Append("\n[Route]\n");
            if (!r.IsDefault) network.Append($"Destination={r.Destination}\n");
            if (r.Gateway is not null) network.Append($"Gateway={r.Gateway}\n");
            if (r.Metric is { } metric) network.Append($"Metric={N(metric)}\n");
        }
    }

    private static string Header(string header, BridgeAddressing b) => $"# {header}\n# {b.Note}\n";

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
