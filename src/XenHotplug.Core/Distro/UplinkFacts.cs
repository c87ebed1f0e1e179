namespace XenHotplug.Core.Distro;

/// <summary>
/// What the host says about an uplink NIC beyond its addresses: the DHCP clients running for it (e.g.
/// "dhclient (pid 812)") and the network manager that owns it, if any (e.g. "NetworkManager").
/// </summary>
public sealed record UplinkFacts(IReadOnlyList<string> DhcpClients, string? Manager)
{
    public static UplinkFacts None { get; } = new([], null);
}
