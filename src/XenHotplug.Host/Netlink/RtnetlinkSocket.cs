using System.Buffers.Binary;
using XenHotplug.Host.Native;

namespace XenHotplug.Host.Netlink;

/// <summary>
/// A NETLINK_ROUTE socket speaking just what a vif port needs: look a link up by name, change a link
/// (flags, MAC, MTU, master, name, alias), list and delete its addresses, a bridge port's VLANs and forwarding
/// entries. Every change is acknowledged; the transport is <see cref="NetlinkSocket"/>, so a refusal carries its errno.
/// </summary>
internal sealed class RtnetlinkSocket : IDisposable
{
    private const ushort RTM_DELLINK = 17, RTM_SETLINK = 19;
    private const ushort IFLA_AF_SPEC = 26, IFLA_EXT_MASK = 29, IFLA_BRIDGE_VLAN_INFO = 2;
    private const uint RTEXT_FILTER_BRVLAN = 2;
    private const ushort RTM_NEWLINK = 16, RTM_GETLINK = 18, RTM_NEWADDR = 20, RTM_DELADDR = 21, RTM_GETADDR = 22, RTM_DELNEIGH = 29;
    private const byte AF_BRIDGE = 7, NTF_MASTER = 0x04;
    private const ushort NDA_LLADDR = 2;
    private const ushort NLM_F_REQUEST = NetlinkWire.NLM_F_REQUEST, NLM_F_ACK = NetlinkWire.NLM_F_ACK, NLM_F_DUMP = NetlinkWire.NLM_F_DUMP;
    public const ushort IFLA_ADDRESS = 1, IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_MASTER = 10, IFLA_IFALIAS = 20;
    private const ushort IFA_ADDRESS = 1, IFA_LOCAL = 2;
    private const uint IFF_UP = 1;
    private const int NETLINK_GET_STRICT_CHK = 12;
    private const int IfInfoLength = 16, IfAddrLength = 8;

    private readonly NetlinkSocket _socket;

    /// <param name="timeLeft">The caller's deadline: no answer is waited for longer (null: <see cref="NetlinkSocket.AnswerTimeout"/>).</param>
    public RtnetlinkSocket(Func<TimeSpan>? timeLeft = null)
    {
        _socket = NetlinkSocket.Open(LibC.NETLINK_ROUTE);
        _socket.TimeLeft = timeLeft;
        // Strict checking lets the kernel filter an address dump by link (Linux 4.20+): listing one vif's addresses
        // then costs the same with 1024 guests attached as with none. Where the option is missing the dump is
        // whole and filtered here, as before.
        _ = _socket.TrySetOption(NETLINK_GET_STRICT_CHK, 1);
    }

    /// <summary>An address dump request for one link's addresses (struct ifaddrmsg with ifa_index set).</summary>
    private static NetlinkMessage AddressDump(int index)
    {
        var dump = new NetlinkMessage(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP);
        Span<byte> ifaddrmsg = stackalloc byte[IfAddrLength];
        BinaryPrimitives.WriteInt32LittleEndian(ifaddrmsg[4..], index);
        dump.Raw(ifaddrmsg);
        return dump;
    }

    public void Dispose() => _socket.Dispose();

    /// <summary>The ifindex of a link, or an error "Cannot find device" (its <see cref="NetlinkException.Errno"/> is ENODEV).</summary>
    public int IndexOf(string name)
    {
        var request = new NetlinkMessage(RTM_GETLINK, NLM_F_REQUEST);
        request.IfInfo(0, 0, 0);
        request.Attribute(IFLA_IFNAME, NulTerminated(name));
        var index = 0;
        try
        {
            _socket.Request(request, (type, payload) =>
            {
                if (type == RTM_NEWLINK && payload.Length >= IfInfoLength) index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
            });
        }
        catch (NetlinkException e) when (e.Errno == Errno.ENODEV)
        {
            throw new NetlinkException(Errno.ENODEV, $"Cannot find device \"{name}\"");
        }
        return index;
    }

