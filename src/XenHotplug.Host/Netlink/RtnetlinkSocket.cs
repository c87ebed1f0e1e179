using System.Buffers.Binary;
using System.Runtime.InteropServices;
using XenHotplug.Host.Native;

namespace XenHotplug.Host.Netlink;

/// <summary>
/// A NETLINK_ROUTE socket speaking just what a vif port needs: look a link up by name, change a link
/// (flags, MAC, MTU, master, name, alias), list and delete its addresses. Every request is acknowledged.
/// </summary>
internal sealed class RtnetlinkSocket : IDisposable
{
    private const ushort RTM_DELLINK = 17, RTM_SETLINK = 19;
    private const ushort IFLA_AF_SPEC = 26, IFLA_EXT_MASK = 29, IFLA_BRIDGE_VLAN_INFO = 2;
    private const uint RTEXT_FILTER_BRVLAN = 2;
    private const ushort RTM_NEWLINK = 16, RTM_GETLINK = 18, RTM_NEWADDR = 20, RTM_DELADDR = 21, RTM_GETADDR = 22, RTM_DELNEIGH = 29;
    private const byte AF_BRIDGE = 7, NTF_MASTER = 0x04;
    private const ushort NDA_LLADDR = 2;
    private const ushort NLMSG_ERROR = 2, NLMSG_DONE = 3;
    private const ushort NLM_F_REQUEST = 1, NLM_F_ACK = 4, NLM_F_DUMP = 0x300;
    public const ushort IFLA_ADDRESS = 1, IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_MASTER = 10, IFLA_IFALIAS = 20;
    private const ushort IFA_ADDRESS = 1, IFA_LOCAL = 2;
    private const uint IFF_UP = 1;

    private readonly int _fd;
    private readonly byte[] _receive = new byte[65536];
    private uint _sequence;

