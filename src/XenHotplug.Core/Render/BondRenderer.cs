using System.Text;
using XenHotplug.Core.Bridges;

namespace XenHotplug.Core.Render;

/// <summary>
/// A declared bond in the distribution's own form. Its slaves always get their own files (networkd `Bond=`, NetworkManager
/// ports with slave-type=bond, ifupdown `inet manual` stanzas); networkd also gets the .netdev ([Bond] Mode=, MIIMonitorSec=,
/// LACPTransmitRate=, TransmitHashPolicy=, the primary slave's PrimarySlave=yes). A bond that is a bridge's uplink is defined
/// by the bridge's port files (type=bond, bond-* options); any other (a VLAN parent) gets its own stanza or connection with
/// the addressing it holds (<paramref name="own"/>), except under networkd, whose parent .network carries that already.
/// </summary>
public static class BondRenderer
{
    public static IReadOnlyList<RenderedFile> Render(RenderFormat format, BondSpec bond, string? mac, BridgeAddressing? own, string header)
    {
        header = RenderedText.Comment(header);
        if (own is not null)
        {
            RenderedText.Check(format, own);
            own = own with { Note = RenderedText.Comment(own.Note) };
        }
        foreach (var name in bond.Slaves.Prepend(bond.Name))
        {
            if (RenderedText.NameProblem(format, name) is { } problem) throw new Failures.BridgeException($"bond {bond.Name}: {problem}");
        }
        return format switch
        {
            RenderFormat.Networkd => Networkd(bond, mac, own, header),
            RenderFormat.Ifupdown => Ifupdown(bond, own, header),
            _ => Nm(bond, mac, own, header),
        };
    }

    private static List<RenderedFile> Networkd(BondSpec bond, string? mac, BridgeAddressing? own, string header)
    {
        var files = new List<RenderedFile>();
        var netdev = new StringBuilder($"# {header}\n[NetDev]\nName={bond.Name}\nKind=bond\n");
        if (mac is not null) netdev.Append($"MACAddress={mac}\n");
        if (bond.Mtu is { } mtu) netdev.Append($"MTUBytes={VlanRanges.N(mtu)}\n");
        netdev.Append($"\n[Bond]\nMode={bond.ModeName}\nMIIMonitorSec={VlanRanges.N(bond.Miimon)}ms\n");
        if (bond.LacpRate is { } rate) netdev.Append($"LACPTransmitRate={rate}\n");
        if (bond.XmitHashPolicy is { } hash) netdev.Append($"TransmitHashPolicy={hash}\n");
        files.Add(new RenderedFile($"05-{bond.Name}.netdev", netdev.ToString()));
        foreach (var slave in bond.Slaves)
        {
            var network = new StringBuilder($"# {header}\n[Match]\nName={slave}\n\n[Network]\nBond={bond.Name}\n");
            if (slave == bond.Primary) network.Append("PrimarySlave=yes\n");
            files.Add(new RenderedFile($"05-{bond.Name}-{slave}.network", network.ToString()));
        }
        if (own is not null) files.Add(NetworkdRenderer.ParentNetwork(own, [], header));
        return files;
    }

    private static List<RenderedFile> Ifupdown(BondSpec bond, BridgeAddressing? own, string header)
    {
        var text = new StringBuilder($"# {header}\n");
        text.Append($"# Remove the slaves' own stanzas ({string.Join(", ", bond.Slaves)}) from /etc/network/interfaces; ifupdown needs the ifenslave package.\n");
        foreach (var slave in bond.Slaves) text.Append($"iface {slave} inet manual\n");
        if (own is not null)
        {
            text.Append($"\n# {own.Note}\nauto {bond.Name}\n");
            IfupdownRenderer.Stanza(text, own, IfupdownRenderer.BondOptions(bond));
        }
        return [new RenderedFile(bond.Name, text.ToString())];
    }

    private static List<RenderedFile> Nm(BondSpec bond, string? mac, BridgeAddressing? own, string header)
    {
        var files = new List<RenderedFile>();
        if (own is not null)
        {
            var text = new StringBuilder($"# {header}\n# {own.Note}\n");
            text.Append("[connection]\n").Append($"id={NmRenderer.K(bond.Name)}\n").Append($"uuid={StableUuid.For(bond.Name)}\n")
                .Append("type=bond\n").Append($"interface-name={NmRenderer.K(bond.Name)}\n").Append("autoconnect-slaves=1\n");
            if (mac is not null || bond.Mtu is not null)
            {
                text.Append("\n[ethernet]\n");
                if (mac is not null) text.Append($"cloned-mac-address={mac}\n");
                if (bond.Mtu is { } mtu) text.Append($"mtu={NmRenderer.N(mtu)}\n");
            }
            NmRenderer.AppendBond(text, bond);
            NmRenderer.AppendIp(text, own);
            files.Add(new RenderedFile($"{bond.Name}.nmconnection", text.ToString(), Private: true));
        }
        foreach (var slave in bond.Slaves)
        {
            var id = $"{bond.Name}-port-{slave}";
            var text = new StringBuilder($"# {header}\n[connection]\n").Append($"id={NmRenderer.K(id)}\n").Append($"uuid={StableUuid.For(id)}\n")
                .Append("type=ethernet\n").Append($"interface-name={NmRenderer.K(slave)}\n").Append($"master={NmRenderer.K(bond.Name)}\n").Append("slave-type=bond\n");
            files.Add(new RenderedFile($"{id}.nmconnection", text.ToString(), Private: true));
        }
        return files;
    }
}
