using System.Text;
using XenHotplug.Core.Firewall;
using XenHotplug.Host.Native;
using XenHotplug.Host.Netlink;

namespace XenHotplug.Host.Firewall;

/// <summary>
/// Applies an nf_tables transaction (<see cref="AntispoofRules.Install"/>, <see cref="AntispoofRules.Remove"/>) as
/// one netlink batch: no process, no nft library, a fraction of a millisecond. Each operation and each rule's
/// expressions are encoded the way nft itself encodes them (`nft --debug=netlink` shows the same expressions), a
/// rule's comment as nft's userdata TLV, so `nft list table bridge xen_multibridge` reads as if nft had added them.
/// </summary>
public static class NftablesClient
{
    private const byte NFPROTO_BRIDGE = 7;
    private const ushort NFNL_SUBSYS_NFTABLES = 10;
    private const ushort NFT_MSG_NEWTABLE = 0, NFT_MSG_GETTABLE = 1, NFT_MSG_NEWCHAIN = 3, NFT_MSG_DELCHAIN = 5, NFT_MSG_NEWRULE = 6, NFT_MSG_DELRULE = 8,
        NFT_MSG_NEWSET = 9, NFT_MSG_GETSET = 10, NFT_MSG_DELSET = 11, NFT_MSG_NEWSETELEM = 12, NFT_MSG_GETSETELEM = 13, NFT_MSG_DELSETELEM = 14;
    private const ushort NLM_F_REQUEST = NetlinkWire.NLM_F_REQUEST, NLM_F_ACK = NetlinkWire.NLM_F_ACK, NLM_F_DUMP = NetlinkWire.NLM_F_DUMP,
        NLM_F_CREATE = NetlinkWire.NLM_F_CREATE, NLM_F_APPEND = NetlinkWire.NLM_F_APPEND;
    private const int NfGenLength = 4; // struct nfgenmsg, before an answer's attributes

