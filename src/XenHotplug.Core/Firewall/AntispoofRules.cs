using System.Globalization;
using System.Net;
using System.Text;
using XenHotplug.Core.Configuration;

namespace XenHotplug.Core.Firewall;

/// <summary>
/// The anti-spoofing guard as nf_tables data, pure: rules as expressions (with the text `nft list` shows for
/// them) and transactions as operations, which the host sends as one netlink batch. One table owned by the
/// project, `bridge xen_multibridge`: a base chain on the bridge family's prerouting hook (every frame entering any bridge from any port) with
/// one rule, `iifname vmap @guarded`, and per guarded interface one chain plus one element of that map. A vif
/// is therefore guarded on whatever bridge it is on (a balancer may move it), and adding or removing one vif
/// is one nf_tables transaction that touches nothing else — no other table, no other vif's chain.
/// </summary>
public static class AntispoofRules
{
    public const string Family = "bridge";
    public const string Table = "xen_multibridge";
    public const string BaseChain = "prerouting";
    public const string Map = "guarded";
    public const string ChainPrefix = "vif_";

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

    /// <summary>The base chain's single rule: the vif's chain by the input interface's name, nothing for any other port.</summary>
    public static GuardRule Dispatch { get; } =
        new($"iifname vmap @{Map}", [new NftMetaLoad(NftMetaLoad.IifName), new NftVerdictLookup(Map)], null);

    /// <summary>
    /// The rules of the interface's chain, in order (explain prints their listing). An allow-list is one rule of
    /// conjoined inequalities (`ip saddr != A ip saddr != B/24 ... drop`): exactly "not in the set", with no set.
    /// </summary>
    public static IReadOnlyList<GuardRule> Rules(VifGuard guard)
    {
        var mac = VifGuard.ParseMac(guard.Mac)!;
        var rules = new List<GuardRule>
        {
            Rule().Field($"ether saddr != {guard.Mac}", NftPayloadBase.Link, 6, mac, equal: false).Drop("source MAC"),
            Rule().Arp().Field($"arp saddr ether != {guard.Mac}", NftPayloadBase.Network, 8, mac, equal: false).Drop("ARP sender MAC"),
        };
        if (guard.Mode != AntispoofMode.Ip) return rules;

        var v4 = guard.Addresses.V4;
        rules.Add(Rule().Arp().Field("arp htype != 1", NftPayloadBase.Network, 0, [0, 1], equal: false).Drop(null));
        rules.Add(Rule().Arp().Field("arp ptype != ip", NftPayloadBase.Network, 2, [0x08, 0x00], equal: false).Drop(null));
        rules.Add(Rule().Arp().Field("arp hlen != 6", NftPayloadBase.Network, 4, [6], equal: false).Drop(null));
        rules.Add(Rule().Arp().Field("arp plen != 4", NftPayloadBase.Network, 5, [4], equal: false).Drop(null));
        rules.Add(Rule().Arp().Field("arp operation request", NftPayloadBase.Network, 6, [0, 1]).Field("arp saddr ip 0.0.0.0", NftPayloadBase.Network, 14, [0, 0, 0, 0])
            .Accept("ARP probe (RFC 5227)"));
        rules.Add(v4.Count > 0
            ? Rule().Arp().NotAnyOf("arp saddr ip", NftPayloadBase.Network, 14, v4).Drop("ARP sender address")
            : Rule().Arp(shown: true).Drop("no IPv4 address in ip="));
        rules.Add(Rule().Arp(shown: true).Accept(null));
        rules.Add(Rule().Ip().Field("ip saddr 0.0.0.0", NftPayloadBase.Network, 12, [0, 0, 0, 0]).Field("ip daddr 255.255.255.255", NftPayloadBase.Network, 16, [255, 255, 255, 255])
            .L4(17).Field("udp sport 68", NftPayloadBase.Transport, 0, [0, 68]).Field("udp dport 67", NftPayloadBase.Transport, 2, [0, 67]).Accept("DHCP client"));
        rules.Add(v4.Count > 0
            ? Rule().Ip().NotAnyOf("ip saddr", NftPayloadBase.Network, 12, v4).Drop("IPv4 source")
            : Rule().Ip(shown: true).Drop("no IPv4 address in ip="));
        rules.Add(Rule().Ip(shown: true).Accept(null));

        var v6 = new List<string> { guard.LinkLocal };
        v6.AddRange(guard.Addresses.V6);
        foreach (var (type, name) in new (byte, string)[] { (135, "nd-neighbor-solicit"), (131, "mld-listener-report"), (143, "mld2-listener-report") })
        {
            rules.Add(Rule().Ip6().Field("ip6 saddr ::", NftPayloadBase.Network, 8, new byte[16]).L4(58).Field($"icmpv6 type {name}", NftPayloadBase.Transport, 0, [type])
                .Accept("DAD and MLD before an address"));
        }
        rules.Add(Rule().Ip6().NotAnyOf("ip6 saddr", NftPayloadBase.Network, 8, v6).Drop("IPv6 source"));
        // The neighbour advertisement's target: nft 1.0.6 has no `icmpv6 taddr`, it is the 128 bits after the first 8 bytes.
        rules.Add(Rule().Ip6().L4(58).Field("icmpv6 type nd-neighbor-advert", NftPayloadBase.Transport, 0, [136]).NotAnyOf("@th,64,128", NftPayloadBase.Transport, 8, v6, raw: true)
            .Drop("NA target"));
        rules.Add(Rule().Ip6(shown: true).Accept(null));
        rules.Add(Rule().Drop("other protocols (VLAN tags, PPPoE, ...) could carry unchecked addresses"));
        return rules;
    }

