using System.Globalization;

namespace XenHotplug.Core.Firewall;

/// <summary>
/// One message of an nf_tables transaction on the project's table (<see cref="AntispoofRules.Family"/>
/// <see cref="AntispoofRules.Table"/>), as data; <see cref="Text"/> is the same operation in nft's syntax, which
/// names the operation the kernel refused in an error.
/// </summary>
public abstract record NftOp
{
    protected const string Qualified = AntispoofRules.Family + " " + AntispoofRules.Table;

    public abstract string Text { get; }

    public override string ToString() => Text;
}

/// <summary>
/// NFT_MSG_NEWTABLE without NLM_F_EXCL: creates the table unless it exists, and sets its flags to none — a table an
/// administrator made dormant (whose chains the kernel does not run) is woken up in the same transaction.
/// </summary>
public sealed record NftAddTable : NftOp
{
    public override string Text => $"add table {Qualified}";
}

/// <summary>NFT_MSG_NEWCHAIN of a filter base chain on a bridge hook (NF_BR_PRE_ROUTING = 0), policy accept.</summary>
public sealed record NftAddBaseChain(string Chain, int Hook, int Priority) : NftOp
{
    public override string Text => string.Create(CultureInfo.InvariantCulture,
        $"add chain {Qualified} {Chain} {{ type filter hook {(Hook switch { 0 => "prerouting", 2 => "forward", _ => Hook.ToString(CultureInfo.InvariantCulture) })} priority {(Priority == -200 ? "filter" : Priority)}; policy accept; }}");
}

/// <summary>NFT_MSG_NEWSET of a map from interface names (ifname, 16 bytes) to verdicts.</summary>
public sealed record NftAddVerdictMap(string Map) : NftOp
{
    public override string Text => $"add map {Qualified} {Map} {{ type ifname : verdict; }}";
}

/// <summary>NFT_MSG_NEWCHAIN of a regular chain.</summary>
public sealed record NftAddChain(string Chain) : NftOp
{
    public override string Text => $"add chain {Qualified} {Chain}";
}

/// <summary>NFT_MSG_DELRULE naming only the chain: deletes every rule in it.</summary>
public sealed record NftFlushChain(string Chain) : NftOp
{
    public override string Text => $"flush chain {Qualified} {Chain}";
}

/// <summary>NFT_MSG_NEWRULE appended to a chain.</summary>
public sealed record NftAddRule(string Chain, GuardRule Rule) : NftOp
{
    public override string Text => $"add rule {Qualified} {Chain} {Rule.Listing}";
}

/// <summary>NFT_MSG_NEWSETELEM: interface name → jump chain.</summary>
public sealed record NftAddJumpElement(string Map, string Interface, string Chain) : NftOp
{
    public override string Text => $"add element {Qualified} {Map} {{ \"{Interface}\" : jump {Chain} }}";
}

/// <summary>NFT_MSG_DELSETELEM of an interface name.</summary>
public sealed record NftDeleteElement(string Map, string Interface) : NftOp
{
    public override string Text => $"delete element {Qualified} {Map} {{ \"{Interface}\" }}";
}

/// <summary>NFT_MSG_DELCHAIN.</summary>
public sealed record NftDeleteChain(string Chain) : NftOp
{
    public override string Text => $"delete chain {Qualified} {Chain}";
}

/// <summary>NFT_MSG_NEWSET of an interval set of IPv4 (4-byte) or IPv6 (16-byte) addresses.</summary>
public sealed record NftAddAddressSet(string Set, bool V6) : NftOp
{
    public override string Text => $"add set {Qualified} {Set} {{ type {(V6 ? "ipv6_addr" : "ipv4_addr")}; flags interval; }}";
}

/// <summary>NFT_MSG_DELSETELEM naming only the set: deletes every element in it.</summary>
public sealed record NftFlushSet(string Set) : NftOp
{
    public override string Text => $"flush set {Qualified} {Set}";
}

/// <summary>NFT_MSG_NEWSETELEM of an interval set's elements (<see cref="AddressIntervals"/>).</summary>
public sealed record NftAddSetElements(string Set, IReadOnlyList<SetElement> Elements, IReadOnlyList<string> Shown) : NftOp
{
    public override string Text => $"add element {Qualified} {Set} {{ {string.Join(", ", Shown)} }}";
}

/// <summary>NFT_MSG_DELSET.</summary>
public sealed record NftDeleteSet(string Set) : NftOp
{
    public override string Text => $"delete set {Qualified} {Set}";
}

/// <summary>NFT_MSG_NEWSET of a set of interface names (the ports trusted to carry DHCP servers).</summary>
public sealed record NftAddIfnameSet(string Set) : NftOp
{
    public override string Text => $"add set {Qualified} {Set} {{ type ifname; }}";
}

/// <summary>NFT_MSG_NEWSETELEM of interface names into a set of them (an existing one is kept).</summary>
public sealed record NftAddIfnameElements(string Set, IReadOnlyList<string> Names) : NftOp
{
    public override string Text => $"add element {Qualified} {Set} {{ {string.Join(", ", Names.Select(n => $"\"{n}\""))} }}";
}

/// <summary>NFT_MSG_NEWSET of a dynamic set of IPv4 addresses whose elements time out (what antispoof = dhcp learnt).</summary>
public sealed record NftAddLearntSet(string Set, int Size = 64) : NftOp
{
    public override string Text => string.Create(CultureInfo.InvariantCulture, $"add set {Qualified} {Set} {{ type ipv4_addr; size {Size}; flags dynamic, timeout; }}");
}