    private const ushort NFTA_TABLE_NAME = 1, NFTA_TABLE_FLAGS = 2;
    private const uint NFT_TABLE_F_DORMANT = 1;
    private const ushort NFTA_SET_ELEM_FLAGS = 3, NFTA_LOOKUP_FLAGS = 5;
    private const uint NFT_SET_INTERVAL = 0x4, NFT_SET_ELEM_INTERVAL_END = 1, NFT_LOOKUP_F_INV = 1, TYPE_IPADDR = 7, TYPE_IP6ADDR = 8;
    private const byte BYTEORDER_BIG_ENDIAN = 2;
    private const ushort NFTA_CHAIN_TABLE = 1, NFTA_CHAIN_NAME = 3, NFTA_CHAIN_HOOK = 4, NFTA_CHAIN_POLICY = 5, NFTA_CHAIN_TYPE = 7;
    private const ushort NFTA_HOOK_HOOKNUM = 1, NFTA_HOOK_PRIORITY = 2;
    private const ushort NFTA_RULE_TABLE = 1, NFTA_RULE_CHAIN = 2, NFTA_RULE_EXPRESSIONS = 4, NFTA_RULE_USERDATA = 7;
    private const ushort NFTA_SET_TABLE = 1, NFTA_SET_NAME = 2, NFTA_SET_FLAGS = 3, NFTA_SET_KEY_TYPE = 4, NFTA_SET_KEY_LEN = 5,
        NFTA_SET_DATA_TYPE = 6, NFTA_SET_ID = 10, NFTA_SET_USERDATA = 13;
    private const ushort NFTA_SET_ELEM_LIST_TABLE = 1, NFTA_SET_ELEM_LIST_SET = 2, NFTA_SET_ELEM_LIST_ELEMENTS = 3;
    private const ushort NFTA_SET_ELEM_KEY = 1, NFTA_SET_ELEM_DATA = 2;
    private const ushort NFTA_LIST_ELEM = 1, NFTA_EXPR_NAME = 1, NFTA_EXPR_DATA = 2;
    private const ushort NFTA_DATA_VALUE = 1, NFTA_DATA_VERDICT = 2, NFTA_VERDICT_CODE = 1, NFTA_VERDICT_CHAIN = 2;
    private const ushort NFTA_META_DREG = 1, NFTA_META_KEY = 2;
    private const ushort NFTA_PAYLOAD_DREG = 1, NFTA_PAYLOAD_BASE = 2, NFTA_PAYLOAD_OFFSET = 3, NFTA_PAYLOAD_LEN = 4;
    private const ushort NFTA_BITWISE_SREG = 1, NFTA_BITWISE_DREG = 2, NFTA_BITWISE_LEN = 3, NFTA_BITWISE_MASK = 4, NFTA_BITWISE_XOR = 5;
    private const ushort NFTA_CMP_SREG = 1, NFTA_CMP_OP = 2, NFTA_CMP_DATA = 3;
    private const ushort NFTA_IMMEDIATE_DREG = 1, NFTA_IMMEDIATE_DATA = 2;
    private const ushort NFTA_LOOKUP_SET = 1, NFTA_LOOKUP_SREG = 2, NFTA_LOOKUP_DREG = 3;
    private const uint NFT_REG_VERDICT = 0, NFT_REG_1 = 1, NFT_CMP_EQ = 0, NFT_CMP_NEQ = 1, NFT_CMP_LTE = 3, NFT_CMP_GTE = 5;
    private const uint NF_DROP = 0, NF_ACCEPT = 1, NFT_JUMP = unchecked((uint)-3);
    private const uint NFT_SET_TIMEOUT = 0x10, NFT_SET_EVAL = 0x20, NFT_DYNSET_OP_UPDATE = 1, NFT_DYNSET_OP_DELETE = 2;
    private const ushort NFTA_SET_DESC = 9, NFTA_SET_DESC_SIZE = 1;
    private const ushort NFTA_DYNSET_SET_NAME = 1, NFTA_DYNSET_OP = 3, NFTA_DYNSET_SREG_KEY = 4, NFTA_DYNSET_TIMEOUT = 6;
    private const uint NFT_SET_MAP = 0x8, NFT_DATA_VERDICT = 0xffffff00, TYPE_IFNAME = 41, IFNAMSIZ = 16;
    private const byte NFTNL_UDATA_RULE_COMMENT = 0, NFTNL_UDATA_SET_KEYBYTEORDER = 0, NFTNL_UDATA_SET_DATABYTEORDER = 1, BYTEORDER_HOST_ENDIAN = 1;

    /// <summary>Applies the transaction atomically, or throws a <see cref="FirewallException"/> naming what the kernel refused and why.</summary>
    public static void Apply(IReadOnlyList<NftOp> ops)
    {
        try
        {
            using var socket = new NetfilterBatchSocket();
            var messages = ops.Select(op => (Encode(op), op.Text)).ToList();
            Hotplug.StepStop.Before($"nf_tables batch of {ops.Count} messages");
            socket.Apply(messages);
        }
        catch (NetlinkException e)
        {
            throw new FirewallException(e.Message, e) { Errno = e.Errno, FailedOp = e.FailedMessage >= 0 && e.FailedMessage < ops.Count ? ops[e.FailedMessage] : null };
        }
    }

    /// <summary>True when the kernel made the refusal because a map element of that name already jumps to another chain.</summary>
    public static bool IsElementClash(FirewallException e) => e.Errno == Errno.EEXIST && e.FailedOp is NftAddJumpElement;

    /// <summary>
    /// Whether the project's table is dormant (its chains are not run: nothing it holds is enforced); null when
    /// the table does not exist.
    /// </summary>
    public static bool? TableIsDormant()
    {
        try
        {
            using var socket = new NetfilterBatchSocket();
            var m = Message(NFT_MSG_GETTABLE, 0, ack: false);
            m.Attribute(NFTA_TABLE_NAME, AntispoofRules.Table);
            foreach (var answer in socket.Query(m))
            {
                if (NetlinkAttributes.TryFind(Attributes(answer), NFTA_TABLE_FLAGS, out var flags) && flags.Value.Length == 4)
                    return (flags.BigEndianU32 & NFT_TABLE_F_DORMANT) != 0;
                return false;
            }
            return null;
        }
        catch (NetlinkException e) when (e.Errno == Errno.ENOENT)
        {
            return null;
        }
        catch (NetlinkException e)
        {
            throw new FirewallException(e.Message, e) { Errno = e.Errno };
        }
    }

