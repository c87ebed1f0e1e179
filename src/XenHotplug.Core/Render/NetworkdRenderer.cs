using System.Globalization;
using System.Text;

namespace XenHotplug.Core.Render;

/// <summary>
/// systemd-networkd files for one bridge: 05-NAME.netdev (the bridge: STP off, forward delay 0, the uplink's MAC and
/// MTU), 05-NAME.network (its addressing) and 05-NAME-NIC.network (the NIC as its port). The "05-" prefix sorts them
/// before a distribution's usual 10-/20- files: networkd applies the first .network file that matches.
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
        files.Add(new RenderedFile($"05-{b.Bridge}.netdev", netdev.ToString()));

        var network = new StringBuilder(Header(header, b));
        network.Append("[Match]\n").Append($"Name={b.Bridge}\n\n[Network]\n");
        if (b.Dhcp4) network.Append("DHCP=ipv4\n");
        foreach (var a in b.Addresses4.Concat(b.Addresses6)) network.Append($"Address={a}\n");
        // A host-only bridge has a carrier only while a guest is attached: configure it anyway.
        network.Append("ConfigureWithoutCarrier=yes\n");
        if (b.Mtu is { } linkMtu) network.Append($"\n[Link]\nMTUBytes={N(linkMtu)}\n");
        if (b.Dhcp4) network.Append("\n[DHCPv4]\n# The lease the NIC had: the bridge carries its MAC.\nClientIdentifier=mac\n");
        foreach (var r in b.Routes)
        {
            network.Append("\n[Route]\n");
            if (!r.IsDefault) network.Append($"Destination={r.Destination}\n");
            if (r.Gateway is not null) network.Append($"Gateway={r.Gateway}\n");
            if (r.Metric is { } metric) network.Append($"Metric={N(metric)}\n");
        }
        files.Add(new RenderedFile($"05-{b.Bridge}.network", network.ToString()));

        if (b.Uplink is { } nic)
        {
            var port = new StringBuilder(Header(header, b));
            port.Append("[Match]\n").Append($"Name={nic}\n\n[Network]\n").Append($"Bridge={b.Bridge}\n");
            if (b.Mtu is { } portMtu) port.Append($"\n[Link]\nMTUBytes={N(portMtu)}\n");
            files.Add(new RenderedFile($"05-{b.Bridge}-{nic}.network", port.ToString()));
        }
        return files;
    }

    private static string Header(string header, BridgeAddressing b) => $"# {header}\n# {b.Note}\n";

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
