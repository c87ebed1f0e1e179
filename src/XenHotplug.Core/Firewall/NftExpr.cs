namespace XenHotplug.Core.Firewall;

/// <summary>
/// One nf_tables expression of a rule, as data: what `nft --debug=netlink` prints between brackets. Every load
/// writes register 1 and every compare reads it, as nft's own rules do; the host encodes them as NFTA_EXPR nests.
/// </summary>
public abstract record NftExpr;

/// <summary>Where a payload load starts: NFT_PAYLOAD_LL_HEADER, NETWORK_HEADER, TRANSPORT_HEADER.</summary>
public enum NftPayloadBase
{
    Link = 0,
    Network = 1,
    Transport = 2,
}

/// <summary>[ meta load KEY => reg 1 ]: NFT_META_PROTOCOL (1), NFT_META_IIFNAME (6) or NFT_META_L4PROTO (16).</summary>
public sealed record NftMetaLoad(int Key) : NftExpr
{
    /// <summary>The frame's protocol after the kernel took its (outer) 802.1Q tag off: the type inside a tagged frame.</summary>
    public const int Protocol = 1;
    public const int IifName = 6;
    public const int L4Proto = 16;
    public const int OifName = 7;
}

/// <summary>
/// [ dynset update|delete reg_key 1 set SET timeout MSms ]: the kernel adds register 1 to the set (or refreshes its
/// timeout), or deletes it, from the packet path — no verdict, the rule goes on.
/// </summary>
public sealed record NftDynset(string Set, bool Delete, long TimeoutMilliseconds) : NftExpr;

/// <summary>[ payload load LENb @ BASE header + OFFSET => reg 1 ].</summary>
public sealed record NftPayloadLoad(NftPayloadBase Base, int Offset, int Length) : NftExpr;

/// <summary>[ bitwise reg 1 = ( reg 1 &amp; MASK ) ^ 0 ]: keeps a prefix's network bits.</summary>
public sealed record NftMask(IReadOnlyList<byte> Mask) : NftExpr;

/// <summary>[ cmp eq|neq reg 1 DATA ]: the data in network byte order, as the packet carries it.</summary>
public sealed record NftCompare(bool Equal, IReadOnlyList<byte> Data) : NftExpr;

/// <summary>[ cmp gte|lte reg 1 DATA ]: register 1 at least (<c>AtLeast</c>) or at most DATA, compared as big-endian bytes.</summary>
public sealed record NftCompareBound(bool AtLeast, IReadOnlyList<byte> Data) : NftExpr;

/// <summary>[ counter ].</summary>
public sealed record NftCounter : NftExpr;

/// <summary>[ immediate reg 0 accept|drop ].</summary>
public sealed record NftImmediateVerdict(bool Accept) : NftExpr;

/// <summary>[ lookup reg 1 set SET dreg 0 ]: a verdict map keyed by register 1.</summary>
public sealed record NftVerdictLookup(string Map) : NftExpr;

/// <summary>[ lookup reg 1 set SET (0x1 = inverted) ]: register 1 is (with <c>Invert</c>: is not) in the address set.</summary>
public sealed record NftSetLookup(string Set, bool Invert) : NftExpr;