    /// <summary>The transaction that guards one interface: creates the table if needed, then replaces the interface's chain and map element.</summary>
    public static IReadOnlyList<NftOp> Install(VifGuard guard)
    {
        var chain = ChainName(guard.Interface);
        var ops = Skeleton();
        ops.Add(new NftFlushChain(BaseChain));
        ops.Add(new NftAddRule(BaseChain, Dispatch));
        ops.Add(new NftAddChain(chain));
        ops.Add(new NftFlushChain(chain));
        ops.AddRange(Rules(guard).Select(r => new NftAddRule(chain, r)));
        ops.Add(new NftAddJumpElement(Map, guard.Interface, chain));
        return ops;
    }

    /// <summary>
    /// The transaction that removes one interface's guard, whether or not it exists (each object is declared
    /// before it is deleted, in the same transaction), leaving every other vif's guard as it is.
    /// </summary>
    public static IReadOnlyList<NftOp> Remove(string interfaceName)
    {
        var chain = ChainName(interfaceName);
        var ops = Skeleton();
        ops.Add(new NftAddChain(chain));
        ops.Add(new NftAddJumpElement(Map, interfaceName, chain));
        ops.Add(new NftDeleteElement(Map, interfaceName));
        ops.Add(new NftFlushChain(chain));
        ops.Add(new NftDeleteChain(chain));
        return ops;
    }

    /// <summary>The transaction as `nft -f` text (what a reader, or a test, can replay with nft).</summary>
    public static string Text(IEnumerable<NftOp> ops) => string.Concat(ops.Select(o => o.Text + "\n"));

    private static List<NftOp> Skeleton() => [new NftAddTable(), new NftAddBaseChain(BaseChain, 0, -200), new NftAddVerdictMap(Map)];

    private static RuleBuilder Rule() => new();

    /// <summary>
    /// Builds one rule's expressions and its listing side by side. A protocol match (ether type, meta l4proto) is
    /// a dependency nft leaves out of its listing when a later match implies it; <c>shown</c> keeps it.
    /// </summary>
    private sealed class RuleBuilder
    {
        private readonly List<string> _text = [];
        private readonly List<NftExpr> _expressions = [];