    /// <summary>The guarded map as the kernel holds it: each interface name and the chain it jumps to (none when there is no table or map).</summary>
    public static IReadOnlyList<(string Interface, string Chain)> GuardedElements()
    {
        try
        {
            using var socket = new NetfilterBatchSocket();
            var m = Message(NFT_MSG_GETSETELEM, NLM_F_DUMP, ack: false);
            m.Attribute(NFTA_SET_ELEM_LIST_TABLE, AntispoofRules.Table);
            m.Attribute(NFTA_SET_ELEM_LIST_SET, AntispoofRules.Map);
            var result = new List<(string, string)>();
            foreach (var answer in socket.Query(m))
            {
                foreach (var list in new NetlinkAttributes(Attributes(answer)))
                {
                    if (list.Type != NFTA_SET_ELEM_LIST_ELEMENTS) continue;
                    foreach (var element in list.Nested)
                    {
                        if (element.Type != NFTA_LIST_ELEM) continue;
                        string? name = null, chain = null;
                        foreach (var field in element.Nested)
                        {
                            if (field.Type == NFTA_SET_ELEM_KEY && name is null && NetlinkAttributes.TryFind(field.Value, NFTA_DATA_VALUE, out var value))
                                name = value.Text;
                            else if (field.Type == NFTA_SET_ELEM_DATA && chain is null && NetlinkAttributes.TryFind(field.Value, NFTA_DATA_VERDICT, out var verdict)
                                && NetlinkAttributes.TryFind(verdict.Value, NFTA_VERDICT_CHAIN, out var target))
                                chain = target.Text;
                        }
                        if (name is not null && chain is not null) result.Add((name, chain));
                    }
                }
            }
            return result;
        }
        catch (NetlinkException e) when (e.Errno == Errno.ENOENT)
        {
            return [];
        }
        catch (NetlinkException e)
        {
            throw new FirewallException(e.Message, e) { Errno = e.Errno };
        }
    }

    /// <summary>True when the project's table holds the guarded map (false when the table or the map does not exist).</summary>
    public static bool MapExists(string map = AntispoofRules.Map)
    {
        try
        {
            using var socket = new NetfilterBatchSocket();
            var m = Message(NFT_MSG_GETSET, 0, ack: false);
            m.Attribute(NFTA_SET_TABLE, AntispoofRules.Table);
            m.Attribute(NFTA_SET_NAME, map);
            return socket.Query(m).Count > 0;
        }
        catch (NetlinkException e) when (e.Errno == Errno.ENOENT)
        {
            return false;
        }
        catch (NetlinkException e)
        {
            throw new FirewallException(e.Message, e) { Errno = e.Errno };
        }
    }

    /// <summary>The attributes of an nf_tables answer: what follows its struct nfgenmsg.</summary>
    private static ReadOnlySpan<byte> Attributes(byte[] answer) => answer.Length >= NfGenLength
        ? answer.AsSpan(NfGenLength)
        : throw new NetlinkException("malformed nf_tables answer: shorter than its nfgenmsg");

