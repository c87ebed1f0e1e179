namespace XenHotplug.Core.Render;

/// <summary>The distribution-native configuration `network-multibridge render` writes.</summary>
public enum RenderFormat
{
    /// <summary>systemd-networkd: NAME.netdev, NAME.network, NAME-port-NIC.network (/etc/systemd/network).</summary>
    Networkd,

    /// <summary>ifupdown: one /etc/network/interfaces.d stanza file per bridge (bridge-utils' bridge_* options).</summary>
    Ifupdown,

    /// <summary>NetworkManager keyfiles: NAME.nmconnection and NAME-port-NIC.nmconnection (/etc/NetworkManager/system-connections).</summary>
    Nm,
}