        public RuleBuilder Arp(bool shown = false) => EtherType(0x0806, "arp", shown);
        public RuleBuilder Ip(bool shown = false) => EtherType(0x0800, "ip", shown);
        public RuleBuilder Ip6(bool shown = false) => EtherType(0x86dd, "ip6", shown);

        private RuleBuilder EtherType(ushort type, string name, bool shown)
        {
            _expressions.Add(new NftPayloadLoad(NftPayloadBase.Link, 12, 2));
            _expressions.Add(new NftCompare(true, [(byte)(type >> 8), (byte)type]));
            if (shown) _text.Add($"ether type {name}");
            return this;
        }

        public RuleBuilder L4(byte protocol)
        {
            _expressions.Add(new NftMetaLoad(NftMetaLoad.L4Proto));
            _expressions.Add(new NftCompare(true, [protocol]));
            return this;
        }

        public RuleBuilder Field(string text, NftPayloadBase payloadBase, int offset, byte[] value, bool equal = true)
        {
            _expressions.Add(new NftPayloadLoad(payloadBase, offset, value.Length));
            _expressions.Add(new NftCompare(equal, value));
            _text.Add(text);
            return this;
        }

        /// <summary>
        /// The field is none of the addresses or prefixes: one inequality each. A prefix on a byte boundary loads only
        /// its network bytes, any other is masked (as nft does); <c>raw</c> (a payload nft has no name for) always masks, and
        /// prints them as nft prints a raw payload.
        /// </summary>
        public RuleBuilder NotAnyOf(string field, NftPayloadBase payloadBase, int offset, IEnumerable<string> addressesOrPrefixes, bool raw = false)
        {
            foreach (var item in addressesOrPrefixes)
            {
                var slash = item.IndexOf('/', StringComparison.Ordinal);
                var bytes = IPAddress.Parse(slash < 0 ? item : item[..slash]).GetAddressBytes();
                var prefix = slash < 0 ? bytes.Length * 8 : int.Parse(item.AsSpan(slash + 1), CultureInfo.InvariantCulture);
                if (slash < 0 || (prefix % 8 == 0 && prefix > 0 && !raw))
                {
                    _expressions.Add(new NftPayloadLoad(payloadBase, offset, prefix / 8));
                    _expressions.Add(new NftCompare(false, bytes[..(prefix / 8)]));
                }
                else
                {
                    var mask = new byte[bytes.Length];
                    for (var i = 0; i < mask.Length; i++) mask[i] = (byte)(0xff << (8 - Math.Clamp(prefix - (i * 8), 0, 8)));
                    _expressions.Add(new NftPayloadLoad(payloadBase, offset, bytes.Length));
                    _expressions.Add(new NftMask(mask));
                    _expressions.Add(new NftCompare(false, bytes));
                }
                if (!raw) _text.Add($"{field} != {item}");
                else if (slash < 0) _text.Add($"{field} != {Hex(bytes)}");
                else
                {
                    var mask = new byte[bytes.Length];
                    for (var i = 0; i < mask.Length; i++) mask[i] = (byte)(0xff << (8 - Math.Clamp(prefix - (i * 8), 0, 8)));
                    _text.Add($"{field} & {Hex(mask)} != {Hex(bytes)}");
                }
            }
            return this;
        }

        public GuardRule Drop(string? comment)
        {
            _expressions.Add(new NftCounter());
            _expressions.Add(new NftImmediateVerdict(false));
            _text.Add("counter drop");
            return new GuardRule(string.Join(' ', _text), _expressions, comment);
        }

        public GuardRule Accept(string? comment)
        {
            _expressions.Add(new NftImmediateVerdict(true));
            _text.Add("accept");
            return new GuardRule(string.Join(' ', _text), _expressions, comment);
        }

        private static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);
    }
}