    /// <summary>One operation as its nf_tables message (internal: the unit tests read the bytes).</summary>
    internal static NetlinkMessage Encode(NftOp op)
    {
        switch (op)
        {
            case NftAddTable:
                {
                    var m = Message(NFT_MSG_NEWTABLE, NLM_F_CREATE);
                    m.Attribute(NFTA_TABLE_NAME, AntispoofRules.Table);
                    m.AttributeBigEndian(NFTA_TABLE_FLAGS, 0); // not dormant: an existing dormant table is woken
                    return m;
                }
            case NftAddBaseChain b:
                {
                    var m = Chain(NFT_MSG_NEWCHAIN, NLM_F_CREATE, b.Chain);
                    var hook = m.BeginNested(NFTA_CHAIN_HOOK);
                    m.AttributeBigEndian(NFTA_HOOK_HOOKNUM, (uint)b.Hook);
                    m.AttributeBigEndian(NFTA_HOOK_PRIORITY, unchecked((uint)b.Priority));
                    m.EndNested(hook);
                    m.AttributeBigEndian(NFTA_CHAIN_POLICY, NF_ACCEPT);
                    m.Attribute(NFTA_CHAIN_TYPE, "filter");
                    return m;
                }
            case NftAddVerdictMap v:
                {
                    var m = Message(NFT_MSG_NEWSET, NLM_F_CREATE);
                    m.Attribute(NFTA_SET_TABLE, AntispoofRules.Table);
                    m.Attribute(NFTA_SET_NAME, v.Map);
                    m.AttributeBigEndian(NFTA_SET_FLAGS, NFT_SET_MAP);
                    m.AttributeBigEndian(NFTA_SET_KEY_TYPE, TYPE_IFNAME);
                    m.AttributeBigEndian(NFTA_SET_KEY_LEN, IFNAMSIZ);
                    m.AttributeBigEndian(NFTA_SET_DATA_TYPE, NFT_DATA_VERDICT);
                    m.AttributeBigEndian(NFTA_SET_ID, v.Map == AntispoofRules.Map ? 1u : 4u);
                    // nft's userdata for the key: host byte order (a string), else nft lists the names reversed, as "".
                    m.Attribute(NFTA_SET_USERDATA, [NFTNL_UDATA_SET_KEYBYTEORDER, 4, BYTEORDER_HOST_ENDIAN, 0, 0, 0, NFTNL_UDATA_SET_DATABYTEORDER, 4, 0, 0, 0, 0]);
                    return m;
                }
            case NftAddAddressSet a:
                {
                    var m = Message(NFT_MSG_NEWSET, NLM_F_CREATE);
                    m.Attribute(NFTA_SET_TABLE, AntispoofRules.Table);
                    m.Attribute(NFTA_SET_NAME, a.Set);
                    m.AttributeBigEndian(NFTA_SET_FLAGS, NFT_SET_INTERVAL);
                    m.AttributeBigEndian(NFTA_SET_KEY_TYPE, a.V6 ? TYPE_IP6ADDR : TYPE_IPADDR);
                    m.AttributeBigEndian(NFTA_SET_KEY_LEN, a.V6 ? 16u : 4u);
                    m.AttributeBigEndian(NFTA_SET_ID, a.V6 ? 3u : 2u);
                    m.Attribute(NFTA_SET_USERDATA, [NFTNL_UDATA_SET_KEYBYTEORDER, 4, BYTEORDER_BIG_ENDIAN, 0, 0, 0]);
                    return m;
                }
            case NftAddIfnameSet i:
                {
                    var m = Message(NFT_MSG_NEWSET, NLM_F_CREATE);
                    m.Attribute(NFTA_SET_TABLE, AntispoofRules.Table);
                    m.Attribute(NFTA_SET_NAME, i.Set);
                    m.AttributeBigEndian(NFTA_SET_FLAGS, 0);
                    m.AttributeBigEndian(NFTA_SET_KEY_TYPE, TYPE_IFNAME);
                    m.AttributeBigEndian(NFTA_SET_KEY_LEN, IFNAMSIZ);
                    m.AttributeBigEndian(NFTA_SET_ID, 5);
                    m.Attribute(NFTA_SET_USERDATA, [NFTNL_UDATA_SET_KEYBYTEORDER, 4, BYTEORDER_HOST_ENDIAN, 0, 0, 0]);
                    return m;
                }
            case NftAddIfnameElements e:
                {
                    var m = Message(NFT_MSG_NEWSETELEM, NLM_F_CREATE);
                    m.Attribute(NFTA_SET_ELEM_LIST_TABLE, AntispoofRules.Table);
                    m.Attribute(NFTA_SET_ELEM_LIST_SET, e.Set);
                    var elements = m.BeginNested(NFTA_SET_ELEM_LIST_ELEMENTS);
                    foreach (var name in e.Names)
                    {
                        var nest = m.BeginNested(NFTA_LIST_ELEM);
                        Value(m, NFTA_SET_ELEM_KEY, IfName(name));
                        m.EndNested(nest);
                    }
                    m.EndNested(elements);
                    return m;
                }
            case NftAddLearntSet l:
                {
                    var m = Message(NFT_MSG_NEWSET, NLM_F_CREATE);
                    m.Attribute(NFTA_SET_TABLE, AntispoofRules.Table);
                    m.Attribute(NFTA_SET_NAME, l.Set);
                    m.AttributeBigEndian(NFTA_SET_FLAGS, NFT_SET_TIMEOUT | NFT_SET_EVAL);
                    m.AttributeBigEndian(NFTA_SET_KEY_TYPE, TYPE_IPADDR);
                    m.AttributeBigEndian(NFTA_SET_KEY_LEN, 4);
                    m.AttributeBigEndian(NFTA_SET_ID, 6);
                    var desc = m.BeginNested(NFTA_SET_DESC);
                    m.AttributeBigEndian(NFTA_SET_DESC_SIZE, (uint)l.Size);
                    m.EndNested(desc);
                    m.Attribute(NFTA_SET_USERDATA, [NFTNL_UDATA_SET_KEYBYTEORDER, 4, BYTEORDER_BIG_ENDIAN, 0, 0, 0]);
                    return m;
                }
            case NftFlushSet f:
                {
                    var m = Message(NFT_MSG_DELSETELEM, 0);
                    m.Attribute(NFTA_SET_ELEM_LIST_TABLE, AntispoofRules.Table);
                    m.Attribute(NFTA_SET_ELEM_LIST_SET, f.Set);
                    return m;
                }
            case NftAddSetElements e:
                {
                    var m = Message(NFT_MSG_NEWSETELEM, NLM_F_CREATE);
                    m.Attribute(NFTA_SET_ELEM_LIST_TABLE, AntispoofRules.Table);
                    m.Attribute(NFTA_SET_ELEM_LIST_SET, e.Set);
                    var elements = m.BeginNested(NFTA_SET_ELEM_LIST_ELEMENTS);
                    foreach (var element in e.Elements)
                    {
                        var nest = m.BeginNested(NFTA_LIST_ELEM);
                        Value(m, NFTA_SET_ELEM_KEY, [.. element.Key]);
                        if (element.IntervalEnd) m.AttributeBigEndian(NFTA_SET_ELEM_FLAGS, NFT_SET_ELEM_INTERVAL_END);
                        m.EndNested(nest);
                    }
                    m.EndNested(elements);
                    return m;
                }
            case NftDeleteSet d:
                {
                    var m = Message(NFT_MSG_DELSET, 0);
                    m.Attribute(NFTA_SET_TABLE, AntispoofRules.Table);
                    m.Attribute(NFTA_SET_NAME, d.Set);
                    return m;
                }
            case NftAddChain c:
                return Chain(NFT_MSG_NEWCHAIN, NLM_F_CREATE, c.Chain);
            case NftDeleteChain d:
                return Chain(NFT_MSG_DELCHAIN, 0, d.Chain);
            case NftFlushChain f:
                {
                    var m = Message(NFT_MSG_DELRULE, 0);
                    m.Attribute(NFTA_RULE_TABLE, AntispoofRules.Table);
                    m.Attribute(NFTA_RULE_CHAIN, f.Chain);
                    return m;
                }
            case NftAddRule r:
                return Rule(r.Chain, r.Rule);
            case NftAddJumpElement e:
                return Element(NFT_MSG_NEWSETELEM, NLM_F_CREATE, e.Map, e.Interface, e.Chain);
            case NftDeleteElement e:
                return Element(NFT_MSG_DELSETELEM, 0, e.Map, e.Interface, null);
            default:
                throw new ArgumentException($"no nf_tables encoding for {op}", nameof(op));
        }
    }

