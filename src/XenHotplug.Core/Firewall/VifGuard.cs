using System.Globalization;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Naming;

namespace XenHotplug.Core.Firewall;

/// <summary>
/// What one guest NIC may claim: the interface the rules apply to (its final name, after vifname and
/// with -emu for a tap), the guest's MAC, the mode, and for <see cref="AntispoofMode.Ip"/> its addresses and
/// the IPv6 link-local address derived from the MAC (EUI-64). <see cref="Owner"/> is libxl's name for the NIC
/// (vifD.V, vifD.V-emu): the guard's chain is named after it, so whose guard it is is in the kernel.
/// </summary>
public sealed record VifGuard(string Interface, string Mac, AntispoofMode Mode, GuestAddresses Addresses, string LinkLocal)
{
    /// <summary>libxl's name for the NIC the guard belongs to (the interface itself when not given).</summary>
    public string Owner { get; init; } = Interface;

    /// <summary>The VLANs of the NIC's port (vlan=, or a BR.TAG:TRUNKS name): tagged frames pass only on these, checked inside the tag.</summary>
    public Vlan.VlanSet? Vlans { get; init; }

    /// <summary>allow_router = yes: the guest may send IPv6 router advertisements and redirects and IPv4 ICMP redirects (dropped otherwise in ip mode).</summary>
    public bool AllowRouter { get; init; }

    /// <summary>allow_dhcp_server = yes: the guest may answer as a DHCPv4/DHCPv6 server (dropped otherwise in ip mode).</summary>
    public bool AllowDhcpServer { get; init; }

    /// <summary>True when the rogue router and DHCP server rules apply: ip mode guards a guest's services, mac mode only its MAC.</summary>
    public bool GuardsServers => Mode is AntispoofMode.Ip or AntispoofMode.Dhcp;

    /// <summary>True when the guest's addresses are checked (ip and dhcp mode), not only its MAC.</summary>
    public bool GuardsAddresses => Mode is AntispoofMode.Ip or AntispoofMode.Dhcp;

    /// <summary>dhcp mode: the ports whose DHCP acks the kernel learns from (the declared bridges' uplinks), and how long an ack counts.</summary>
    public IReadOnlyList<string> DhcpServerPorts { get; init; } = [];

    /// <summary>dhcp mode: seconds a learnt address stays after the last ack for it ([policy] dhcp_timeout).</summary>
    public double LearnTimeout { get; init; } = 86400;

    /// <summary>
    /// The guard for one NIC, or a <see cref="HotplugException"/> when the backend lacks what the mode needs: a
    /// valid mac=, and for ip mode a non-empty ip= (an empty one is refused rather than silently allowing all).
    /// </summary>
    public static VifGuard Create(AntispoofMode mode, string interfaceName, string? mac, string? ip, string xenbusPath, string? owner = null)
    {
        if (mode is AntispoofMode.Off or AntispoofMode.Disabled) throw new ArgumentException("no guard when antispoof is off or disabled", nameof(mode));
        var problem = InterfaceName.Problem(interfaceName)
            ?? (interfaceName.Contains('"', StringComparison.Ordinal) || interfaceName.Contains('\\', StringComparison.Ordinal) ? "quotes and backslashes are not allowed" : null);
        if (problem is not null) throw new HotplugException($"antispoof: cannot guard interface '{interfaceName}': {problem}");
        if (string.IsNullOrWhiteSpace(mac))
            throw new HotplugException($"antispoof = {Name(mode)} needs the guest's MAC, but {xenbusPath}/mac is not set");
        var octets = ParseMac(mac.Trim()) ?? throw new HotplugException($"antispoof: invalid MAC '{mac.Trim()}' in {xenbusPath}/mac");
        var addresses = GuestAddresses.Parse(ip, xenbusPath + "/ip");
        if (mode == AntispoofMode.Ip && addresses.IsEmpty)
            throw new HotplugException($"antispoof = ip needs the guest's addresses, but {xenbusPath}/ip is empty: set ip= in the VM's vif line, or antispoof = mac for this guest");
        return new VifGuard(interfaceName, string.Join(':', octets.Select(o => o.ToString("x2", CultureInfo.InvariantCulture))), mode, addresses, LinkLocalOf(octets))
        {
            Owner = owner ?? interfaceName,
        };
    }

    /// <summary>The mode as the INI spells it.</summary>
    public static string Name(AntispoofMode mode) => mode.ToString().ToLowerInvariant();

    /// <summary>fe80:: plus the modified EUI-64 of the MAC (universal/local bit flipped, ff:fe in the middle).</summary>
    public static string LinkLocalOf(IReadOnlyList<byte> mac)
    {
        var b = new byte[16];
        b[0] = 0xfe;
        b[1] = 0x80;
        b[8] = (byte)(mac[0] ^ 0x02);
        b[9] = mac[1];
        b[10] = mac[2];
        b[11] = 0xff;
        b[12] = 0xfe;
        b[13] = mac[3];
        b[14] = mac[4];
        b[15] = mac[5];
        return new System.Net.IPAddress(b).ToString();
    }

    /// <summary>The six octets of aa:bb:cc:dd:ee:ff (or with '-'), or null.</summary>
    public static byte[]? ParseMac(string text)
    {
        var parts = text.Split(':', '-');
        if (parts.Length != 6) return null;
        var octets = new byte[6];
        for (var i = 0; i < 6; i++)
        {
            if (parts[i].Length is < 1 or > 2 || !byte.TryParse(parts[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out octets[i])) return null;
        }
        return octets;
    }
}
