using System.Globalization;
using System.Text;
using XenHotplug.Core.Configuration;

namespace XenHotplug.Core.Firewall;

/// <summary>
/// The anti-spoofing guard as nf_tables data, pure: rules as expressions (with the text `nft list` shows for
/// them) and transactions as operations, which the host sends as one netlink batch. One table owned by the
/// project, `bridge xen_multibridge`: a base chain on the bridge family's prerouting hook (every frame entering any bridge from any port) with
/// one rule, `iifname vmap @guarded`, and per guarded NIC one chain named after its owner (libxl's name for the NIC,
/// whatever vifname renames the device to), its address sets, and one element of that map from the interface's name
/// to the chain. A vif is therefore guarded on whatever bridge it is on (a balancer may move it), adding or removing
/// one vif is one nf_tables transaction that touches nothing else — no other table, no other vif's chain — and the
/// kernel itself says whose guard an interface has.
/// </summary>
public static class AntispoofRules
{
    public const string Family = "bridge";
    public const string Table = "xen_multibridge";
    public const string BaseChain = "prerouting";
    public const string Map = "guarded";
    public const string ChainPrefix = "vif_";

    /// <summary>antispoof = dhcp: the base chain on the bridge's forward hook, its map from the guest port's name to the NIC's learning chain, and the set of ports trusted to carry DHCP servers.</summary>
    public const string ForwardChain = "forward", LearningMap = "learning", DhcpServers = "dhcp_servers";

    /// <summary>The learning chain of a NIC's guard: "learn_" and the guard chain's name after "vif_" (not a guard chain: listings skip it).</summary>
    public static string LearnChainName(string owner) => "learn_" + ChainName(owner)[ChainPrefix.Length..];

    /// <summary>The set of the IPv4 addresses the kernel learnt for a guard chain from DHCP acks (entries time out).</summary>
    public static string LearntSetName(string chain) => chain + "_dhcp";

    /// <summary>The forward chain's single rule: the learning chain by the output port's name.</summary>
    public static GuardRule LearnDispatch { get; } =
        new($"oifname vmap @{LearningMap}", [new NftMetaLoad(NftMetaLoad.OifName), new NftVerdictLookup(LearningMap)], null);

    /// <summary>
    /// The learning chain's rule: a DHCPv4 ack (option 53 = 5 as the first option, where every common server puts it)
    /// for the guest's MAC (chaddr), arriving by a trusted port, adds its yiaddr to the learnt set or refreshes its
    /// timeout. A guest cannot teach it: its own port is no trusted port, and its server messages are dropped anyway.
    /// </summary>
    public static GuardRule LearnRule(VifGuard guard)
    {
        var mac = VifGuard.ParseMac(guard.Mac)!;
        var macHex = "0x" + Convert.ToHexStringLower(mac).TrimStart('0');
        var timeout = (long)(guard.LearnTimeout * 1000);
        return Rule().MetaIn("iifname", NftMetaLoad.IifName, DhcpServers).Ip(shown: true).L4(17)
            .Field("udp sport 67", NftPayloadBase.Transport, 0, [0, 67]).Field("udp dport 68", NftPayloadBase.Transport, 2, [0, 68])
            .Field($"@th,288,48 {macHex}", NftPayloadBase.Transport, 36, mac)
            .Field("@th,1984,24 0x350105", NftPayloadBase.Transport, 248, [0x35, 1, 5])
            .Counter()
            .Dynset($"update @{LearntSetName(ChainName(guard.Owner))} {{ @th,192,32 timeout {(timeout / 1000).ToString(CultureInfo.InvariantCulture)}s }}", NftPayloadBase.Transport, 24, 4, LearntSetName(ChainName(guard.Owner)), false, timeout, "DHCP ack: learn yiaddr");
    }

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

    /// <summary>The interval set of a chain's IPv4 (or IPv6) addresses: the chain's name and _v4 (_v6).</summary>
    public static string SetName(string chain, bool v6) => chain + (v6 ? "_v6" : "_v4");

    /// <summary>The tag types a frame may carry addresses in that the guard would not see: 802.1Q (also priority-tagged, VID 0), 802.1ad, the old QinQ 0x9100.</summary>
    public static IReadOnlyList<(ushort Type, string Name)> Tags { get; } = [(0x8100, "8021q"), (0x88a8, "8021ad"), (0x9100, "0x9100")];

