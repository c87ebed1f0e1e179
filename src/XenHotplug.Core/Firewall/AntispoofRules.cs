using System.Globalization;
using System.Net;
using System.Text;
using XenHotplug.Core.Configuration;

namespace XenHotplug.Core.Firewall;

/// <summary>
/// The nftables text of the anti-spoofing guard, pure. One table owned by the project, `bridge xen_multibridge`:
/// a base chain on the bridge family's prerouting hook (every frame entering any bridge from any port) with
/// one rule, `iifname vmap @guarded`, and per guarded interface one chain plus one element of that map. A vif
/// is therefore guarded on whatever bridge it is on (a balancer may move it), and adding or removing one vif
/// is one `nft -f -` transaction that touches nothing else — no other table, no other vif's chain.
/// </summary>
public static class AntispoofRules
{
    public const string Family = "bridge";
    public const string Table = "xen_multibridge";
    public const string BaseChain = "prerouting";
    public const string Map = "guarded";
    public const string ChainPrefix = "vif_";

    private const string Qualified = Family + " " + Table;

    /// <summary>
    /// The chain of one interface: "vif_" and the name with every character but ASCII letters and digits
    /// written _hh (vif1.0 → vif_vif1_2e0), so distinct names never share a chain and nft needs no quoting.
    /// </summary>
    public static string ChainName(string interfaceName)
    {
        var name = new StringBuilder(ChainPrefix);
        foreach (var b in Encoding.UTF8.GetBytes(interfaceName))
        {
            if (char.IsAsciiLetterOrDigit((char)b)) name.Append((char)b);
            else name.Append('_').Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }
        return name.ToString();
    }

