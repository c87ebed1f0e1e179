using XenHotplug.Core.Network;

namespace XenHotplug.Core.Distro;

/// <summary>Finds who else configures an uplink NIC (DHCP clients, NetworkManager, systemd-networkd, ifupdown).</summary>
public interface IUplinkProbe
{
    UplinkFacts Probe(LinkState nic);
}