    /// <summary>
    /// The ND messages that carry a link-layer address option, where their options start, and the option they carry:
    /// router solicitation (source), neighbour solicitation (source), neighbour advertisement (target).
    /// </summary>
    private static readonly (byte Type, string Name, int Options, byte Option, string What)[] NdMessages =
        [(133, "nd-router-solicit", 8, 1, "RS source"), (135, "nd-neighbor-solicit", 24, 1, "NS source"), (136, "nd-neighbor-advert", 24, 2, "NA target")];

    /// <summary>
    /// The rules of the guard's chain, in order (explain prints their listing). In every mode: tagged frames are
    /// dropped (the guest has no VLANs: a tag would hide its addresses from every later rule), then the source MAC,
    /// the ARP sender MAC and the link-layer address option of ND messages are the guest's MAC. In ip mode the
    /// addresses are one lookup in the chain's interval sets (<see cref="SetName"/>), however many there are.
    /// </summary>
    public static IReadOnlyList<GuardRule> Rules(VifGuard guard)
    {
        var mac = VifGuard.ParseMac(guard.Mac)!;
        var macHex = "0x" + Convert.ToHexStringLower(mac).TrimStart('0');
        var chain = ChainName(guard.Owner);
        var rules = new List<GuardRule>();
        // With VLANs, the protocol matches read the type inside an 802.1Q tag (the kernel took the tag off before the
        // bridge; the link-layer loads still see it), so every check below applies inside the tag as it does untagged.
        var inner = guard.Vlans is not null;
        RuleBuilder Rule() => new(inner);
        if (guard.Vlans is { } vlans)
        {
            foreach (var (type, name) in Tags.Skip(1))
                rules.Add(Rule().Field($"ether type {name}", NftPayloadBase.Link, 12, [(byte)(type >> 8), (byte)type]).Drop($"VLAN tag {name}: no QinQ on this vif"));
            foreach (var (from, to) in OtherVids(vlans))
            {
                rules.Add(Rule().Field("ether type 8021q", NftPayloadBase.Link, 12, [0x81, 0x00]).VidIn(from, to)
                    .Drop(from == to ? $"VLAN {from} is not this vif's" : $"VLANs {from}-{to} are not this vif's"));
            }
            rules.Add(Rule().MetaProtocol(0x8100, "8021q").Drop("a second 802.1Q tag (QinQ)"));
        }
        else
        {
            foreach (var (type, name) in Tags)
                rules.Add(Rule().Field($"ether type {name}", NftPayloadBase.Link, 12, [(byte)(type >> 8), (byte)type]).Drop($"VLAN tag {name}: no VLANs on this vif"));
        }
        rules.Add(Rule().Field($"ether saddr != {guard.Mac}", NftPayloadBase.Link, 6, mac, equal: false).Drop("source MAC"));
        rules.Add(Rule().Arp().Field($"arp saddr ether != {guard.Mac}", NftPayloadBase.Network, 8, mac, equal: false).Drop("ARP sender MAC"));
        foreach (var (type, name, options, option, what) in NdMessages)
        {
            // One option at most (a nonce, or the link-layer address): the guard cannot walk a list of options.
            rules.Add(Rule().Ip6().L4(58).Field($"icmpv6 type {name}", NftPayloadBase.Transport, 0, [type])
                .Field($"ip6 length != {options}", NftPayloadBase.Network, 4, [0, (byte)options], equal: false)
                .Field($"ip6 length != {options + 8}", NftPayloadBase.Network, 4, [0, (byte)(options + 8)], equal: false).Drop(null));
            var at = options * 8;
            rules.Add(Rule().Ip6().L4(58).Field($"icmpv6 type {name}", NftPayloadBase.Transport, 0, [type])
                .Field($"@th,{at},8 0x{option:x}", NftPayloadBase.Transport, options, [option])
                .Field($"@th,{at + 8},8 != 0x1", NftPayloadBase.Transport, options + 1, [1], equal: false).Drop(null));
            rules.Add(Rule().Ip6().L4(58).Field($"icmpv6 type {name}", NftPayloadBase.Transport, 0, [type])
                .Field($"@th,{at},8 0x{option:x}", NftPayloadBase.Transport, options, [option])
                .Field($"@th,{at + 16},48 != {macHex}", NftPayloadBase.Transport, options + 2, mac, equal: false).Drop($"{what} link-layer address"));
        }
        if (!guard.GuardsAddresses) return rules;
        rules.AddRange(ServerRules(guard));
        var learnt = guard.Mode == AntispoofMode.Dhcp ? LearntSetName(chain) : null;

        var v4 = guard.Addresses.V4.Count > 0 ? SetName(chain, v6: false) : null;
        var v6 = SetName(chain, v6: true);
        rules.Add(Rule().Arp().Field("arp htype != 1", NftPayloadBase.Network, 0, [0, 1], equal: false).Drop(null));
        rules.Add(Rule().Arp().Field("arp ptype != ip", NftPayloadBase.Network, 2, [0x08, 0x00], equal: false).Drop(null));
        rules.Add(Rule().Arp().Field("arp hlen != 6", NftPayloadBase.Network, 4, [6], equal: false).Drop(null));
        rules.Add(Rule().Arp().Field("arp plen != 4", NftPayloadBase.Network, 5, [4], equal: false).Drop(null));
        rules.Add(Rule().Arp().Field("arp operation request", NftPayloadBase.Network, 6, [0, 1]).Field("arp saddr ip 0.0.0.0", NftPayloadBase.Network, 14, [0, 0, 0, 0])
            .Accept("ARP probe (RFC 5227)"));
        if (learnt is not null) rules.Add(Rule().Arp().In("arp saddr ip", NftPayloadBase.Network, 14, 4, learnt).Accept("learnt from DHCP"));
        rules.Add(v4 is not null
            ? Rule().Arp().NotIn("arp saddr ip", NftPayloadBase.Network, 14, 4, v4).Drop("ARP sender address")
            : Rule().Arp(shown: true).Drop(learnt is null ? "no IPv4 address in ip=" : "no IPv4 address learnt or in ip="));
        rules.Add(Rule().Arp(shown: true).Accept(null));
        rules.Add(Rule().Ip().Field("ip saddr 0.0.0.0", NftPayloadBase.Network, 12, [0, 0, 0, 0]).Field("ip daddr 255.255.255.255", NftPayloadBase.Network, 16, [255, 255, 255, 255])
            .L4(17).Field("udp sport 68", NftPayloadBase.Transport, 0, [0, 68]).Field("udp dport 67", NftPayloadBase.Transport, 2, [0, 67]).Accept("DHCP client"));
        if (learnt is not null)
        {
            // A DHCPRELEASE from a learnt address takes it out of the set (the release itself still goes to the server).
            rules.Add(Rule().Ip().L4(17).Field("udp sport 68", NftPayloadBase.Transport, 0, [0, 68]).Field("udp dport 67", NftPayloadBase.Transport, 2, [0, 67])
                .Field("@th,1984,24 0x350107", NftPayloadBase.Transport, 248, [0x35, 1, 7])
                .Dynset($"delete @{learnt} {{ ip saddr }}", NftPayloadBase.Network, 12, 4, learnt, true, 0, "DHCP release: forget"));
            rules.Add(Rule().Ip().In("ip saddr", NftPayloadBase.Network, 12, 4, learnt).Accept("learnt from DHCP"));
        }
        rules.Add(v4 is not null
            ? Rule().Ip().NotIn("ip saddr", NftPayloadBase.Network, 12, 4, v4).Drop("IPv4 source")
            : Rule().Ip(shown: true).Drop(learnt is null ? "no IPv4 address in ip=" : "no IPv4 address learnt or in ip="));
        rules.Add(Rule().Ip(shown: true).Accept(null));

        foreach (var (type, name) in new (byte, string)[] { (135, "nd-neighbor-solicit"), (131, "mld-listener-report"), (143, "mld2-listener-report") })
        {
            rules.Add(Rule().Ip6().Field("ip6 saddr ::", NftPayloadBase.Network, 8, new byte[16]).L4(58).Field($"icmpv6 type {name}", NftPayloadBase.Transport, 0, [type])
                .Accept("DAD and MLD before an address"));
        }
        rules.Add(Rule().Ip6().NotIn("ip6 saddr", NftPayloadBase.Network, 8, 16, v6).Drop("IPv6 source"));
        // The neighbour advertisement's target: nft 1.0.6 has no `icmpv6 taddr`, it is the 128 bits after the first 8 bytes.
        rules.Add(Rule().Ip6().L4(58).Field("icmpv6 type nd-neighbor-advert", NftPayloadBase.Transport, 0, [136]).NotIn("@th,64,128", NftPayloadBase.Transport, 8, 16, v6)
            .Drop("NA target"));
        rules.Add(Rule().Ip6(shown: true).Accept(null));
        rules.Add(Rule().Drop("other protocols (PPPoE, ...) could carry unchecked addresses"));
        return rules;
    }