    /// <summary>The interface a chain guards, or null when the chain is not one of ours.</summary>
    public static string? InterfaceOf(string chain)
    {
        if (!chain.StartsWith(ChainPrefix, StringComparison.Ordinal)) return null;
        var bytes = new List<byte>();
        for (var i = ChainPrefix.Length; i < chain.Length; i++)
        {
            var c = chain[i];
            if (char.IsAsciiLetterOrDigit(c)) bytes.Add((byte)c);
            else if (c == '_' && i + 2 < chain.Length && byte.TryParse(chain.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else return null;
        }
        return bytes.Count == 0 ? null : Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>The rules of the interface's chain, in order (what explain prints).</summary>
    public static IReadOnlyList<string> Rules(VifGuard guard)
    {
        var mac = guard.Mac;
        var rules = new List<string>
        {
            $"ether saddr != {mac} counter drop comment \"source MAC\"",
            $"ether type arp arp saddr ether != {mac} counter drop comment \"ARP sender MAC\"",
        };
        if (guard.Mode != AntispoofMode.Ip) return rules;

        var v4 = guard.Addresses.V4;
        rules.Add("ether type arp arp htype != 1 counter drop");
        rules.Add("ether type arp arp ptype != ip counter drop");
        rules.Add("ether type arp arp hlen != 6 counter drop");
        rules.Add("ether type arp arp plen != 4 counter drop");
        rules.Add("ether type arp arp operation request arp saddr ip 0.0.0.0 accept comment \"ARP probe (RFC 5227)\"");
        rules.Add(v4.Count > 0 ? $"ether type arp arp saddr ip != {Set(v4)} counter drop comment \"ARP sender address\"" : "ether type arp counter drop comment \"no IPv4 address in ip=\"");
        rules.Add("ether type arp accept");
        rules.Add("ether type ip ip saddr 0.0.0.0 ip daddr 255.255.255.255 udp sport 68 udp dport 67 accept comment \"DHCP client\"");
        rules.Add(v4.Count > 0 ? $"ether type ip ip saddr != {Set(v4)} counter drop comment \"IPv4 source\"" : "ether type ip counter drop comment \"no IPv4 address in ip=\"");
        rules.Add("ether type ip accept");

        var v6 = new List<string> { guard.LinkLocal };
        v6.AddRange(guard.Addresses.V6);
        rules.Add("ether type ip6 ip6 saddr :: icmpv6 type { nd-neighbor-solicit, mld-listener-report, mld2-listener-report } accept comment \"DAD and MLD before an address\"");
        rules.Add($"ether type ip6 ip6 saddr != {Set(v6)} counter drop comment \"IPv6 source\"");
        // The neighbour advertisement's target (nft 1.0.6 has no `icmpv6 taddr`: the 128 bits after the first 8 bytes).
        rules.Add($"ether type ip6 icmpv6 type nd-neighbor-advert @th,64,128 != {{ {string.Join(", ", v6.Select(Range128))} }} counter drop comment \"NA target\"");
        rules.Add("ether type ip6 accept");
        rules.Add("counter drop comment \"other protocols (VLAN tags, PPPoE, ...) could carry unchecked addresses\"");
        return rules;
    }

    /// <summary>The transaction that guards one interface: creates the table if needed, then replaces the interface's chain and map element.</summary>
    public static string Install(VifGuard guard)
    {
        var chain = ChainName(guard.Interface);
        var text = new StringBuilder(Skeleton());
        text.Append(CultureInfo.InvariantCulture, $"flush chain {Qualified} {BaseChain}\n");
        text.Append(CultureInfo.InvariantCulture, $"add rule {Qualified} {BaseChain} iifname vmap @{Map}\n");
        text.Append(CultureInfo.InvariantCulture, $"add chain {Qualified} {chain}\n");
        text.Append(CultureInfo.InvariantCulture, $"flush chain {Qualified} {chain}\n");
        foreach (var rule in Rules(guard)) text.Append(CultureInfo.InvariantCulture, $"add rule {Qualified} {chain} {rule}\n");
        text.Append(CultureInfo.InvariantCulture, $"add element {Qualified} {Map} {{ \"{guard.Interface}\" : jump {chain} }}\n");
        return text.ToString();
    }

    /// <summary>
    /// The transaction that removes one interface's guard, whether or not it exists (each object is declared
    /// before it is deleted, in the same transaction), leaving every other vif's guard as it is.
    /// </summary>
    public static string Remove(string interfaceName)
    {
        var chain = ChainName(interfaceName);
        var text = new StringBuilder(Skeleton());
        text.Append(CultureInfo.InvariantCulture, $"add chain {Qualified} {chain}\n");
        text.Append(CultureInfo.InvariantCulture, $"add element {Qualified} {Map} {{ \"{interfaceName}\" : jump {chain} }}\n");
        text.Append(CultureInfo.InvariantCulture, $"delete element {Qualified} {Map} {{ \"{interfaceName}\" }}\n");
        text.Append(CultureInfo.InvariantCulture, $"flush chain {Qualified} {chain}\n");
        text.Append(CultureInfo.InvariantCulture, $"delete chain {Qualified} {chain}\n");
        return text.ToString();
    }

    private static string Skeleton() =>
        $"add table {Qualified}\n" +
        $"add chain {Qualified} {BaseChain} {{ type filter hook prerouting priority filter; policy accept; }}\n" +
        $"add map {Qualified} {Map} {{ type ifname : verdict; }}\n";

    private static string Set(IEnumerable<string> items) => "{ " + string.Join(", ", items) + " }";

    /// <summary>An IPv6 address or prefix as the 128-bit integer (or range) nft compares raw payload with.</summary>
    private static string Range128(string addressOrPrefix)
    {
        var slash = addressOrPrefix.IndexOf('/', StringComparison.Ordinal);
        var address = IPAddress.Parse(slash < 0 ? addressOrPrefix : addressOrPrefix[..slash]);
        var value = UInt128.Zero;
        foreach (var b in address.GetAddressBytes()) value = (value << 8) | b;
        if (slash < 0) return Hex(value);
        var prefix = int.Parse(addressOrPrefix.AsSpan(slash + 1), CultureInfo.InvariantCulture);
        var host = prefix == 0 ? UInt128.MaxValue : (UInt128.One << (128 - prefix)) - UInt128.One;
        return prefix == 128 ? Hex(value) : $"{Hex(value)}-{Hex(value | host)}";
    }

    private static string Hex(UInt128 value) => "0x" + value.ToString("x32", CultureInfo.InvariantCulture);
}