    /// <summary>Sets or clears IFF_UP.</summary>
    public void SetUp(int index, bool up)
    {
        var request = new NetlinkMessage(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
        request.IfInfo(index, up ? IFF_UP : 0, IFF_UP);
        _socket.Request(request, null);
    }

    /// <summary>Changes one attribute of a link.</summary>
    public void SetAttribute(int index, ushort attribute, ReadOnlySpan<byte> value)
    {
        var request = new NetlinkMessage(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
        request.IfInfo(index, 0, 0);
        request.Attribute(attribute, value);
        _socket.Request(request, null);
    }

    /// <summary>Deletes every address of a link (ip address flush dev).</summary>
    public void FlushAddresses(int index)
    {
        var found = new List<NetlinkMessage>();
        _socket.Request(AddressDump(index), (type, payload) =>
        {
            if (type != RTM_NEWADDR || !IsOfLink(payload, index)) return;
            var delete = new NetlinkMessage(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK);
            delete.Raw(payload[..IfAddrLength]);
            foreach (var attribute in new NetlinkAttributes(payload[IfAddrLength..]))
            {
                if (attribute.Type is IFA_ADDRESS or IFA_LOCAL) delete.Attribute(attribute.Type, attribute.Value);
            }
            found.Add(delete);
        });
        foreach (var delete in found)
        {
            try
            {
                _socket.Request(delete, null);
            }
            catch (NetlinkException e) when (e.Errno == Errno.EADDRNOTAVAIL)
            {
                // Gone already (a secondary removed with its primary).
            }
        }
    }

    /// <summary>True when the link holds an IPv4 address, or an IPv6 address beyond link-local scope.</summary>
    public bool HoldsAddresses(int index)
    {
        const byte AF_INET6 = 10, RT_SCOPE_LINK = 253;
        var holds = false;
        _socket.Request(AddressDump(index), (type, payload) =>
        {
            if (type == RTM_NEWADDR && IsOfLink(payload, index) && !(payload[0] == AF_INET6 && payload[3] == RT_SCOPE_LINK))
                holds = true;
        });
        return holds;
    }

    /// <summary>True when an RTM_NEWADDR payload (struct ifaddrmsg first) is of link <paramref name="index"/>.</summary>
    private static bool IsOfLink(ReadOnlySpan<byte> payload, int index) =>
        payload.Length >= IfAddrLength && BinaryPrimitives.ReadInt32LittleEndian(payload[4..]) == index;

    /// <summary>
    /// Makes the bridge forget where it learnt <paramref name="mac"/> if that was on <paramref name="portIndex"/>
    /// (bridge fdb del MAC dev PORT master); false when it had no such entry there.
    /// </summary>
    public bool ForgetBridgeAddress(int portIndex, ReadOnlySpan<byte> mac)
    {
        var request = new NetlinkMessage(RTM_DELNEIGH, NLM_F_REQUEST | NLM_F_ACK);
        Span<byte> ndmsg = stackalloc byte[12]; // struct ndmsg: family, pad, pad, ifindex, state, flags, type
        ndmsg[0] = AF_BRIDGE;
        BinaryPrimitives.WriteInt32LittleEndian(ndmsg[4..], portIndex);
        ndmsg[10] = NTF_MASTER;
        request.Raw(ndmsg);
        request.Attribute(NDA_LLADDR, mac);
        try
        {
            _socket.Request(request, null);
            return true;
        }
        catch (NetlinkException e) when (e.Errno == Errno.ENOENT)
        {
            return false; // not learnt there
        }
    }

    /// <summary>The VLANs of a bridge port as (bridge_vlan_info flags, vid): bridge vlan show dev PORT.</summary>
    public List<(ushort Flags, ushort Vid)> PortVlans(int portIndex)
    {
        var vlans = new List<(ushort, ushort)>();
        DumpBridgeVlans((_, _, each) => vlans.AddRange(each), only: portIndex);
        return vlans;
    }

    /// <summary>
    /// The VLANs of every bridge port (and bridge) by name, from one dump: `status` reads a VLAN-aware bridge's uplink
    /// and guest ports with it, at the same cost with 1024 guests as with one. A port without VLANs is listed empty.
    /// </summary>
    public Dictionary<string, IReadOnlyList<Core.Vlan.VlanMember>> AllPortVlans()
    {
        var all = new Dictionary<string, IReadOnlyList<Core.Vlan.VlanMember>>(StringComparer.Ordinal);
        DumpBridgeVlans((_, name, each) =>
        {
            if (name is not null) all[name] = Members(each);
        });
        return all;
    }

    /// <summary>
    /// One AF_BRIDGE link dump with the VLANs (RTEXT_FILTER_BRVLAN): each link's index, name and (flags, vid) list; with
    /// <paramref name="only"/>, the other links' answers are skipped unread (a hotplug on a host with 1024 ports parses one).
    /// </summary>
    private void DumpBridgeVlans(Action<int, string?, List<(ushort Flags, ushort Vid)>> each, int? only = null)
    {
        var dump = new NetlinkMessage(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP);
        Span<byte> info = stackalloc byte[IfInfoLength];
        info[0] = AF_BRIDGE;
        dump.Raw(info);
        dump.AttributeU32(IFLA_EXT_MASK, RTEXT_FILTER_BRVLAN);
        _socket.Request(dump, (type, payload) =>
        {
            if (type != RTM_NEWLINK || payload.Length < IfInfoLength) return;
            var index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
            if (only is { } wanted && index != wanted) return;
            string? name = null;
            var vlans = new List<(ushort, ushort)>();
            foreach (var attribute in new NetlinkAttributes(payload[IfInfoLength..]))
            {
                if (attribute.Type == IFLA_IFNAME) name = attribute.Text;
                if (attribute.Type != IFLA_AF_SPEC) continue;
                foreach (var inner in attribute.Nested)
                {
                    if (inner.Type == IFLA_BRIDGE_VLAN_INFO && inner.Value.Length >= 4)
                        vlans.Add((BinaryPrimitives.ReadUInt16LittleEndian(inner.Value), BinaryPrimitives.ReadUInt16LittleEndian(inner.Value[2..])));
                }
            }
            each(index, name, vlans);
        });
    }

    private static List<Core.Vlan.VlanMember> Members(IEnumerable<(ushort Flags, ushort Vid)> vlans) =>
        vlans.Select(v => Core.Balancing.PortVlan.FromKernel(v.Flags, v.Vid)).Select(v => new Core.Vlan.VlanMember(v.Vid, v.Pvid, v.Untagged)).ToList();

    public List<Core.Vlan.VlanMember> PortVlanMembers(string device) => Members(PortVlans(IndexOf(device)));

    /// <summary>Adds (bridge vlan add vid VID [pvid] [untagged] dev PORT) or deletes one VLAN of a bridge port.</summary>
    public void SetPortVlan(int portIndex, ushort flags, ushort vid, bool add)
    {
        var request = new NetlinkMessage(add ? RTM_SETLINK : RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK);
        Span<byte> info = stackalloc byte[IfInfoLength];
        info[0] = AF_BRIDGE;
        BinaryPrimitives.WriteInt32LittleEndian(info[4..], portIndex);
        request.Raw(info);
        var spec = request.BeginNested(IFLA_AF_SPEC, flagNested: false); // as iproute2 writes it
        Span<byte> vlanInfo = stackalloc byte[4]; // struct bridge_vlan_info
        BinaryPrimitives.WriteUInt16LittleEndian(vlanInfo, flags);
        BinaryPrimitives.WriteUInt16LittleEndian(vlanInfo[2..], vid);
        request.Attribute(IFLA_BRIDGE_VLAN_INFO, vlanInfo);
        request.EndNested(spec);
        _socket.Request(request, null);
    }

    /// <summary>
    /// Sets or clears a bridge port's isolated flag (bridge link set dev PORT isolated on|off): RTM_SETLINK in the
    /// bridge family with IFLA_PROTINFO (nested) holding IFLA_BRPORT_ISOLATED, as iproute2's bridge tool sends it.
    /// </summary>
    public void SetPortIsolated(int portIndex, bool isolated)
    {
        const ushort IFLA_PROTINFO = 12, IFLA_BRPORT_ISOLATED = 33;
        var request = new NetlinkMessage(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK);
        Span<byte> info = stackalloc byte[IfInfoLength];
        info[0] = AF_BRIDGE;
        BinaryPrimitives.WriteInt32LittleEndian(info[4..], portIndex);
        request.Raw(info);
        var protinfo = request.BeginNested(IFLA_PROTINFO, flagNested: true);
        request.Attribute(IFLA_BRPORT_ISOLATED, [isolated ? (byte)1 : (byte)0]);
        request.EndNested(protinfo);
        _socket.Request(request, null);
    }

    public static byte[] NulTerminated(string text) => NetlinkAttributeWriter.NulTerminated(text);
}