    /// <summary>Comments of the rules that drop a rogue router's or DHCP server's messages (status counts their drops apart).</summary>
    public const string RogueRouterAdvert = "rogue router advertisement", RogueRedirect = "rogue redirect", RogueIcmpRedirect = "rogue ICMP redirect", RogueDhcp = "rogue DHCP server", RogueDhcp6 = "rogue DHCPv6 server";

    /// <summary>
    /// What a guest that is no router and no DHCP server may not send (unless allow_router, allow_dhcp_server): IPv6
    /// router advertisements (134) and redirects (137), and IPv4 ICMP redirects (type 5), which would make its neighbours
    /// route through it; DHCPv4 server
    /// messages (udp source port 67: offers, acks, naks) and DHCPv6 server messages (source port 547: advertise, reply),
    /// which would hand its neighbours addresses, routers and name servers of its choosing. Before any accept.
    /// </summary>
    private static IEnumerable<GuardRule> ServerRules(VifGuard guard)
    {
        var inner = guard.Vlans is not null; // inside the tag too, as every other check of a NIC with VLANs
        RuleBuilder Rule() => new(inner);
        if (!guard.AllowRouter)
        {
            yield return Rule().Ip6().L4(58).Field("icmpv6 type nd-router-advert", NftPayloadBase.Transport, 0, [134]).Drop(RogueRouterAdvert);
            yield return Rule().Ip6().L4(58).Field("icmpv6 type nd-redirect", NftPayloadBase.Transport, 0, [137]).Drop(RogueRedirect);
            yield return Rule().Ip().L4(1).Field("icmp type redirect", NftPayloadBase.Transport, 0, [5]).Drop(RogueIcmpRedirect);
        }
        if (!guard.AllowDhcpServer)
        {
            yield return Rule().Ip(shown: true).L4(17).Field("udp sport 67", NftPayloadBase.Transport, 0, [0, 67]).Drop(RogueDhcp);
            yield return Rule().Ip6(shown: true).L4(17).Field("udp sport 547", NftPayloadBase.Transport, 0, [0x02, 0x23]).Drop(RogueDhcp6);
        }
    }

