namespace XenHotplug.Core.Render;

/// <summary>The files of one format for one bridge.</summary>
public static class BridgeRenderer
{
    /// <summary>
    /// The files, after <see cref="RenderedText.Check"/> refused what cannot be written safely; the header and the
    /// bridge's note become single comment lines whatever they quote.
    /// </summary>
    public static IReadOnlyList<RenderedFile> Render(RenderFormat format, BridgeAddressing bridge, string header)
    {
        RenderedText.Check(format, bridge);
        header = RenderedText.Comment(header);
        bridge = bridge with { Note = RenderedText.Comment(bridge.Note) };
        return format switch
        {
            RenderFormat.Networkd => NetworkdRenderer.Render(bridge, header),
            RenderFormat.Ifupdown => IfupdownRenderer.Render(bridge, header),
            _ => NmRenderer.Render(bridge, header),
        };
    }

    /// <summary>
    /// systemd-networkd's .network for a VLAN parent (<paramref name="vlanDevices"/> its VLAN devices), checked and
    /// commented as <see cref="Render"/> does.
    /// </summary>
    public static RenderedFile RenderParent(RenderFormat format, BridgeAddressing parent, IReadOnlyList<string> vlanDevices, string header)
    {
        RenderedText.Check(format, parent);
        return NetworkdRenderer.ParentNetwork(parent with { Note = RenderedText.Comment(parent.Note) }, vlanDevices, RenderedText.Comment(header));
    }

    /// <summary>Where the files go on a host, for the messages.</summary>
    public static string TargetDirectory(RenderFormat format) => format switch
    {
        RenderFormat.Networkd => "/etc/systemd/network",
        RenderFormat.Ifupdown => "/etc/network/interfaces.d",
        _ => "/etc/NetworkManager/system-connections",
    };

    public static RenderFormat? Parse(string text) => text switch
    {
        "networkd" or "systemd-networkd" => RenderFormat.Networkd,
        "ifupdown" or "interfaces" => RenderFormat.Ifupdown,
        "nm" or "networkmanager" or "NetworkManager" => RenderFormat.Nm,
        _ => null,
    };
}