    private static NetlinkMessage Message(ushort command, ushort flags, bool ack = true)
    {
        var m = new NetlinkMessage((ushort)((NFNL_SUBSYS_NFTABLES << 8) | command), (ushort)(NLM_F_REQUEST | (ack ? NLM_F_ACK : 0) | flags));
        m.NfGen(NFPROTO_BRIDGE, 0);
        return m;
    }

    private static NetlinkMessage Chain(ushort command, ushort flags, string chain)
    {
        var m = Message(command, flags);
        m.Attribute(NFTA_CHAIN_TABLE, AntispoofRules.Table);
        m.Attribute(NFTA_CHAIN_NAME, chain);
        return m;
    }

    private static NetlinkMessage Element(ushort command, ushort flags, string map, string interfaceName, string? jumpTo)
    {
        var m = Message(command, flags);
        m.Attribute(NFTA_SET_ELEM_LIST_TABLE, AntispoofRules.Table);
        m.Attribute(NFTA_SET_ELEM_LIST_SET, map);
        var elements = m.BeginNested(NFTA_SET_ELEM_LIST_ELEMENTS);
        var element = m.BeginNested(NFTA_LIST_ELEM);
        var key = m.BeginNested(NFTA_SET_ELEM_KEY);
        m.Attribute(NFTA_DATA_VALUE, IfName(interfaceName));
        m.EndNested(key);
        if (jumpTo is not null)
        {
            var data = m.BeginNested(NFTA_SET_ELEM_DATA);
            Verdict(m, NFT_JUMP, jumpTo);
            m.EndNested(data);
        }
        m.EndNested(element);
        m.EndNested(elements);
        return m;
    }