    /// <summary>The address sets of an ip-mode guard, with their elements (none in mac mode; no IPv4 set without an IPv4 address).</summary>
    public static IReadOnlyList<NftAddSetElements> Sets(VifGuard guard)
    {
        if (!guard.GuardsAddresses) return [];
        var chain = ChainName(guard.Owner);
        var sets = new List<NftAddSetElements>();
        if (guard.Addresses.V4.Count > 0)
            sets.Add(new NftAddSetElements(SetName(chain, v6: false), AddressIntervals.Elements(guard.Addresses.V4, 4), guard.Addresses.V4));
        List<string> v6 = [guard.LinkLocal, .. guard.Addresses.V6];
        sets.Add(new NftAddSetElements(SetName(chain, v6: true), AddressIntervals.Elements(v6, 16), v6));
        return sets;
    }

    /// <summary>
    /// The transaction that guards one NIC: creates the table if needed (waking it if dormant), then replaces the
    /// chain of the NIC's owner (<see cref="VifGuard.Owner"/>, libxl's name for it), its address sets, and adds the map
    /// element of its interface. The kernel refuses the element (EEXIST) when that name already jumps to another NIC's
    /// chain: two guests with one vifname never share, nor take over, a guard.
    /// </summary>
    public static IReadOnlyList<NftOp> Install(VifGuard guard)
    {
        var chain = ChainName(guard.Owner);
        var ops = Skeleton();
        ops.Add(new NftFlushChain(BaseChain));
        ops.Add(new NftAddRule(BaseChain, Dispatch));
        ops.Add(new NftAddChain(chain));
        ops.Add(new NftFlushChain(chain));
        var sets = Sets(guard);
        foreach (var v6 in new[] { false, true })
        {
            var name = SetName(chain, v6);
            ops.Add(new NftAddAddressSet(name, v6));
            if (sets.FirstOrDefault(s => s.Set == name) is { } set)
            {
                ops.Add(new NftFlushSet(name));
                ops.AddRange(Chunks(set));
            }
            else ops.Add(new NftDeleteSet(name));
        }
        var learning = guard.Mode == AntispoofMode.Dhcp;
        if (learning)
        {
            ops.Add(new NftAddBaseChain(ForwardChain, 2, -200));
            ops.Add(new NftAddVerdictMap(LearningMap));
            ops.Add(new NftFlushChain(ForwardChain));
            ops.Add(new NftAddRule(ForwardChain, LearnDispatch));
            ops.Add(new NftAddIfnameSet(DhcpServers));
            if (guard.DhcpServerPorts.Count > 0) ops.Add(new NftAddIfnameElements(DhcpServers, guard.DhcpServerPorts));
            ops.Add(new NftAddLearntSet(LearntSetName(chain))); // never flushed: a repeated online keeps what the kernel learnt
        }
        ops.AddRange(Rules(guard).Select(r => new NftAddRule(chain, r)));
        if (learning)
        {
            var learn = LearnChainName(guard.Owner);
            ops.Add(new NftAddChain(learn));
            ops.Add(new NftFlushChain(learn));
            ops.Add(new NftAddRule(learn, LearnRule(guard)));
            ops.Add(new NftAddJumpElement(LearningMap, guard.Interface, learn));
        }
        ops.Add(new NftAddJumpElement(Map, guard.Interface, chain));
        return ops;
    }