    public RtnetlinkSocket()
    {
        _fd = LibC.Socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_ROUTE);
        if (_fd < 0) throw new NetlinkException("cannot open a netlink socket: " + Marshal.GetLastPInvokeErrorMessage());
        _sequence = (uint)Environment.TickCount;
        // Strict checking lets the kernel filter an address dump by link (Linux 4.20+): listing one vif's addresses
        // then costs the same with 1024 guests attached as with none. Where the option is missing the dump is
        // whole and filtered here, as before.
        var on = 1;
        _ = LibC.SetSockOpt(_fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, ref on, sizeof(int));
    }

    private const int SOL_NETLINK = 270, NETLINK_GET_STRICT_CHK = 12;

    /// <summary>An address dump request for one link's addresses (struct ifaddrmsg with ifa_index set).</summary>
    private static NetlinkMessage AddressDump(int index)
    {
        var dump = new NetlinkMessage(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP);
        Span<byte> ifaddrmsg = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(ifaddrmsg[4..], index);
        dump.Raw(ifaddrmsg);
        return dump;
    }

    public void Dispose() => LibC.Close(_fd);

    /// <summary>The ifindex of a link, or an error "Cannot find device".</summary>
    public int IndexOf(string name)
    {
        var request = new NetlinkMessage(RTM_GETLINK, NLM_F_REQUEST);
        request.IfInfo(0, 0, 0);
        request.Attribute(IFLA_IFNAME, NulTerminated(name));
        var index = 0;
        Exchange(request, (type, payload) =>
        {
            if (type == RTM_NEWLINK && payload.Length >= 16) index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        }, expectAck: false, missing: $"Cannot find device \"{name}\"");
        return index;
    }

    /// <summary>Sets or clears IFF_UP.</summary>
    public void SetUp(int index, bool up)
    {
        var request = new NetlinkMessage(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
        request.IfInfo(index, up ? IFF_UP : 0, IFF_UP);
        Exchange(request, null, expectAck: true, missing: null);
    }

    /// <summary>Changes one attribute of a link.</summary>
    public void SetAttribute(int index, ushort attribute, ReadOnlySpan<byte> value)
    {
        var request = new NetlinkMessage(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
        request.IfInfo(index, 0, 0);
        request.Attribute(attribute, value);
        Exchange(request, null, expectAck: true, missing: null);
    }

    /// <summary>Deletes every address of a link (ip address flush dev).</summary>
    public void FlushAddresses(int index)
    {
        var found = new List<byte[]>();
        Exchange(AddressDump(index), (type, payload) =>
        {
            if (type == RTM_NEWADDR && payload.Length >= 8 && BinaryPrimitives.ReadInt32LittleEndian(payload[4..]) == index)
                found.Add(payload.ToArray());
        }, expectAck: false, missing: null);
        foreach (var address in found)
        {
            var delete = new NetlinkMessage(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK);
            delete.Raw(address.AsSpan(0, 8));
            foreach (var (type, value) in Attributes(address.AsSpan(8).ToArray()))
            {
                if (type is IFA_ADDRESS or IFA_LOCAL) delete.Attribute(type, value);
            }
            try
            {
                Exchange(delete, null, expectAck: true, missing: null);
            }
            catch (NetlinkException e) when (e.Message.Contains("Cannot assign requested address", StringComparison.Ordinal))
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
        Exchange(AddressDump(index), (type, payload) =>
        {
            if (type == RTM_NEWADDR && payload.Length >= 8 && BinaryPrimitives.ReadInt32LittleEndian(payload[4..]) == index
                && !(payload[0] == AF_INET6 && payload[3] == RT_SCOPE_LINK))
                holds = true;
        }, expectAck: false, missing: null);
        return holds;
    }

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
            Exchange(request, null, expectAck: true, missing: null);
            return true;
        }
        catch (NetlinkException e) when (e.Message.Contains("No such file or directory", StringComparison.Ordinal))
        {
            return false; // ENOENT: not learnt there
        }
    }

    /// <summary>The VLANs of a bridge port as (bridge_vlan_info flags, vid): bridge vlan show dev PORT.</summary>
    public List<(ushort Flags, ushort Vid)> PortVlans(int portIndex)
    {
        var vlans = new List<(ushort, ushort)>();
        var dump = new NetlinkMessage(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP);
        Span<byte> info = stackalloc byte[16];
        info[0] = AF_BRIDGE;
        dump.Raw(info);
        Span<byte> mask = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(mask, RTEXT_FILTER_BRVLAN);
        dump.Attribute(IFLA_EXT_MASK, mask);
        Exchange(dump, (type, payload) =>
        {
            if (type != RTM_NEWLINK || payload.Length < 16 || BinaryPrimitives.ReadInt32LittleEndian(payload[4..]) != portIndex) return;
            foreach (var (attribute, value) in Attributes(payload[16..].ToArray()))
            {
                if (attribute != IFLA_AF_SPEC) continue;
                foreach (var (inner, data) in Attributes(value))
                {
                    if (inner == IFLA_BRIDGE_VLAN_INFO && data.Length >= 4)
                        vlans.Add((BinaryPrimitives.ReadUInt16LittleEndian(data), BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(2))));
                }
            }
        }, expectAck: false, missing: null);
        return vlans;
    }

    /// <summary>Adds (bridge vlan add vid VID [pvid] [untagged] dev PORT) or deletes one VLAN of a bridge port.</summary>
    public void SetPortVlan(int portIndex, ushort flags, ushort vid, bool add)
    {
        var request = new NetlinkMessage(add ? RTM_SETLINK : RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK);
        Span<byte> info = stackalloc byte[16];
        info[0] = AF_BRIDGE;
        BinaryPrimitives.WriteInt32LittleEndian(info[4..], portIndex);
        request.Raw(info);
        Span<byte> nested = stackalloc byte[8]; // one IFLA_BRIDGE_VLAN_INFO: header, then struct bridge_vlan_info
        BinaryPrimitives.WriteUInt16LittleEndian(nested, 8);
        BinaryPrimitives.WriteUInt16LittleEndian(nested[2..], IFLA_BRIDGE_VLAN_INFO);
        BinaryPrimitives.WriteUInt16LittleEndian(nested[4..], flags);
        BinaryPrimitives.WriteUInt16LittleEndian(nested[6..], vid);
        request.Attribute(IFLA_AF_SPEC, nested);
        Exchange(request, null, expectAck: true, missing: null);
    }

    public static byte[] NulTerminated(string text) => NetlinkMessage.NulTerminated(text);

    private static List<(ushort, byte[])> Attributes(byte[] data)
    {
        var result = new List<(ushort, byte[])>();
        var offset = 0;
        while (offset + 4 <= data.Length)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(offset));
            var type = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(offset + 2));
            if (length < 4 || offset + length > data.Length) break;
            result.Add(((ushort)(type & 0x3fff), data.AsSpan(offset + 4, length - 4).ToArray()));
            offset += (length + 3) & ~3;
        }
        return result;
    }

    private unsafe void Exchange(NetlinkMessage request, Action<ushort, ReadOnlySpan<byte>>? onMessage, bool expectAck, string? missing)
    {
        var sequence = ++_sequence;
        var bytes = request.Finish(sequence);
        fixed (byte* p = bytes)
        {
            if (LibC.Send(_fd, p, bytes.Length, 0) < 0)
                throw new NetlinkException("netlink send failed: " + Marshal.GetLastPInvokeErrorMessage());
        }
        while (true)
        {
            nint n;
            fixed (byte* p = _receive)
            {
                n = LibC.Receive(_fd, p, _receive.Length, 0);
            }
            if (n < 0)
            {
                if (Marshal.GetLastPInvokeError() == LibC.EINTR) continue;
                throw new NetlinkException("netlink receive failed: " + Marshal.GetLastPInvokeErrorMessage());
            }
            var offset = 0;
            while (offset + 16 <= n)
            {
                var span = _receive.AsSpan(offset, (int)n - offset);
                var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(span);
                var type = BinaryPrimitives.ReadUInt16LittleEndian(span[4..]);
                var seq = BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
                if (length < 16 || length > span.Length) throw new NetlinkException("malformed netlink reply");
                var payload = span[16..length];
                offset += (length + 3) & ~3;
                if (seq != sequence) continue;
                if (type == NLMSG_DONE) return;
                if (type == NLMSG_ERROR)
                {
                    var error = -BinaryPrimitives.ReadInt32LittleEndian(payload);
                    if (error == 0) return;
                    if (error == 19 && missing is not null) throw new NetlinkException(missing); // ENODEV
                    throw new NetlinkException(Marshal.GetPInvokeErrorMessage(error));
                }
                onMessage?.Invoke(type, payload);
                if (!expectAck && (BinaryPrimitives.ReadUInt16LittleEndian(span[6..]) & 0x2) == 0) return; // not NLM_F_MULTI: a single answer
            }
        }
    }
}