    /// <summary>An ifname key: the whole ifname register, the name NUL-padded to IFNAMSIZ.</summary>
    private static byte[] IfName(string interfaceName)
    {
        var name = new byte[IFNAMSIZ];
        var bytes = Encoding.UTF8.GetBytes(interfaceName);
        bytes.AsSpan(0, Math.Min(bytes.Length, (int)IFNAMSIZ - 1)).CopyTo(name);
        return name;
    }

    private static void Verdict(NetlinkMessage m, uint code, string? chain)
    {
        var verdict = m.BeginNested(NFTA_DATA_VERDICT);
        m.AttributeBigEndian(NFTA_VERDICT_CODE, code);
        if (chain is not null) m.Attribute(NFTA_VERDICT_CHAIN, chain);
        m.EndNested(verdict);
    }

    private static NetlinkMessage Rule(string chain, GuardRule rule)
    {
        var m = Message(NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);
        m.Attribute(NFTA_RULE_TABLE, AntispoofRules.Table);
        m.Attribute(NFTA_RULE_CHAIN, chain);
        var list = m.BeginNested(NFTA_RULE_EXPRESSIONS);
        foreach (var expression in rule.Expressions) Expression(m, expression);
        m.EndNested(list);
        if (rule.Comment is not null)
        {
            // nft's userdata: TLVs of one type byte and one length byte; the comment NUL-terminated.
            var text = NetlinkMessage.NulTerminated(rule.Comment);
            if (text.Length > 255) throw new ArgumentException("rule comment too long", nameof(rule));
            m.Attribute(NFTA_RULE_USERDATA, [NFTNL_UDATA_RULE_COMMENT, (byte)text.Length, .. text]);
        }
        return m;
    }