    /// <summary>
    /// The transaction that removes one NIC's guard (the chain of <paramref name="owner"/>, its sets, and the map
    /// elements of <paramref name="interfaces"/>), whether or not it exists: each object is declared before it is deleted.
    /// Declaring an element as a jump to this NIC's chain is the proof it is this NIC's: when the name jumps to another
    /// NIC's chain the kernel refuses it (EEXIST) and the whole transaction, so nothing of the other guard is removed.
    /// </summary>
    public static IReadOnlyList<NftOp> Remove(string owner, IEnumerable<string> interfaces, bool learning = false)
    {
        var chain = ChainName(owner);
        var learn = LearnChainName(owner);
        var names = interfaces.ToList();
        var ops = Skeleton();
        ops.Add(new NftAddChain(chain));
        foreach (var name in names)
        {
            ops.Add(new NftAddJumpElement(Map, name, chain));
            ops.Add(new NftDeleteElement(Map, name));
        }
        if (learning)
        {
            // antispoof = dhcp was used on this host: its learning chain and element go too (the same proof, in the learning map).
            ops.Add(new NftAddVerdictMap(LearningMap));
            ops.Add(new NftAddChain(learn));
            foreach (var name in names)
            {
                ops.Add(new NftAddJumpElement(LearningMap, name, learn));
                ops.Add(new NftDeleteElement(LearningMap, name));
            }
            ops.Add(new NftFlushChain(learn));
        }
        ops.Add(new NftFlushChain(chain));
        foreach (var v6 in new[] { false, true })
        {
            ops.Add(new NftAddAddressSet(SetName(chain, v6), v6));
            ops.Add(new NftDeleteSet(SetName(chain, v6)));
        }
        if (learning)
        {
            ops.Add(new NftAddLearntSet(LearntSetName(chain)));
            ops.Add(new NftDeleteSet(LearntSetName(chain)));
            ops.Add(new NftDeleteChain(learn));
        }
        ops.Add(new NftDeleteChain(chain));
        return ops;
    }

    /// <summary>The most elements one message carries: their list is one netlink attribute, at most 64 KiB long.</summary>
    public const int ElementsPerMessage = 256;

    /// <summary>A set's elements in messages of at most <see cref="ElementsPerMessage"/>, each ending after an interval's end where it can.</summary>
    private static IEnumerable<NftAddSetElements> Chunks(NftAddSetElements set)
    {
        var elements = set.Elements;
        for (var start = 0; start < elements.Count;)
        {
            var end = Math.Min(start + ElementsPerMessage, elements.Count);
            if (end < elements.Count && !elements[end - 1].IntervalEnd) end--;
            yield return set with { Elements = elements.Skip(start).Take(end - start).ToList(), Shown = start == 0 ? set.Shown : ["..."] };
            start = end;
        }
    }

    /// <summary>The transaction as `nft -f` text (what a reader, or a test, can replay with nft).</summary>
    public static string Text(IEnumerable<NftOp> ops) => string.Concat(ops.Select(o => o.Text + "\n"));

    private static List<NftOp> Skeleton() => [new NftAddTable(), new NftAddBaseChain(BaseChain, 0, -200), new NftAddVerdictMap(Map)];

    private static RuleBuilder Rule() => new(false);

    /// <summary>The VLAN ids 0-4095 a NIC does not carry, as runs (VID 0, priority tagging, is never a NIC's).</summary>
    public static IReadOnlyList<(int From, int To)> OtherVids(Vlan.VlanSet vlans)
    {
        var runs = new List<(int, int)>();
        var next = 0;
        foreach (var vid in vlans.Vids)
        {
            if (vid > next) runs.Add((next, vid - 1));
            next = vid + 1;
        }
        if (next <= 4095) runs.Add((next, 4095));
        return runs;
    }

    /// <summary>
    /// Builds one rule's expressions and its listing side by side. A protocol match (ether type, meta l4proto) is
    /// a dependency nft leaves out of its listing when a later match implies it; <c>shown</c> keeps it.
    /// </summary>
    private sealed class RuleBuilder(bool inner)
    {
        private readonly List<string> _text = [];
        private readonly List<NftExpr> _expressions = [];

        public RuleBuilder Arp(bool shown = false) => EtherType(0x0806, "arp", shown);
        public RuleBuilder Ip(bool shown = false) => EtherType(0x0800, "ip", shown);
        public RuleBuilder Ip6(bool shown = false) => EtherType(0x86dd, "ip6", shown);

        private RuleBuilder EtherType(ushort type, string name, bool shown)
        {
            if (inner) return MetaProtocol(type, name, shown);
            _expressions.Add(new NftPayloadLoad(NftPayloadBase.Link, 12, 2));
            _expressions.Add(new NftCompare(true, [(byte)(type >> 8), (byte)type]));
            if (shown) _text.Add($"ether type {name}");
            return this;
        }

        /// <summary>meta protocol TYPE: the frame's type, inside its 802.1Q tag when it has one.</summary>
        public RuleBuilder MetaProtocol(ushort type, string name, bool shown = true)
        {
            _expressions.Add(new NftMetaLoad(NftMetaLoad.Protocol));
            _expressions.Add(new NftCompare(true, [(byte)(type >> 8), (byte)type]));
            if (shown) _text.Add($"meta protocol {name}");
            return this;
        }

        /// <summary>vlan id FROM-TO: the 802.1Q tag's 12-bit VLAN id in the range.</summary>
        public RuleBuilder VidIn(int from, int to)
        {
            _expressions.Add(new NftPayloadLoad(NftPayloadBase.Link, 14, 2));
            _expressions.Add(new NftMask([0x0f, 0xff]));
            _expressions.Add(new NftCompareBound(true, [(byte)(from >> 8), (byte)from]));
            _expressions.Add(new NftCompareBound(false, [(byte)(to >> 8), (byte)to]));
            _text.Add(from == to ? $"vlan id {from}" : $"vlan id {from}-{to}");
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

        /// <summary>The field (<paramref name="length"/> bytes) is not in the set: one lookup, inverted.</summary>
        public RuleBuilder NotIn(string field, NftPayloadBase payloadBase, int offset, int length, string set)
        {
            _expressions.Add(new NftPayloadLoad(payloadBase, offset, length));
            _expressions.Add(new NftSetLookup(set, Invert: true));
            _text.Add($"{field} != @{set}");
            return this;
        }

        /// <summary>The field is in the set: one lookup.</summary>
        public RuleBuilder In(string field, NftPayloadBase payloadBase, int offset, int length, string set)
        {
            _expressions.Add(new NftPayloadLoad(payloadBase, offset, length));
            _expressions.Add(new NftSetLookup(set, Invert: false));
            _text.Add($"{field} @{set}");
            return this;
        }

        /// <summary>A meta key (iifname, oifname) is in the set.</summary>
        public RuleBuilder MetaIn(string field, int key, string set)
        {
            _expressions.Add(new NftMetaLoad(key));
            _expressions.Add(new NftSetLookup(set, Invert: false));
            _text.Add($"{field} @{set}");
            return this;
        }

        public RuleBuilder Counter()
        {
            _expressions.Add(new NftCounter());
            _text.Add("counter");
            return this;
        }

        /// <summary>Ends the rule with a dynset on the loaded field: the kernel updates (or deletes) it in the set; no verdict.</summary>
        public GuardRule Dynset(string text, NftPayloadBase payloadBase, int offset, int length, string set, bool delete, long timeoutMilliseconds, string? comment)
        {
            _expressions.Add(new NftPayloadLoad(payloadBase, offset, length));
            _expressions.Add(new NftDynset(set, delete, timeoutMilliseconds));
            _text.Add(text);
            return new GuardRule(string.Join(' ', _text), _expressions, comment);
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

    }
}