    private static void Expression(NetlinkMessage m, NftExpr expression)
    {
        var element = m.BeginNested(NFTA_LIST_ELEM);
        switch (expression)
        {
            case NftMetaLoad meta:
                Begin(m, "meta", out var data);
                m.AttributeBigEndian(NFTA_META_DREG, NFT_REG_1);
                m.AttributeBigEndian(NFTA_META_KEY, (uint)meta.Key);
                m.EndNested(data);
                break;
            case NftPayloadLoad payload:
                Begin(m, "payload", out data);
                m.AttributeBigEndian(NFTA_PAYLOAD_DREG, NFT_REG_1);
                m.AttributeBigEndian(NFTA_PAYLOAD_BASE, (uint)payload.Base);
                m.AttributeBigEndian(NFTA_PAYLOAD_OFFSET, (uint)payload.Offset);
                m.AttributeBigEndian(NFTA_PAYLOAD_LEN, (uint)payload.Length);
                m.EndNested(data);
                break;
            case NftMask mask:
                Begin(m, "bitwise", out data);
                m.AttributeBigEndian(NFTA_BITWISE_SREG, NFT_REG_1);
                m.AttributeBigEndian(NFTA_BITWISE_DREG, NFT_REG_1);
                m.AttributeBigEndian(NFTA_BITWISE_LEN, (uint)mask.Mask.Count);
                Value(m, NFTA_BITWISE_MASK, [.. mask.Mask]);
                Value(m, NFTA_BITWISE_XOR, new byte[mask.Mask.Count]);
                m.EndNested(data);
                break;
            case NftCompare cmp:
                Begin(m, "cmp", out data);
                m.AttributeBigEndian(NFTA_CMP_SREG, NFT_REG_1);
                m.AttributeBigEndian(NFTA_CMP_OP, cmp.Equal ? NFT_CMP_EQ : NFT_CMP_NEQ);
                Value(m, NFTA_CMP_DATA, [.. cmp.Data]);
                m.EndNested(data);
                break;
            case NftCompareBound bound:
                Begin(m, "cmp", out data);
                m.AttributeBigEndian(NFTA_CMP_SREG, NFT_REG_1);
                m.AttributeBigEndian(NFTA_CMP_OP, bound.AtLeast ? NFT_CMP_GTE : NFT_CMP_LTE);
                Value(m, NFTA_CMP_DATA, [.. bound.Data]);
                m.EndNested(data);
                break;
            case NftCounter:
                Begin(m, "counter", out data);
                m.EndNested(data);
                break;
            case NftImmediateVerdict verdict:
                Begin(m, "immediate", out data);
                m.AttributeBigEndian(NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT);
                var value = m.BeginNested(NFTA_IMMEDIATE_DATA);
                Verdict(m, verdict.Accept ? NF_ACCEPT : NF_DROP, null);
                m.EndNested(value);
                m.EndNested(data);
                break;
            case NftSetLookup lookup:
                Begin(m, "lookup", out data);
                m.Attribute(NFTA_LOOKUP_SET, lookup.Set);
                m.AttributeBigEndian(NFTA_LOOKUP_SREG, NFT_REG_1);
                if (lookup.Invert) m.AttributeBigEndian(NFTA_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
                m.EndNested(data);
                break;
            case NftDynset dynset:
                Begin(m, "dynset", out data);
                m.Attribute(NFTA_DYNSET_SET_NAME, dynset.Set);
                m.AttributeBigEndian(NFTA_DYNSET_OP, dynset.Delete ? NFT_DYNSET_OP_DELETE : NFT_DYNSET_OP_UPDATE);
                m.AttributeBigEndian(NFTA_DYNSET_SREG_KEY, NFT_REG_1);
                if (!dynset.Delete)
                {
                    Span<byte> timeout = stackalloc byte[8];
                    System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(timeout, dynset.TimeoutMilliseconds);
                    m.Attribute(NFTA_DYNSET_TIMEOUT, timeout);
                }
                m.EndNested(data);
                break;
            case NftVerdictLookup lookup:
                Begin(m, "lookup", out data);
                m.Attribute(NFTA_LOOKUP_SET, lookup.Map);
                m.AttributeBigEndian(NFTA_LOOKUP_SREG, NFT_REG_1);
                m.AttributeBigEndian(NFTA_LOOKUP_DREG, NFT_REG_VERDICT);
                m.EndNested(data);
                break;
            default:
                throw new ArgumentException($"no nf_tables encoding for {expression}", nameof(expression));
        }
        m.EndNested(element);
    }

    private static void Begin(NetlinkMessage m, string name, out int data)
    {
        m.Attribute(NFTA_EXPR_NAME, name);
        data = m.BeginNested(NFTA_EXPR_DATA);
    }

    private static void Value(NetlinkMessage m, ushort attribute, byte[] bytes)
    {
        var nest = m.BeginNested(attribute);
        m.Attribute(NFTA_DATA_VALUE, bytes);
        m.EndNested(nest);
    }
}
